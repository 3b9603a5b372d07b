"""`bti seal`: sealing an existing repository in one commit, re-sealing for new readers, and a fresh
start from the sealed state — each pushed to a real bare server with the server hook."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import (
    HOLDER,
    LEADER,
    NURSE,
    Bti,
    git,
    isolated_environment,
    push,
    server_key,
    server_with_clone,
)

CHILD = "Emil Skogvang"
MOTHER = "Hanne Skogvang"


def _objects(repo: Path) -> bytes:
    return subprocess.run(
        ["git", "cat-file", "--batch-all-objects", "--batch"],
        cwd=repo,
        capture_output=True,
        check=True,
    ).stdout


def _plain_repository(base: Path) -> tuple[Path, Path, Bti, str]:
    server, clone = server_with_clone(base)
    bti = Bti(clone)
    out = bti.ok(
        "case", "new", "--service", "skole", "--name", CHILD, "--born", "2017-02-09",
        "--concern", "Mye fravær mandager.", who=HOLDER,
    )  # fmt: skip
    case_id = out.output.strip().splitlines()[-1]
    bti.ok("guardian", "add", case_id, "--name", MOTHER, "--relation", "mor", who=HOLDER)
    code, err = push(clone, who=HOLDER)
    assert code == 0, err
    return server, clone, bti, case_id


def test_a_leader_holding_the_server_key_seals_a_plain_repository_in_one_commit(
    tmp_path: Path,
) -> None:
    with isolated_environment(tmp_path / "home"):
        server, clone, bti, case_id = _plain_repository(tmp_path)
        public = f"{server_key(server)}.pub"
        before = git(clone, "rev-parse", "HEAD").strip()

        missing = bti("seal")
        assert missing.exit_code == 2 and "--server-key" in missing.output
        no_key = bti("seal", "--server-key", public)
        assert no_key.exit_code == 1 and "server's private key" in no_key.output
        not_leader = bti("seal", "--server-key", public, who=HOLDER)
        assert not_leader.exit_code == 1 and "leader" in not_leader.output
        assert git(clone, "rev-parse", "HEAD").strip() == before  # nothing written

        done = bti.ok("seal", "--server-key", public, "--key-file", str(server_key(server)))
        assert "1 case(s) sealed" in done.output
        assert "plain text" in done.output and "bti seal --fresh" in done.output
        assert git(clone, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
        changed = git(clone, "show", "--name-only", "--format=", "HEAD").split()
        assert sorted(changed) == ["bti.yaml", f"cases/{case_id}.yaml"]
        text = (clone / "cases" / f"{case_id}.yaml").read_text()
        assert CHILD not in text and MOTHER not in text and "ENC:s:" in text
        assert "sealing: on" in (clone / "bti.yaml").read_text()
        code, err = push(clone)
        assert code == 0, err  # the server opens the sealed case with its key and judges it

        # The school's staff read it as before; the health station's nurse does not.
        shown = bti("case", "show", case_id, who=HOLDER)
        assert shown.exit_code == 0 and CHILD in shown.output, shown.output
        refused = bti("case", "show", case_id, who=NURSE)
        assert refused.exit_code == 1 and "not readable" in refused.output
        assert CHILD not in refused.output

        again = bti.ok("seal", "--key-file", str(server_key(server)))
        assert "nothing to do" in again.output


def test_seal_gives_a_case_to_a_reader_who_joined_the_service(tmp_path: Path) -> None:
    with isolated_environment(tmp_path / "home"):
        server, clone = server_with_clone(tmp_path, sealed=True)
        bti = Bti(clone)
        out = bti.ok(
            "case", "new", "--service", "skole", "--name", CHILD, "--born", "2017-02-09",
            "--concern", "Mye fravær.", who=HOLDER,
        )  # fmt: skip
        case_id = out.output.strip().splitlines()[-1]
        newcomer = "ola.lerer@fjordvik.example"
        bti.ok("person", "add", newcomer, "--name", "Ola Lærer", "--service", "skole",
               "--role", "holder")  # fmt: skip
        assert bti("case", "show", case_id, who=newcomer).exit_code == 1  # not yet
        done = bti.ok("seal", "--key-file", str(server_key(server)))
        assert "1 re-sealed" in done.output
        shown = bti("case", "show", case_id, who=newcomer)
        assert shown.exit_code == 0 and CHILD in shown.output, shown.output
        code, err = push(clone)
        assert code == 0, err


def test_a_fresh_start_from_the_sealed_state_holds_no_plain_version(tmp_path: Path) -> None:
    with isolated_environment(tmp_path / "home"):
        server, clone, bti, case_id = _plain_repository(tmp_path)
        key = str(server_key(server))
        bti.ok("seal", "--server-key", f"{key}.pub", "--key-file", key)
        assert CHILD.encode() in _objects(clone)  # the old history keeps the plain versions

        fresh = tmp_path / "fresh"
        made = bti.ok("seal", "--fresh", str(fresh))
        assert "no history" in made.output
        assert git(fresh, "rev-list", "--count", "HEAD").strip() == "1"
        objects = _objects(fresh)
        assert CHILD.encode() not in objects and MOTHER.encode() not in objects
        assert Bti(fresh).ok("validate").exit_code == 0

        # A new, empty server with the same key takes it, and judges the cases' state.
        server2 = tmp_path / "server2.git"
        git(tmp_path, "init", "-q", "--bare", "-b", "main", str(server2))
        Bti(tmp_path).ok("hooks", "install", "--server", str(server2), "--seal-key", key)
        git(fresh, "remote", "add", "origin", str(server2))
        code, err = push(fresh, "main")
        assert code == 0, err
        shown = Bti(fresh).ok("case", "show", case_id, who=HOLDER)
        assert CHILD in shown.output

        refused = Bti(clone)("seal", "--fresh", str(fresh))
        assert refused.exit_code == 2 and "not empty" in refused.output


def test_a_fresh_start_needs_a_sealed_repository(tmp_path: Path) -> None:
    with isolated_environment(tmp_path / "home"):
        _, _clone, bti, _ = _plain_repository(tmp_path)
        refused = bti("seal", "--fresh", str(tmp_path / "fresh"))
        assert refused.exit_code == 1 and "seal the repository first" in refused.output
        assert not (tmp_path / "fresh").exists()
        assert LEADER  # the acting leader is the runner's default
