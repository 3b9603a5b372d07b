"""Merging sealed case files: the merge driver opens the versions with the person's key, merges the
plain cases and seals the result again; a version the person cannot read merges only when the
other side left it alone; conflicts stay sealed until `bti case edit` shows them. Real clones of
a real bare server with the pre-receive hook, which accepts what `bti sync` sends."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from bti import sealing
from bti.mergesealed import merge_case_texts
from tests.conftest import (
    HOLDER,
    LEADER,
    NURSE,
    Bti,
    git,
    isolated_environment,
    key_file,
    level1_case,
    new_case,
    push,
    server_with_clone,
)

RESOLVE = textwrap.dedent(
    """
    import os, pathlib, sys
    from bti.mergesealed import without_block
    path = pathlib.Path(sys.argv[-1])
    text = path.read_text()
    seen = pathlib.Path(os.environ["EDIT_SEEN"])
    seen.write_text("opened" if "stefar" in text and "ENC:" not in text else "sealed")
    path.write_text(without_block(text))
    """
)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sealed server holding two cases: a level-1 case skole and helsestasjon work in (the
    nurse reads it), and a level-0 case of skole's (the nurse cannot)."""
    base = tmp_path_factory.mktemp("sealed-merge")
    home = tmp_path_factory.mktemp("sealed-merge-home")
    with isolated_environment(home):
        _server, clone = server_with_clone(base, sealed=True)
        bti = Bti(clone)
        shared = level1_case(bti)
        bti.ok("service", "add", shared, "helsestasjon", who=HOLDER)
        own = new_case(bti, who=HOLDER, name="Siri Skolesen")
        code, err = push(clone, who=HOLDER)
        assert code == 0, err
        (base / "cases.json").write_text(json.dumps({"shared": shared, "own": own}))
    return base


@pytest.fixture
def team(seeded: Path, tmp_path: Path) -> Iterator[dict[str, Path | str]]:
    server = tmp_path / "server.git"
    shutil.copytree(seeded / "server.git", server, symlinks=True)
    found: dict[str, Path | str] = json.loads((seeded / "cases.json").read_text())
    found["server"] = server
    for name, who in (("school", HOLDER), ("health", NURSE), ("office", LEADER)):
        Bti(tmp_path).ok("clone", str(server), name, who=who)
        found[name] = tmp_path / name
    yield found


def sealed_text(where: Path, case_id: str | Path) -> str:
    return (where / "cases" / f"{case_id}.yaml").read_text()


def opened_log(bti: Bti, case_id: str, who: str) -> list[str]:
    data = json.loads(bti.ok("case", "show", case_id, "--format", "json", who=who).output)
    return [entry["text"] for entry in data["log"]]


def server_head(team: dict[str, Path | str]) -> str:
    return git(Path(team["server"]), "rev-parse", "main").strip()


def test_two_readers_append_to_the_same_sealed_case_and_sync(team: dict) -> None:
    school, health = Bti(team["school"]), Bti(team["health"])
    case_id = team["shared"]
    school.ok("log", "add", case_id, "Ola var glad i dag.", who=HOLDER)
    health.ok("log", "add", case_id, "Helsesjekk uten funn.", who=NURSE)
    school.ok("sync", who=HOLDER)
    result = health.ok("sync", who=NURSE)
    assert "merged" in result.output and "sent" in result.output
    assert server_head(team) == git(team["health"], "rev-parse", "HEAD").strip()
    on_server = git(team["server"], "show", f"main:cases/{case_id}.yaml")
    assert on_server == sealed_text(team["health"], case_id)
    for plain in ("Ola var glad", "Helsesjekk", "Ola Testesen", "merge_conflict"):
        assert plain not in on_server
    log = opened_log(health, case_id, NURSE)
    assert "Ola var glad i dag." in log and "Helsesjekk uten funn." in log
    school.ok("sync", who=HOLDER)
    assert opened_log(school, case_id, HOLDER) == log
    assert not git(team["health"], "status", "--porcelain")


def test_a_case_the_person_cannot_read_arrives_by_sync(team: dict) -> None:
    school, health = Bti(team["school"]), Bti(team["health"])
    own, shared = team["own"], team["shared"]
    school.ok("log", "add", own, "Samtale med Siri.", who=HOLDER)
    school.ok("sync", who=HOLDER)
    health.ok("log", "add", shared, "Helsesjekk uten funn.", who=NURSE)  # a merge, not a copy
    health.ok("sync", who=NURSE)
    assert sealed_text(team["health"], own) == sealed_text(team["school"], own)
    refused = health("case", "show", own, who=NURSE)
    assert refused.exit_code == 1 and "is not readable for you" in refused.output
    assert server_head(team) == git(team["health"], "rev-parse", "HEAD").strip()
    school.ok("sync", who=HOLDER)
    assert "Samtale med Siri." in opened_log(school, own, HOLDER)


def _versions(team: dict) -> tuple[str, str, str]:
    """The level-0 case as on the server, with an entry added by the holder, and with another
    added by the leader: three versions only skole's staff can open."""
    school, office = Bti(team["school"]), Bti(team["office"])
    own = team["own"]
    base = sealed_text(team["school"], own)
    school.ok("log", "add", own, "Samtale med Siri.", who=HOLDER)
    office.ok("log", "add", own, "Rektor informert.", who=LEADER)
    return base, sealed_text(team["school"], own), sealed_text(team["office"], own)


