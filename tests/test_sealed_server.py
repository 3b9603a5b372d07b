"""Sealed case files (issue 12) against a hostile colleague, on a real bare server.

The server's pre-receive hook holds the server's key, so it opens every sealed case and judges it in
full. Each attack is built the way an insider with push access would build it — the case's data key
opened with their own key, values sealed by hand with `bti.sealing`, the key wrapped again with age to
whom they like, committed with `--no-verify` or git's plumbing — and must be refused with its rule
code, leaving the server's refs as they were. The same change committed through the client's
pre-commit hook by a reader of the case gets the same code, and `bti audit verify` run with the
server's key names it in history where no hook ran.
"""

from __future__ import annotations

import base64
import copy
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bti import sealing, yamlio
from bti.sealing import SERVER, Keyring, load_identity
from tests.conftest import (
    HOLDER,
    LEADER,
    NURSE,
    STAFF,
    Bti,
    git,
    git_env,
    isolated_environment,
    key_file,
    public_key,
    push,
    server_key,
    server_with_clone,
)

OTHER = "per.barnevern@fjordvik.example"  # staff of a service in neither case
FNR = "09821750056"  # synthetic (month + 80)
HEADER = "# yaml-language-server: $schema=../schemas/case.schema.json\n"


def ring_of(*keys: Path) -> Keyring:
    ring = Keyring()
    for path in keys:
        ring.add(*load_identity(path), source=str(path))
    return ring


@dataclass
class World:
    base: Path
    server: Path
    clone: Path
    solo: str  # level 0, skole: read by HOLDER, LEADER and the server
    shared: str  # level 1, helsestasjon involved and covered: NURSE reads it too

    def path(self, case_id: str) -> Path:
        return self.clone / "cases" / f"{case_id}.yaml"

    def git(self, *args: str, who: str = HOLDER) -> str:
        return git(self.clone, *args, env=git_env(who))

    def commit(self, message: str = "edit", who: str = HOLDER) -> str:
        """Everything in the work tree, committed without the hooks."""
        self.git("add", "-A", who=who)
        self.git("commit", "-q", "--no-verify", "-m", message, who=who)
        return self.git("rev-parse", "HEAD").strip()

    def plumb(self, who: str = HOLDER, message: str = "x") -> str:
        """The work tree committed with `git commit-tree` (signed by `who`), no hook involved;
        main moved to it."""
        self.git("add", "-A", who=who)
        tree = self.git("write-tree", who=who).strip()
        head = self.git("rev-parse", "HEAD").strip()
        sha = self.git("commit-tree", "-S", tree, "-p", head, "-m", message, who=who).strip()
        self.git("reset", "-q", "--hard", sha)
        return sha

    def push(self, who: str = HOLDER) -> tuple[int, str]:
        return push(self.clone, who=who)

    def server_refs(self) -> str:
        return git(self.server, "for-each-ref", "--format=%(refname) %(objectname)")

    @property
    def server_ring(self) -> Keyring:
        return ring_of(server_key(self.server))

    def raw(self, case_id: str, text: str | None = None) -> dict[str, Any]:
        path = self.path(case_id)
        loaded = yamlio.load(path.read_text() if text is None else text, str(path))
        assert isinstance(loaded, dict)
        return loaded

    def opened(self, case_id: str, text: str | None = None) -> tuple[dict[str, Any], Any]:
        """The plain mapping of a case and what opening it with the server's key found."""
        plain, opened = sealing.open_case(self.raw(case_id, text), self.server_ring)
        assert opened.readable and not opened.bad
        return plain, opened

    def key_of(self, reader: str) -> str:
        if reader == SERVER:
            return (Path(f"{server_key(self.server)}.pub")).read_text().strip()
        return public_key(reader)

    def write(self, case_id: str, raw: dict[str, Any]) -> None:
        self.path(case_id).write_text(yamlio.rt_dump(yamlio.to_node(raw), header=HEADER))

    def reseal(
        self,
        case_id: str,
        change: Callable[[dict[str, Any]], None] = lambda plain: None,
        *,
        data_key: bytes | None = None,
        readers: list[str] | None = None,
        wrap_to: list[str] | None = None,
        text: str | None = None,
    ) -> None:
        """The case written again by hand: opened with the server's key, `change`d, every value
        sealed with `data_key` (default: the one it has), the key wrapped to `wrap_to` (public
        keys; default: the keys of `readers`) and the block listing `readers` (default: as is)."""
        plain, opened = self.opened(case_id, text)
        plain = copy.deepcopy(plain)  # opened.plain_raw is the same mapping: what it was
        change(plain)
        plain.pop("sealed", None)
        key = opened.data_key if data_key is None else data_key
        readers = opened.readers if readers is None else readers
        keys = [self.key_of(r) for r in readers] if wrap_to is None else wrap_to
        before = opened if key == opened.data_key else None
        sealed = sealing.seal_tree(plain, key, before=before)
        self.write(case_id, sealing.with_block(sealed, readers, sealing.wrap(key, keys)))


