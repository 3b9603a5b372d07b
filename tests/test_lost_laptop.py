"""The lost-laptop test (issue 12): a clone of the example repository, as one person of one service,
holds nothing of the cases that person may not read — not in the working tree, not in any git
object — and bti says "not readable" for them; the cases they may read work as before.

The example repository (examples/fjordvik.bundle, built by scripts/make-examples.sh) is sealed from
its first commit; examples/keys/ holds the invented people's demo keys and the demo server's key.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from bti import sealing
from bti.checks import parse_case
from bti.cli import main
from bti.models import Case

PROJECT = Path(__file__).resolve().parents[1]
EXAMPLES = PROJECT / "examples"
KEYS = EXAMPLES / "keys"


def _keyring(key: Path) -> sealing.Keyring:
    ring = sealing.Keyring()
    ring.add(*sealing.load_identity(key))
    return ring


def _open(data: bytes, path: str, ring: sealing.Keyring) -> tuple[Case | None, bool]:
    sealing.use(ring)
    try:
        parsed = parse_case(data, path)
    finally:
        sealing.use(None)
    return parsed.case, parsed.readable


def _secrets(case: Case) -> list[str]:
    """What must never be found on the laptop of someone who may not read `case`."""
    values = [case.subject.name, case.concern.text]
    values += [g.name for g in case.guardians]
    values += [e.text for e in case.log]
    values += [m.text for m in case.measures]
    if case.subject.national_id:
        values.append(case.subject.national_id)
    return [v for v in values if len(v) >= 8]


def _bytes_of_clone(clone: Path) -> bytes:
    """Every file of the clone (working tree and .git) and every git object, decompressed."""
    parts = []
    for path in clone.rglob("*"):
        if path.is_file():
            parts.append(path.read_bytes())
    objects = subprocess.run(
        ["git", "cat-file", "--batch-all-objects", "--batch"],
        cwd=clone,
        capture_output=True,
        check=True,
    )
    parts.append(objects.stdout)
    return b"\n".join(parts)


@pytest.fixture(scope="module")
def truth(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Case]:
    """Every example case, opened with the demo server's key (the server reads every case)."""
    ring = _keyring(KEYS / "server")
    cases = {}
    for path in sorted((PROJECT / "cases").glob("*.yaml")):
        case, readable = _open(path.read_bytes(), f"cases/{path.name}", ring)
        assert case is not None and readable, path.name
        cases[case.id] = case
    assert len(cases) >= 8
    return cases


PEOPLE = [
    "eva.barnehage@fjordvik.example",
    "jon.nav@fjordvik.example",
    "siri.ppt@fjordvik.example",
    "tor.barnevern@fjordvik.example",
]


@pytest.mark.parametrize("email", PEOPLE)
def test_a_lost_laptop_holds_nothing_of_the_cases_its_owner_may_not_read(
    tmp_path: Path, truth: dict[str, Case], email: str
) -> None:
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "-b", "main", str(EXAMPLES / "fjordvik.bundle"), str(clone)],
        check=True,
        capture_output=True,
    )
    key = tmp_path / "key"
    shutil.copyfile(KEYS / email, key)
    key.chmod(0o600)
    shutil.copyfile(KEYS / f"{email}.pub", tmp_path / "key.pub")
    # The person sets up their key as they would on their own machine; no test key from the
    # environment stands in for it.
    env = {
        "GIT_CONFIG_COUNT": "0",
        "GIT_AUTHOR_EMAIL": email,
        "GIT_AUTHOR_NAME": email.split("@")[0],
        "BTI_KEY_FILE": "",
    }
    runner = CliRunner()
    os.chdir(clone)
    try:

        def bti(*args: str) -> tuple[int, str]:
            result = runner.invoke(main, list(args), env=env, catch_exceptions=False)
            return result.exit_code, result.output

        code, out = bti("key", "init", "--key-file", str(key))
        assert code == 0, out
        mine = _keyring(key)
        readable, unreadable = [], []
        for case_id in truth:
            data = (clone / "cases" / f"{case_id}.yaml").read_bytes()
            case, opens = _open(data, f"cases/{case_id}.yaml", mine)
            assert case is not None
            (readable if opens else unreadable).append(case_id)
        assert readable and unreadable, (email, readable)

        # Every command works as before for the cases this person may read.
        for case_id in readable:
            code, out = bti("case", "show", case_id)
            assert code == 0, out
            assert truth[case_id].subject.name in out
            code, out = bti("audit", "log", case_id)
            assert code == 0, out
            if truth[case_id].status == "open":
                code, out = bti("meeting", "agenda", case_id, "--kind", "coordination")
                assert code == 0 and truth[case_id].subject.name in out, out
        code, out = bti("validate")
        assert code == 0, out
        code, out = bti("case", "list", "--status", "all")
        assert code == 0 and all(case_id in out for case_id in readable), out
        assert not any(case_id in out.split("\n---")[-1] for case_id in unreadable), out
        code, out = bti("due")
        assert code == 0, out
        # For the others: one line that says so, never the ciphertext as if it were text.
        for case_id in unreadable:
            code, out = bti("case", "show", case_id)
            assert code == 1, out
            assert "not readable" in out and "ENC:" not in out, out
            assert len(out.strip().splitlines()) <= 2, out
    finally:
        os.chdir(PROJECT)

    everything = _bytes_of_clone(clone)
    for case_id in unreadable:
        for secret in _secrets(truth[case_id]):
            assert secret.encode("utf-8") not in everything, (email, case_id, secret)