def test_the_driver_refuses_in_one_line_a_case_changed_on_both_sides_it_cannot_open(
    team: dict,
) -> None:
    base, ours, theirs = _versions(team)
    path = f"cases/{team['own']}.yaml"
    ring = sealing.Keyring()
    ring.add(*sealing.load_identity(key_file(NURSE)))
    sealing.use(ring)
    try:
        result = merge_case_texts(base, ours, theirs, path, team["school"])
        assert not result.clean and result.text == ours
        (line,) = result.messages(path)
        assert f"case {team['own']} was changed on both sides" in line
        assert f"one of its readers ({HOLDER}, {LEADER})" in line
        # The other side left it alone: the changed side's bytes, as they are.
        assert merge_case_texts(base, ours, base, path, team["school"]).text == ours
        kept = merge_case_texts(base, base, theirs, path, team["school"])
        assert kept.clean and kept.text == theirs
    finally:
        sealing.use(None)


def test_the_driver_merges_sealed_versions_it_can_open_and_seals_the_result(team: dict) -> None:
    base, ours, theirs = _versions(team)
    ring = sealing.Keyring()
    ring.add(*sealing.load_identity(key_file(HOLDER)))
    sealing.use(ring)
    try:
        result = merge_case_texts(base, ours, theirs, f"cases/{team['own']}.yaml", team["school"])
    finally:
        sealing.use(None)
    assert result.clean
    assert "Samtale med Siri" not in result.text and "Rektor" not in result.text
    kept = [line for line in ours.splitlines() if "ENC:" in line]
    assert all(line in result.text.splitlines() for line in kept)  # your ciphertext stays


def test_a_conflict_in_a_sealed_case_stays_sealed_until_case_edit_opens_it(
    team: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    school, office = Bti(team["school"]), Bti(team["office"])
    case_id = team["shared"]
    for bti, who, value in ((school, HOLDER, "far"), (office, LEADER, "stefar")):
        bti.ok(
            "case",
            "correct",
            case_id,
            "--field",
            "guardian.1.relation",
            "--value",
            value,
            "--reason",
            "Feil registrert",
            who=who,
        )
    school.ok("sync", who=HOLDER)
    stopped = office("sync", who=LEADER)
    assert stopped.exit_code == 1, stopped.output
    assert "guardian" in stopped.output and "bti case edit" in stopped.output
    text = sealed_text(team["office"], case_id)
    assert "merge_conflict:" in text and "bti case edit" in text
    assert "stefar" not in text and "Mia Lund" not in text and "<<<<<<<" not in text
    block = text[text.index("merge_conflict:") :].split("\nschema_version")[0]
    assert "yours: ENC:s:" in block and "incoming: ENC:s:" in block

    script = tmp_path / "resolve.py"
    script.write_text(RESOLVE)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.setenv("EDIT_SEEN", str(tmp_path / "seen"))
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    edited = office.ok("case", "edit", case_id, who=LEADER)
    assert "bti sync --continue" in edited.output
    assert (tmp_path / "seen").read_text() == "opened"
    text = sealed_text(team["office"], case_id)
    assert "merge_conflict" not in text and "stefar" not in text
    office.ok("sync", "--continue", who=LEADER)
    assert server_head(team) == git(team["office"], "rev-parse", "HEAD").strip()
    code, err = push(team["office"], who=LEADER)
    assert code == 0, err


def test_take_chooses_a_side_in_a_sealed_case_opened_with_the_persons_key(team: dict) -> None:
    school, office = Bti(team["school"]), Bti(team["office"])
    case_id = team["shared"]
    for bti, who, value in ((school, HOLDER, "far"), (office, LEADER, "stefar")):
        bti.ok(
            "case",
            "correct",
            case_id,
            "--field",
            "guardian.1.relation",
            "--value",
            value,
            "--reason",
            "Feil registrert",
            who=who,
        )
    school.ok("sync", who=HOLDER)
    mine = git(team["office"], "rev-parse", "HEAD").strip()
    stopped = office("sync", who=LEADER)
    assert stopped.exit_code == 1, stopped.output
    field = "guardians.Mia Lund.relation"
    assert f"{field} was changed on both sides — yours: stefar; on the server: far" in (
        stopped.output
    )
    done = office("sync", "--take", "theirs", field, who=LEADER)
    assert done.exit_code == 0, done.output
    assert "took the server's: far" in done.output
    head = git(team["office"], "rev-parse", "HEAD").strip()
    assert server_head(team) == head
    parents = git(team["office"], "rev-list", "--parents", "-n", "1", "HEAD").split()[1:]
    assert mine in parents and len(parents) == 2
    on_server = git(Path(team["server"]), "show", f"main:cases/{case_id}.yaml")
    assert "merge_conflict" not in on_server and "stefar" not in on_server
    assert "Mia Lund" not in on_server and "ENC:" in on_server
    shown = office.ok("case", "show", case_id, who=LEADER)
    assert "far" in shown.output and "stefar" not in shown.output