def _build_world(base: Path) -> None:
    staff = [*STAFF, (OTHER, "Per Lyngmo", "barnevern", "holder")]
    _server, clone = server_with_clone(base, staff, "desk", sealed=True)
    bti = Bti(clone)

    def new(name: str) -> str:
        out = bti.ok(
            "case", "new", "--service", "skole", "--name", name, "--born", "2014-11-30",
            "--concern", "Spiser lite i skolen.", who=HOLDER,
        )  # fmt: skip
        return out.output.strip().splitlines()[-1]

    new("Mathea Lund")
    shared = new("Jonas Berg")
    bti.ok("guardian", "add", shared, "--name", "Anders Berg", "--relation", "far", who=HOLDER)
    bti.ok(
        "consent", "add", shared, "--given-by", "Anders Berg", "--services",
        "skole,helsestasjon", "--purpose", "Samarbeid", who=HOLDER,
    )  # fmt: skip
    bti.ok("level", "set", shared, "1", "--reason", "Far samtykker", who=HOLDER)
    bti.ok("service", "add", shared, "helsestasjon", who=HOLDER)
    bti.ok("log", "add", shared, "Samtale med far.", who=HOLDER)
    code, err = push(clone, who=HOLDER)
    assert code == 0, err
    (base / "shared").write_text(shared)


@pytest.fixture(scope="module")
def _world_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("sealed")
    with isolated_environment(tmp_path_factory.mktemp("sealed-home")):
        _build_world(base)
    return base


@pytest.fixture
def world(tmp_path: Path, _world_template: Path) -> Iterator[World]:
    """A sealed server with bti's pre-receive hook and a holder's clone with two cases."""
    base = tmp_path / "w"
    shutil.copytree(_world_template, base, symlinks=True)
    server = base / "server.git"
    clone = base / "desk"
    git(clone, "remote", "set-url", "origin", str(server))
    git(server, "config", "bti.sealkey", str(server_key(server)))
    shared = (base / "shared").read_text()
    solo = next(p.stem for p in (clone / "cases").glob("*.yaml") if p.stem != shared)
    yield World(base, server, clone, solo, shared)


def audit(world: World, who: str = LEADER, key: Path | None = None) -> tuple[int, set[str]]:
    """`bti audit verify` in the clone as `who`, with `key` (BTI_KEY_FILE) when given."""
    import os

    saved = os.environ.get("BTI_KEY_FILE")
    if key is not None:
        os.environ["BTI_KEY_FILE"] = str(key)
    try:
        result = Bti(world.clone)("audit", "verify", "--format", "json", who=who)
    finally:
        if saved is None:
            os.environ.pop("BTI_KEY_FILE", None)
        else:
            os.environ["BTI_KEY_FILE"] = saved
    assert "Traceback" not in result.output
    return result.exit_code, {v["code"] for v in json.loads(result.stdout or "[]")}


def client_commit(world: World, who: str = HOLDER) -> tuple[int, str]:
    """The attack's change (one commit on top of origin/main) committed again through the
    client's hooks, as `who`: its exit code and what the hook said."""
    import os
    import subprocess

    world.git("reset", "-q", "--soft", "origin/main")
    result = subprocess.run(
        ["git", "commit", "-q", "-m", "edit"],
        cwd=world.clone,
        capture_output=True,
        text=True,
        env={**os.environ, **git_env(who)},
    )
    return result.returncode, result.stdout + result.stderr


# -- the attacks ----------------------------------------------------------------------------------
# Each changes the clone's work tree (or commits by plumbing) as the holder, a reader of both cases.

Attack = Callable[[World], None]
ATTACKS: list[tuple[str, str, Attack]] = []


def attack(name: str, code: str) -> Callable[[Attack], Attack]:
    def wrap(func: Attack) -> Attack:
        ATTACKS.append((name, code, func))
        return func

    return wrap


@attack("1a: NURSE (another service) added to the readers of a level-0 case", "BTI041")
def _nurse_added(w: World) -> None:
    _, opened = w.opened(w.solo)
    readers = [*sorted([r for r in opened.readers if r != SERVER] + [NURSE]), SERVER]
    w.reseal(w.solo, readers=readers)
    w.commit()


