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
