"""The server opens every sealed case with its own key, or refuses it (fail closed)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import (
    HOLDER,
    LEADER,
    Bti,
    git,
    isolated_environment,
    push,
    server_with_clone,
)


def _new_key(path: Path) -> str:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)],
        check=True,
        capture_output=True,
    )
    return path.with_name(path.name + ".pub").read_text().strip()


def test_a_leader_cannot_point_sealing_at_a_key_the_server_does_not_hold(tmp_path: Path) -> None:
    with isolated_environment(tmp_path / "home"):
        _, clone = server_with_clone(tmp_path, sealed=True)
        other = _new_key(tmp_path / "not-the-server")
        config = clone / "bti.yaml"
        text = config.read_text()
        lines = [
            f"server_key: {other}" if line.startswith("server_key:") else line
            for line in text.splitlines()
        ]
        config.write_text("\n".join(lines) + "\n")
        git(clone, "commit", "-qam", "bti: server key", "--no-verify", env={})
        code, err = push(clone, who=LEADER)
        assert code == 1 and "BTI045" in err and "does not hold" in err, err


def test_a_server_without_its_key_refuses_sealed_cases_rather_than_judge_them_blind(
    tmp_path: Path,
) -> None:
    with isolated_environment(tmp_path / "home"):
        server, clone = server_with_clone(tmp_path, sealed=True)
        git(server, "config", "--unset", "bti.sealkey")  # a server that lost its key
        bti = Bti(clone)
        bti.ok(
            "case", "new", "--service", "skole", "--name", "Emil Skogvang", "--born",
            "2017-02-09", "--concern", "Mye fravær.", who=HOLDER,
        )  # fmt: skip
        code, err = push(clone, who=HOLDER)
        assert code == 1 and "BTI042" in err and "server's key does not open" in err, err


def test_a_person_taken_out_waits_as_a_warning_until_the_next_write_renews_the_key(
    tmp_path: Path,
) -> None:
    import yaml

    with isolated_environment(tmp_path / "home"):
        _, clone = server_with_clone(tmp_path, sealed=True)
        bti = Bti(clone)
        ola = "ola.lerer@fjordvik.example"
        bti.ok("person", "add", ola, "--name", "Ola Lærer", "--service", "skole",
               "--role", "holder")  # fmt: skip
        out = bti.ok(
            "case", "new", "--service", "skole", "--name", "Emil Skogvang", "--born",
            "2017-02-09", "--concern", "Mye fravær.", who=HOLDER,
        )  # fmt: skip
        case_id = out.output.strip().splitlines()[-1]
        path = clone / "cases" / f"{case_id}.yaml"
        assert ola in yaml.safe_load(path.read_text())["sealed"]["readers"]
        old_key = yaml.safe_load(path.read_text())["sealed"]["key"]

        people = clone / "people.yaml"
        data = people.read_text()
        start = data.index(f"  - email: {ola}")
        end = data.find("\n  - email:", start + 1)
        people.write_text(data[:start] + (data[end + 1 :] if end != -1 else ""))
        git(clone, "commit", "-qam", "people.yaml: Ola has left")
        code, err = push(clone)
        assert code == 0, err

        checked = bti("validate")
        assert checked.exit_code == 0, checked.output
        assert "BTI043" in checked.output and ola in checked.output

        bti.ok("log", "add", case_id, "Samtale med mor.", who=HOLDER)
        sealed = yaml.safe_load(path.read_text())["sealed"]
        assert ola not in sealed["readers"] and sealed["key"] != old_key
        code, err = push(clone, who=HOLDER)
        assert code == 0, err
        assert "BTI043" not in bti("validate").output


def test_a_sealed_case_never_becomes_plain_again_even_with_sealing_turned_off(
    tmp_path: Path,
) -> None:
    import yaml

    from bti import sealing
    from bti.checks import parse_case
    from bti.store import dump
    from tests.conftest import key_file

    with isolated_environment(tmp_path / "home"):
        _, clone = server_with_clone(tmp_path, sealed=True)
        bti = Bti(clone)
        out = bti.ok(
            "case", "new", "--service", "skole", "--name", "Emil Skogvang", "--born",
            "2017-02-09", "--concern", "Mye fravær.", who=HOLDER,
        )  # fmt: skip
        case_id = out.output.strip().splitlines()[-1]
        config = clone / "bti.yaml"
        config.write_text(config.read_text().replace("sealing: on", "sealing: off"))
        git(clone, "commit", "-qam", "bti: sealing off")
        code, err = push(clone)
        assert code == 0, err  # a leader's setting: new repositories' cases stay plain

        path = clone / "cases" / f"{case_id}.yaml"
        ring = sealing.Keyring()
        ring.add(*sealing.load_identity(key_file(HOLDER)))
        sealing.use(ring)
        try:
            parsed = parse_case(path.read_bytes(), f"cases/{case_id}.yaml")
        finally:
            sealing.use(None)
        assert parsed.case is not None
        plain = dump(parsed.case)
        plain.pop("sealed")
        path.write_text(yaml.safe_dump(plain, allow_unicode=True, sort_keys=False))
        git(clone, "commit", "-qam", f"{case_id}: plain again", "--no-verify", env={})
        code, err = push(clone, who=HOLDER)
        assert code == 1 and "BTI040" in err and "stays sealed" in err, err

        # bti itself keeps writing it sealed.
        git(clone, "reset", "-q", "--hard", "HEAD~1")
        bti.ok("log", "add", case_id, "Samtale med mor.", who=HOLDER)
        assert "ENC:s:" in path.read_text() and "Emil" not in path.read_text()
        code, err = push(clone, who=HOLDER)
        assert code == 0, err