@attack("1b: the readers unchanged, the key wrapped to an outsider too", "BTI041")
def _outsider_stanza(w: World) -> None:
    _, opened = w.opened(w.solo)
    w.reseal(w.solo, wrap_to=[*(w.key_of(r) for r in opened.readers), public_key(OTHER)])
    w.plumb()


@attack("1c: the key wrapped to an age X25519 recipient too", "BTI041")
def _x25519_stanza(w: World) -> None:
    import pyrage

    _plain, opened = w.opened(w.solo)
    recipients: list[Any] = [pyrage.ssh.Recipient.from_str(w.key_of(r)) for r in opened.readers]
    recipients.append(pyrage.x25519.Identity.generate().to_public())
    raw = w.raw(w.solo)
    raw["sealed"]["key"] = base64.b64encode(pyrage.encrypt(opened.data_key, recipients)).decode()
    w.write(w.solo, raw)
    w.commit()


@attack("1d: the readers list names someone not in people.yaml", "BTI041")
def _unknown_reader(w: World) -> None:
    raw = w.raw(w.solo)
    raw["sealed"]["readers"].append("ukjent@fjordvik.example")
    w.write(w.solo, raw)
    w.commit()


@attack("3: NURSE taken off the readers, the data key kept", "BTI044")
def _withdrawn_key_kept(w: World) -> None:
    _, opened = w.opened(w.shared)
    Bti(w.clone).ok("consent", "withdraw", w.shared, "c1", "--no-commit", who=HOLDER)
    w.reseal(w.shared, data_key=opened.data_key)
    assert NURSE not in w.opened(w.shared)[1].readers
    w.commit()


@attack("4: a national id inside a sealed log text", "BTI501")
def _id_in_sealed_log(w: World) -> None:
    def change(plain: dict[str, Any]) -> None:
        entry = {**plain["log"][-1], "text": f"Fnr {FNR}", "kind": "note"}
        entry.pop("event", None)
        plain["log"].append(entry)

    w.reseal(w.shared, change)
    w.commit()


@attack("4: a consent given by someone who is not a guardian, sealed", "BTI102")
def _consent_by_stranger(w: World) -> None:
    def change(plain: dict[str, Any]) -> None:
        plain["consents"][0]["given_by"] = ["Ukjent Person"]

    w.reseal(w.shared, change)
    w.commit()


@attack("5: one byte of a sealed value flipped", "BTI042")
def _flipped(w: World) -> None:
    raw = w.raw(w.shared)
    head, body = raw["concern"]["text"].rsplit(":", 1)
    data = bytearray(base64.b64decode(body))
    data[-20] ^= 1
    raw["concern"]["text"] = f"{head}:{base64.b64encode(bytes(data)).decode()}"
    w.write(w.shared, raw)
    w.commit()


@attack("5: two sealed values swapped (concern.text and log.0.text)", "BTI042")
def _swapped(w: World) -> None:
    raw = w.raw(w.shared)
    raw["concern"]["text"], raw["log"][0]["text"] = raw["log"][0]["text"], raw["concern"]["text"]
    w.write(w.shared, raw)
    w.commit()


@attack("5: a sealed value copied from another case", "BTI042")
def _from_other_case(w: World) -> None:
    raw = w.raw(w.shared)
    raw["concern"]["text"] = w.raw(w.solo)["concern"]["text"]
    w.write(w.shared, raw)
    w.commit()


@attack("6: a plain value in a sealed case", "BTI040")
def _plain_value(w: World) -> None:
    raw = w.raw(w.shared)
    raw["concern"]["text"] = "Spiser lite i skolen."
    w.write(w.shared, raw)
    w.commit()


@attack("6: a plain case file added where sealing is on", "BTI040")
def _plain_case(w: World) -> None:
    plain, _ = w.opened(w.solo)
    plain.pop("sealed")
    plain["id"] = "2026-ZZZZZ"
    w.write("2026-ZZZZZ", plain)
    w.commit()


@attack("6: a sealed case not sealed for the server", "BTI045")
def _not_for_server(w: World) -> None:
    _, opened = w.opened(w.shared)
    w.reseal(w.shared, readers=[r for r in opened.readers if r != SERVER])
    w.commit()


@attack("6: 'server' listed, the key not wrapped for it", "BTI041")
def _server_listed_not_wrapped(w: World) -> None:
    _, opened = w.opened(w.shared)
    w.reseal(w.shared, wrap_to=[w.key_of(r) for r in opened.readers if r != SERVER])
    w.commit()


