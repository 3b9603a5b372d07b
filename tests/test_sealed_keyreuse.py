"""BTI047: a case sealed with the data key of another case, on a real bare server.

A holder who reads case B knows B's data key. Sealing her own case A with it (wrapped again to A's
rightful readers, so every other check passes) would let B's readers — the nurse, who may not read
A — open A's values: they hold the key, and the values' AAD names only A's id. The server, which
opens every case, refuses it; the audit with the server's key names it where no hook ran.
"""

from __future__ import annotations

import json
import os
import subprocess

from bti import sealing, yamlio
from tests import test_sealed_server as _sealed
from tests.conftest import HOLDER, LEADER, NURSE, Bti, git_env, key_file, server_key
from tests.test_sealed_server import World, audit, ring_of

# The world of tests/test_sealed_server.py: a sealed server and a holder's clone with two cases.
_world_template = _sealed._world_template
world = _sealed.world


def _seal_with_key_of(w: World, case_id: str, other: str) -> bytes:
    """`case_id` written again by hand, sealed with `other`'s data key, wrapped to its own
    readers: every check but BTI047 passes. Returns the key."""
    _, theirs = w.opened(other)
    assert theirs.data_key is not None
    w.reseal(case_id, data_key=theirs.data_key)
    return theirs.data_key


def test_a_case_sealed_with_another_cases_key_is_refused(world: World) -> None:
    w = world
    before = w.server_refs()
    key = _seal_with_key_of(w, w.solo, w.shared)
    text = w.path(w.solo).read_text()
    # The attack works: the nurse, a reader of the shared case only, would open the solo case.
    raw = yamlio.load(text, "c")
    assert NURSE not in raw["sealed"]["readers"]
    assert ring_of(key_file(NURSE)).unwrap(raw["sealed"]["key"]) is None
    plain, _ = sealing.open_case(raw, key=key)
    assert plain["subject"]["name"] == "Mathea Lund"
    w.commit()
    code, err = w.push()
    assert code != 0 and "BTI047 error" in err, err
    assert f"case {w.shared} uses" in err and "fresh key for every case" in err
    assert "Mathea" not in err and "Jonas" not in err
    assert "Traceback" not in err
    assert w.server_refs() == before
    # In a clone where the commit got in without the hook, the audit with the server's key says so.
    status, found = audit(w, key=server_key(w.server))
    assert status == 1 and "BTI047" in found, found
    # The holder committing it through her own hooks (she reads both cases) is refused too.
    w.git("reset", "-q", "--soft", "origin/main")
    said = subprocess.run(
        ["git", "commit", "-q", "-m", "edit"],
        cwd=w.clone,
        capture_output=True,
        text=True,
        env={**os.environ, **git_env(HOLDER)},
    )
    assert said.returncode != 0 and "BTI047 error" in said.stdout + said.stderr


def test_a_new_case_with_another_cases_key_is_refused(world: World) -> None:
    """A new case (its key is new for it by definition) sealed with a key already in use."""
    w = world
    bti = Bti(w.clone)
    out = bti.ok(
        "case", "new", "--service", "skole", "--name", "Ella Moe", "--born", "2015-01-05",
        "--concern", "Trøtt i timene.", "--no-commit", who=HOLDER,
    )  # fmt: skip
    fresh = out.output.strip().splitlines()[-1]
    _seal_with_key_of(w, fresh, w.solo)
    w.commit()
    code, err = w.push()
    assert code != 0 and "BTI047 error" in err and f"case {w.solo} uses" in err, err


def test_ordinary_new_cases_and_writes_pass(world: World) -> None:
    w = world
    bti = Bti(w.clone)
    out = bti.ok(
        "case", "new", "--service", "skole", "--name", "Ella Moe", "--born", "2015-01-05",
        "--concern", "Trøtt i timene.", who=HOLDER,
    )  # fmt: skip
    fresh = out.output.strip().splitlines()[-1]
    bti.ok("log", "add", fresh, "Samtale med eleven.", who=HOLDER)
    bti.ok("log", "add", w.solo, "Samtale med mor.", who=HOLDER)
    bti.ok("log", "add", w.shared, "Samtale med far.", who=HOLDER)
    code, err = w.push()
    assert code == 0, err
    # The index of data keys is kept in the server's git folder, in plain text (fingerprints).
    kept = json.loads((w.server / "bti" / "data-keys.json").read_text())
    assert len([f for f in kept["blobs"].values() if f]) >= 3
    status, found = audit(w, key=server_key(w.server))
    assert "BTI047" not in found, found
    assert status == 0, found
    # The holder's own index is sealed to her key.
    mine = w.clone / ".git" / "bti" / "data-keys.json"
    if mine.exists():
        assert mine.read_bytes().startswith(sealing.AGE_HEADER)


def test_a_renewed_key_is_fresh_and_passes(world: World) -> None:
    w = world
    bti = Bti(w.clone)
    _, opened = w.opened(w.shared)
    bti.ok("consent", "withdraw", w.shared, "c1", who=HOLDER)
    bti.ok("log", "add", w.shared, "Ny samtale.", who=HOLDER)
    _, renewed = w.opened(w.shared)
    _, solo = w.opened(w.solo)
    assert renewed.data_key not in (opened.data_key, solo.data_key)
    code, err = w.push()
    assert code == 0, err
    _, found = audit(w, who=LEADER, key=server_key(w.server))
    assert "BTI047" not in found, found


def test_a_renewed_key_taken_from_another_case_is_refused(world: World) -> None:
    """The renewal (a withdrawal) done by hand with the solo case's key: the nurse is off the
    shared case, but the key it now has is one others hold."""
    w = world
    bti = Bti(w.clone)
    bti.ok("consent", "withdraw", w.shared, "c1", who=HOLDER)
    code, err = w.push()
    assert code == 0, err
    bti.ok("log", "add", w.shared, "Ny samtale.", "--no-commit", who=HOLDER)
    _seal_with_key_of(w, w.shared, w.solo)
    w.commit()
    code, err = w.push()
    assert code != 0 and "BTI047 error" in err and f"case {w.solo} uses" in err, err


def test_the_index_is_used_not_rebuilt(world: World) -> None:
    """A second push opens only its own versions: the server's index is kept between pushes."""
    w = world
    bti = Bti(w.clone)
    bti.ok(
        "case", "new", "--service", "skole", "--name", "Ella Moe", "--born", "2015-01-05",
        "--concern", "Trøtt i timene.", who=HOLDER,
    )  # fmt: skip
    assert w.push()[0] == 0
    index = w.server / "bti" / "data-keys.json"
    first = json.loads(index.read_text())["blobs"]
    bti.ok(
        "case", "new", "--service", "skole", "--name", "Eva Moe", "--born", "2015-01-06",
        "--concern", "Trøtt i timene.", who=HOLDER,
    )  # fmt: skip
    assert w.push()[0] == 0
    second = json.loads(index.read_text())["blobs"]
    assert set(first) <= set(second) and len(second) > len(first)