@pytest.mark.parametrize(("name", "code", "build"), ATTACKS, ids=[a[0] for a in ATTACKS])
def test_the_server_refuses_it_the_client_too_and_the_audit_names_it(
    world: World, name: str, code: str, build: Attack
) -> None:
    before = world.server_refs()
    build(world)
    status, err = world.push()
    assert status != 0, f"{name}: the server accepted it"
    assert f"{code} error" in err, err
    assert "Traceback" not in err
    said = "\n".join(line for line in err.splitlines() if line.startswith("remote:"))
    assert FNR not in said.replace(f"{FNR[:6]}*****", "")
    assert world.server_refs() == before
    # The audit with the server's key names it in the clone's history, where no hook ran.
    status, found = audit(world, key=server_key(world.server))
    assert status == 1 and code in found, found
    # A reader committing the same change through the client's hooks is refused alike.
    status, said = client_commit(world, who=HOLDER)
    assert status != 0 and f"{code} error" in said, said


# -- readers come and go ----------------------------------------------------------------------------


def _data_key(world: World, text: str) -> bytes | None:
    raw = yamlio.load(text, "case")
    return world.server_ring.unwrap(raw["sealed"]["key"])


def _opens_for(who: str, text: str) -> bool:
    raw = yamlio.load(text, "case")
    return ring_of(key_file(who)).unwrap(raw["sealed"]["key"]) is not None


def test_a_service_joining_makes_the_case_readable_to_its_staff(world: World) -> None:
    bti, case_id = Bti(world.clone), world.solo
    bti.ok("guardian", "add", case_id, "--name", "Mia Lund", "--relation", "mor", who=HOLDER)
    bti.ok(
        "consent", "add", case_id, "--given-by", "Mia Lund", "--services",
        "skole,helsestasjon", "--purpose", "Samarbeid", who=HOLDER,
    )  # fmt: skip
    bti.ok("level", "set", case_id, "1", "--reason", "Mor samtykker", who=HOLDER)
    shown = bti("case", "show", case_id, who=NURSE)
    assert shown.exit_code != 0 and "not readable" in shown.output, shown.output
    assert not _opens_for(NURSE, world.path(case_id).read_text())
    before = _data_key(world, world.path(case_id).read_text())
    bti.ok("service", "add", case_id, "helsestasjon", who=HOLDER)
    text = world.path(case_id).read_text()
    assert _opens_for(NURSE, text) and NURSE in yamlio.load(text, "c")["sealed"]["readers"]
    assert _data_key(world, text) == before  # nobody taken off: the key stays
    assert "Mia Lund" in bti.ok("case", "show", case_id, "--format", "json", who=NURSE).output
    code, err = world.push()
    assert code == 0, err


def test_a_withdrawal_renews_the_key_and_the_nurse_reads_nothing_written_after(
    world: World,
) -> None:
    bti, case_id = Bti(world.clone), world.shared
    old = world.path(case_id).read_text()
    assert _opens_for(NURSE, old)
    bti.ok("consent", "withdraw", case_id, "c1", who=HOLDER)
    bti.ok("log", "add", case_id, "Ny samtale etter tilbaketrekkingen.", who=HOLDER)
    code, err = world.push()
    assert code == 0, err
    new = world.path(case_id).read_text()
    assert NURSE not in yamlio.load(new, "c")["sealed"]["readers"]
    assert _data_key(world, new) not in (None, _data_key(world, old))
    assert not _opens_for(NURSE, new)
    # Her key still opens the versions she could read, from git history; not the new one.
    history = world.git("show", f"HEAD~2:cases/{case_id}.yaml")
    assert _opens_for(NURSE, history)
    assert not _opens_for(NURSE, world.git("show", f"HEAD:cases/{case_id}.yaml"))
    shown = bti("case", "show", case_id, who=NURSE)
    assert shown.exit_code != 0 and "Ny samtale" not in shown.output


def test_a_replaced_key_renews_the_data_key_and_keeping_it_is_refused(world: World) -> None:
    bti, case_id = Bti(world.clone), world.solo
    old = world.path(case_id).read_text()
    new_key = public_key("ingrid.ny.laptop@fjordvik.example")
    bti.ok("person", "set", HOLDER, "--key", new_key, who=LEADER)
    code, err = world.push(who=LEADER)
    assert code == 0, err
    # Every case she reads is still sealed to her old key, which she may still hold: a warning
    # until it is written again, not an error.
    checked = bti("validate", who=LEADER)
    assert "BTI041" not in checked.output, checked.output
    # A hand-made version that wraps the old data key to her new key is refused.
    before = world.server_refs()
    _, opened = world.opened(case_id)
    keys = [new_key if r == HOLDER else world.key_of(r) for r in opened.readers]
    world.reseal(case_id, wrap_to=keys)
    world.commit(who=LEADER)
    code, err = world.push(who=LEADER)
    assert code != 0 and "BTI044 error" in err, err
    assert world.server_refs() == before
    status, found = audit(world, key=server_key(world.server))
    assert status == 1 and "BTI044" in found, found
    world.git("reset", "-q", "--hard", "origin/main")
    # The next write by bti renews it.
    bti.ok("log", "add", case_id, "Samtale.", who=LEADER)
    text = world.path(case_id).read_text()
    assert _data_key(world, text) not in (None, _data_key(world, old))
    code, err = world.push(who=LEADER)
    assert code == 0, err


# -- the audit, by the server and by a person who cannot read every case --------------------------


def test_the_audit_by_someone_who_cannot_read_a_case_reports_no_false_errors(
    world: World,
) -> None:
    status, found = audit(world, who=NURSE)
    assert status == 0, found  # the solo case does not open for her: judged on sealing only

    # A national id sealed into the case she cannot read, by a reader, no hook involved.
    def change(plain: dict[str, Any]) -> None:
        entry = {**plain["log"][-1], "text": f"Fnr {FNR}", "kind": "note"}
        entry.pop("event", None)
        plain["log"].append(entry)

    world.reseal(world.solo, change)
    world.commit()
    status, found = audit(world, who=NURSE)
    assert "BTI501" not in found and "BTI042" not in found, found
    # The server's key opens it: the same history, judged in full (not the nurse's answer).
    status, found = audit(world, who=NURSE, key=server_key(world.server))
    assert status == 1 and "BTI501" in found, found
    # An outsider's stanza shows without the key: the nurse's audit names it too.
    _, opened = world.opened(world.solo)
    world.reseal(
        world.solo, wrap_to=[*(world.key_of(r) for r in opened.readers), public_key(OTHER)]
    )
    world.commit()
    status, found = audit(world, who=NURSE)
    assert status == 1 and "BTI041" in found, found


def test_an_old_data_key_brought_back_after_a_withdrawal_is_refused(world: World) -> None:
    """The holder knows the key the nurse could open: sealing the case with it again, after the
    withdrawal renewed it, would let her read what is written now."""
    bti, case_id = Bti(world.clone), world.shared
    _, opened = world.opened(case_id)
    bti.ok("consent", "withdraw", case_id, "c1", who=HOLDER)
    code, err = world.push()
    assert code == 0, err
    before = world.server_refs()
    bti.ok("log", "add", case_id, "Ny samtale.", "--no-commit", who=HOLDER)
    world.reseal(case_id, data_key=opened.data_key)
    world.commit()
    code, err = world.push()
    assert code != 0 and "BTI046 error" in err, err
    assert world.server_refs() == before
    status, found = audit(world, key=server_key(world.server))
    assert status == 1 and "BTI046" in found, found


def test_a_change_that_keeps_a_replaced_key_is_refused(world: World) -> None:
    bti, case_id = Bti(world.clone), world.solo
    bti.ok("person", "set", HOLDER, "--key", public_key("ingrid.ny@fjordvik.example"), who=LEADER)
    code, err = world.push(who=LEADER)
    assert code == 0, err
    checked = bti("validate", who=LEADER)
    assert "BTI043 warning" in checked.output and "replaced key" in checked.output
    # A log entry appended by hand, the sealed block left as it was.
    _, opened = world.opened(case_id)

    def change(plain: dict[str, Any]) -> None:
        entry = {**plain["log"][-1], "text": "Samtale.", "kind": "note"}
        entry.pop("event", None)
        plain["log"].append(entry)

    world.reseal(case_id, change, wrap_to=[world.key_of(r) for r in opened.readers])
    world.commit(who=LEADER)
    code, err = world.push(who=LEADER)
    assert code != 0 and "BTI044 error" in err, err


def test_a_leader_cannot_name_another_server_key(world: World) -> None:
    """With their own key as bti.yaml's server_key, every case written after would be sealed
    to it, and the server, unable to open any, could judge none."""
    config = world.clone / "bti.yaml"
    lines = [
        f"server_key: {public_key(LEADER)}" if line.startswith("server_key:") else line
        for line in config.read_text().splitlines()
    ]
    config.write_text("\n".join(lines) + "\n")
    world.commit(who=LEADER)
    before = world.server_refs()
    code, err = world.push(who=LEADER)
    assert code != 0 and "BTI045 error" in err, err
    assert world.server_refs() == before
