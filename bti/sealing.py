"""Sealed case files: the values that say something about a child sealed to the people who may read.

A sealed case keeps its structure readable — ids, status, level, step, dates, services, holder and
authors, consent ids, services and validity, measure ids, responsible and outcomes, log entry times,
authors, kinds and events — so every count and most rules need no key. Every value that says
something about the child or the family is sealed, one value at a time:

    subject.name: ENC:s:<base64 of nonce ‖ AES-256-GCM ciphertext ‖ tag>

The value is encrypted with the case's *data key* (32 random bytes, AES-GCM from `cryptography`), a
fresh 96-bit nonce per value, and as associated data the case id, the value's path in the file
(`log.17.text`) and its type, so a sealed value cannot be moved to another field or another case.
An unchanged value keeps its ciphertext when the file is written again, so a change shows as the
lines it changes and nothing else.

The data key is wrapped with age (the `pyrage` binding) to the `ssh-ed25519` keys of the people who
may read the case — the same keys that sign their commits — and to the server's key, so that the
server judges every rule as it did before. The file says whom it is sealed for:

    sealed:
      readers: [anna.berg@fjordvik.kommune.no, server]
      key: <base64 of the age file>

age hides its recipients, but each `ssh-ed25519` stanza carries a 4-byte tag of its recipient's key
(the first bytes of the key's SHA-256), so whoever judges a file can tell that there is one stanza
for every listed reader and none for anyone else. (A forged stanza would need an ed25519 key whose
tag collides with a listed reader's — about 2³² tries — and would take that reader's place: they
would find the case unreadable.)
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import hashlib
import os
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bti.i18n import _

SERVER = "server"
MARK = "ENC:"
KEY_BYTES = 32
NONCE_BYTES = 12
STAND_IN = "(sealed)"
STAND_IN_DATE = dt.date(1900, 1, 1)

# What is sealed, as a tree over the case's fields: a type letter at a leaf (s text, d date,
# b yes/no), a one-element list for "every item of this list".
_S, _D, _B = "s", "d", "b"
_GIVER = {"name": _S, "relation": _S, "responsibility": _B}
SPEC: dict[str, Any] = {
    "subject": {"name": _S, "born": _D, "national_id": _S},
    "guardians": [{"name": _S, "relation": _S, "responsibility": _B, "phone": _S, "email": _S}],
    "concern": {"text": _S},
    "consents": [
        {
            "given_by": [_S],
            "purpose": _S,
            "withdrawn": {"reason": _S},
            "basis": {"givers": [_GIVER]},
            "form": {"name": _S},
        }
    ],
    "handovers": [{"reason": _S, "answer_note": _S}],
    "measures": [{"text": _S, "evaluations": [{"note": _S, "voice": _S}]}],
    "meetings": [{"summary": _S, "participants": [_S]}],
    "log": [{"text": _S}],
    # A chain's name and its steps tell what the concern is (absence, say): sealed like a measure.
    "chains": [{"name": _S, "plan": [{"title": _S, "who": _S}]}],
}


class SealError(Exception):
    """A sealed value or key that cannot be opened or made, said in words."""


try:
    from cryptography.exceptions import UnsupportedAlgorithm as UnsupportedKey
except ImportError:  # pragma: no cover
    UnsupportedKey = ValueError  # type: ignore[misc,assignment]


# -- values ------------------------------------------------------------------------------------


def _aad(case_id: str, path: str, kind: str) -> bytes:
    return f"bti-sealed/1\x00{case_id}\x00{path}\x00{kind}".encode()


def _plain_bytes(value: Any, kind: str) -> bytes:
    if kind == _B:
        return b"true" if value else b"false"
    if kind == _D:
        return value.isoformat().encode() if isinstance(value, dt.date) else str(value).encode()
    return str(value).encode("utf-8")


def _from_bytes(data: bytes, kind: str) -> Any:
    text = data.decode("utf-8")
    if kind == _B:
        return text == "true"
    if kind == _D:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text  # the schema names it, as for a plain file
    return text


SEALED_RE = re.compile(r"ENC:[sdb]:[A-Za-z0-9+/=]+")


def masked(text: str) -> str:
    """`text` with every sealed value replaced by as many dots: the same lines and columns, for
    scans of a file's own text (comments) that have nothing to find in ciphertext."""
    return SEALED_RE.sub(lambda m: "." * len(m.group()), text)


def is_sealed(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(MARK)


def seal_value(key: bytes, case_id: str, path: str, kind: str, value: Any) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = _cipher(key).encrypt(nonce, _plain_bytes(value, kind), _aad(case_id, path, kind))
    return f"{MARK}{kind}:{base64.b64encode(nonce + sealed).decode('ascii')}"


@functools.lru_cache(maxsize=64)
def _cipher(key: bytes) -> Any:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def open_value(key: bytes, case_id: str, path: str, kind: str, text: str) -> Any:
    """The plain value of a sealed `text` at `path`; SealError when it was not sealed there, for
    this case, with this key, or was changed since."""
    from cryptography.exceptions import InvalidTag

    head, _colon, body = text[len(MARK) :].partition(":")
    if head != kind:
        raise SealError(
            _("sealed as another kind of value ({found}, expected {kind})").format(
                found=repr(head), kind=repr(kind)
            )
        )
    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise SealError(_("the sealed value is not valid base64")) from None
    if len(raw) < NONCE_BYTES + 16:
        raise SealError(_("the sealed value is too short"))
    try:
        plain = _cipher(key).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(case_id, path, kind)
        )
    except InvalidTag:
        raise SealError(
            _(
                "the sealed value does not open with the case's key at this place: it was "
                "changed, moved from another field or case, or sealed with another key"
            )
        ) from None
    return _from_bytes(plain, kind)


def _stand_in(kind: str) -> Any:
    return {_S: STAND_IN, _D: STAND_IN_DATE, _B: True}[kind]


@dataclass(frozen=True)
class Leaf:
    path: str
    loc: tuple[str | int, ...]
    kind: str
    value: Any


def leaves(tree: Any, spec: Any = None, loc: tuple[str | int, ...] = ()) -> Iterator[Leaf]:
    """Every sealed place present in a case's raw mapping, with its value."""
    spec = SPEC if spec is None else spec
    if isinstance(spec, str):
        if tree is not None:
            yield Leaf(".".join(str(p) for p in loc), loc, spec, tree)
        return
    if isinstance(spec, list):
        if isinstance(tree, list):
            for i, item in enumerate(tree):
                yield from leaves(item, spec[0], (*loc, i))
        return
    if isinstance(tree, dict):
        for name, sub in spec.items():
            if name in tree:
                yield from leaves(tree[name], sub, (*loc, name))


def _set(tree: Any, loc: tuple[str | int, ...], value: Any) -> None:
    for part in loc[:-1]:
        tree = tree[part]
    if value is None:
        del tree[loc[-1]]
    else:
        tree[loc[-1]] = value


def _copy(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {k: _copy(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_copy(v) for v in tree]
    return tree


# -- keys ----------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def key_tag(public_key: str) -> str:
    """age's tag for an ssh-ed25519 recipient: base64 (no padding) of the first 4 bytes of the
    SHA-256 of the key's SSH wire form."""
    from bti.signatures import key_blob

    digest = hashlib.sha256(key_blob(public_key)).digest()[:4]
    return base64.b64encode(digest).decode("ascii").rstrip("=")


def wrap(data_key: bytes, public_keys: list[str]) -> str:
    import pyrage

    recipients = [pyrage.ssh.Recipient.from_str(k) for k in public_keys]
    return base64.b64encode(pyrage.encrypt(data_key, recipients)).decode("ascii")


@dataclass(frozen=True)
class Stanza:
    type: str
    args: tuple[str, ...]


def stanzas(wrapped: str) -> list[Stanza]:
    """The recipient stanzas of a wrapped key (age's header), grease left out; SealError when
    it is not an age file."""
    try:
        data = base64.b64decode(wrapped, validate=True)
    except (binascii.Error, ValueError):
        raise SealError(_("the case's key is not valid base64")) from None
    head, sep, _rest = data.partition(b"\n---")
    lines = head.split(b"\n")
    if not sep or not lines or lines[0] != b"age-encryption.org/v1":
        raise SealError(_("the case's key is not an age file"))
    found = []
    for line in lines[1:]:
        if line.startswith(b"-> "):
            parts = line[3:].decode("ascii", errors="replace").split(" ")
            if parts and not parts[0].endswith("-grease"):
                found.append(Stanza(parts[0], tuple(parts[1:])))
    return found


@dataclass
class Keyring:
    """The private keys this process may open sealed cases with, and the data keys opened."""

    identities: list[Any] = field(default_factory=list)
    publics: list[str] = field(default_factory=list)  # normalised `ssh-ed25519 AAAA…`
    # The server's pre-receive: every case must open here (the server judges every rule).
    server: bool = False
    sources: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    _opened: dict[str, bytes | None] = field(default_factory=dict)

    def unwrap(self, wrapped: str) -> bytes | None:
        """The data key, or None when none of our keys opens it."""
        if wrapped in self._opened:
            return self._opened[wrapped]
        key = None
        if self.identities:
            import pyrage

            try:
                data = base64.b64decode(wrapped, validate=True)
                key = pyrage.decrypt(data, self.identities)
            except (binascii.Error, ValueError, pyrage.DecryptError):
                key = None
            if key is not None and len(key) != KEY_BYTES:
                key = None
        if len(self._opened) > 100_000:
            self._opened.clear()
        self._opened[wrapped] = key
        return key

    def add(self, identity: Any, public: str, source: str = "") -> None:
        from bti.signatures import normalise_key

        self.identities.append(identity)
        self.publics.append(normalise_key(public))
        self.sources.append(source)
        self._opened = {k: v for k, v in self._opened.items() if v is not None}

    def holds(self, public: str | None) -> bool:
        from bti.signatures import normalise_key

        return public is not None and normalise_key(public) in self.publics

    def remember(self, wrapped: str, data_key: bytes) -> None:
        self._opened[wrapped] = data_key


def load_identity(
    path: Path, passphrase: Callable[[Path], str | None] | None = None
) -> tuple[Any, str]:
    """A pyrage identity from an OpenSSH ed25519 private key file, with its public key. A key
    with a passphrase is opened in memory with `passphrase(path)` (None: not here)."""
    import pyrage
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        data = path.expanduser().read_bytes()
    except OSError as err:
        raise SealError(
            _("{path} cannot be read: {reason}").format(path=path, reason=err.strerror)
        ) from None
    secret: bytes | None = None
    try:
        key = serialization.load_ssh_private_key(data, None)
    except TypeError:  # it has a passphrase
        asked = passphrase(path) if passphrase is not None else None
        if asked is None:
            raise SealError(
                _("{path} has a passphrase, and bti could not ask for it here").format(path=path)
            ) from None
        secret = asked.encode("utf-8")
        try:
            key = serialization.load_ssh_private_key(data, secret)
        except (ValueError, TypeError):
            raise SealError(_("the passphrase does not open {path}").format(path=path)) from None
    except (ValueError, binascii.Error, UnsupportedKey):
        raise SealError(_("{path} is not an OpenSSH private key").format(path=path)) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SealError(
            _("{path} is not an ed25519 key; bti seals only to ed25519 keys").format(path=path)
        )
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .decode("ascii")
    )
    if secret is not None:
        data = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
    try:
        return pyrage.ssh.Identity.from_buffer(data), public
    except pyrage.IdentityError as err:
        raise SealError(
            _("{path} cannot be used to open sealed cases: {reason}").format(path=path, reason=err)
        ) from None


def _ask_terminal(path: Path) -> str | None:
    """The passphrase of the key at `path`, asked on the terminal (None without one)."""
    import sys

    if not sys.stdin.isatty():
        return None
    import getpass

    try:
        return getpass.getpass(
            _("passphrase for {path} (to open sealed cases): ").format(path=path)
        )
    except (EOFError, KeyboardInterrupt):
        return None


# The keyring of this process: its keys are found once, when a sealed value is first met.
_KEYRING: Keyring | None = None
_ASK: Callable[[Path], str | None] | None = _ask_terminal


def asker() -> Callable[[Path], str | None] | None:
    return _ASK


def key_files(start: Path | None = None) -> list[Path]:
    """Where this process's private keys are: BTI_KEY_FILE (a server or a test), else the clone's
    `bti.sealkey`, else the key git signs with (`user.signingkey`, set by `bti key init`)."""
    env = os.environ.get("BTI_KEY_FILE")
    if env:
        return [Path(p) for p in env.split(os.pathsep) if p]
    from bti import gitrepo

    where = start or Path.cwd()
    for name in ("bti.sealkey", "user.signingkey"):
        try:
            result = gitrepo.run(["config", "--get", name], where, check=False)
            value = result.stdout.strip() if result.returncode == 0 else None
        except Exception:  # not a repository, no git: no key
            value = None
        if value and not value.startswith(("ssh-", "key::")):
            path = Path(value).expanduser()
            if path.suffix == ".pub":
                path = path.with_suffix("")
            if not path.is_absolute():
                path = where / path
            return [path]
    return []


def keyring() -> Keyring:
    global _KEYRING
    if _KEYRING is None:
        ring = Keyring()
        for path in key_files():
            try:
                ring.add(*load_identity(path, _ASK), source=str(path))
            except SealError as err:
                ring.problems.append(str(err))
        _KEYRING = ring
    return _KEYRING


def server_keyring(root: Path) -> Keyring:
    """The server's keyring: only the key its repository names (`bti.sealkey`, set by `bti hooks
    install --server`), never a key from the environment of whoever pushes."""
    from bti import gitrepo

    ring = Keyring(server=True)
    where = gitrepo.config_get(root, "bti.sealkey")
    if where:
        try:
            ring.add(*load_identity(Path(where)), source=where)
        except SealError as err:
            ring.problems.append(str(err))
    else:
        ring.problems.append(_("this server has no sealing key (bti.sealkey)"))
    return ring


def use(ring: Keyring | None, ask: Callable[[Path], str | None] | None = None) -> None:
    """Set this process's keyring (None: find it again when next needed), and how a passphrase
    is asked for."""
    global _KEYRING, _ASK
    _KEYRING = ring
    if ask is not None:
        _ASK = ask


def new_data_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


# -- a case ----------------------------------------------------------------------------------------


@dataclass
class Opened:
    """What opening a sealed case found: the data key when it opened, the sealed mapping as read
    (so a writer keeps unchanged ciphertext), and what was wrong, by place."""

    readers: list[str]
    wrapped: str
    data_key: bytes | None
    sealed_raw: dict[str, Any]
    plain_raw: dict[str, Any] | None = None
    bad: list[tuple[tuple[str | int, ...], str]] = field(default_factory=list)  # BTI042
    plain_leaves: list[tuple[str | int, ...]] = field(default_factory=list)  # BTI040

    @property
    def readable(self) -> bool:
        return self.data_key is not None


def sealed_block(raw: dict[str, Any]) -> tuple[list[str], str] | None:
    block = raw.get("sealed")
    if not isinstance(block, dict):
        return None
    readers = block.get("readers")
    wrapped = block.get("key")
    if not isinstance(readers, list) or not isinstance(wrapped, str):
        return None
    return [str(r) for r in readers], wrapped


_RING = object()


def open_case(
    raw: dict[str, Any], ring: Keyring | None = None, *, key: Any = _RING, offset: int = 0
) -> tuple[dict[str, Any], Opened]:
    """The plain mapping of a sealed case's raw mapping, and what opening found. A case the ring
    cannot open gets stand-ins in place of its sealed values (the structure stays exact).
    `key`: the data key already known (None: not readable); `offset`: the raw mapping's log
    holds only the entries from that index on (an append)."""
    block = sealed_block(raw)
    assert block is not None
    readers, wrapped = block
    if key is _RING:
        key = (keyring() if ring is None else ring).unwrap(wrapped)
    case_id = str(raw.get("id", ""))
    if offset:
        raw = {**raw, "log": [None] * offset + list(raw.get("log") or [])}
    plain = _copy(raw)
    opened = Opened(readers, wrapped, key, raw)
    for leaf in list(leaves(raw)):
        if not is_sealed(leaf.value):
            opened.plain_leaves.append(leaf.loc)
            continue
        if key is not None:
            try:
                _set(plain, leaf.loc, open_value(key, case_id, leaf.path, leaf.kind, leaf.value))
                continue
            except SealError as err:
                opened.bad.append((leaf.loc, str(err)))
        _set(plain, leaf.loc, None if leaf.path == "subject.national_id" else _stand_in(leaf.kind))
    if offset:
        plain["log"] = plain["log"][offset:]
    opened.plain_raw = plain
    return plain, opened


def seal_tree(
    plain: dict[str, Any],
    data_key: bytes,
    *,
    before: Opened | None = None,
) -> dict[str, Any]:
    """`plain` with every sealed value sealed with `data_key`. A value equal to the one at the same
    place in `before` (sealed with the same key) keeps its ciphertext."""
    case_id = str(plain.get("id", ""))
    out: dict[str, Any] = _copy(plain)
    old_plain: dict[tuple[str | int, ...], Any] = {}
    old_sealed: dict[tuple[str | int, ...], Any] = {}
    if before is not None and before.data_key == data_key and before.plain_raw is not None:
        old_plain = {leaf.loc: leaf.value for leaf in leaves(before.plain_raw)}
        old_sealed = {leaf.loc: leaf.value for leaf in leaves(before.sealed_raw)}
    for leaf in list(leaves(plain)):
        kept = old_sealed.get(leaf.loc)
        if (
            kept is not None
            and is_sealed(kept)
            and leaf.loc in old_plain
            and _same(old_plain[leaf.loc], leaf.value, leaf.kind)
        ):
            _set(out, leaf.loc, kept)
        else:
            _set(out, leaf.loc, seal_value(data_key, case_id, leaf.path, leaf.kind, leaf.value))
    return out


def _same(a: Any, b: Any, kind: str) -> bool:
    return _plain_bytes(a, kind) == _plain_bytes(b, kind) and type(a) is type(b)


def with_block(sealed: dict[str, Any], readers: list[str], wrapped: str) -> dict[str, Any]:
    """The sealed mapping with its `sealed:` block placed right after `id` (and the schema
    version): at the top, so the log stays the file's last list and an append stays an append."""
    out: dict[str, Any] = {}
    for name, value in sealed.items():
        if name == "sealed":
            continue
        out[name] = value
        if name == "id":
            out["sealed"] = {"readers": list(readers), "key": wrapped}
    if "sealed" not in out:
        out["sealed"] = {"readers": list(readers), "key": wrapped}
    return out


# -- what this process keeps for itself ---------------------------------------------------------

AGE_HEADER = b"age-encryption.org/v1"


def ring_id(ring: Keyring | None = None) -> str:
    """Which keys this process holds, as a short digest ("" for none): part of the key of every
    cached verdict, since a case judged without its key is judged on its sealing only."""
    ring = keyring() if ring is None else ring
    if not ring.publics:
        return ""
    joined = "\n".join(sorted(ring.publics)).encode("ascii")
    return hashlib.sha256(joined).hexdigest()[:16]


def seal_for_self(data: bytes, ring: Keyring | None = None) -> bytes | None:
    """`data` sealed (age) to this process's own keys, or None when it holds no key: then what
    would have been kept is not kept at all."""
    ring = keyring() if ring is None else ring
    if not ring.publics:
        return None
    import pyrage

    recipients = [pyrage.ssh.Recipient.from_str(k) for k in ring.publics]
    return bytes(pyrage.encrypt(data, recipients))


def open_for_self(data: bytes, ring: Keyring | None = None) -> bytes | None:
    """What `seal_for_self` sealed, or None when none of this process's keys opens it."""
    ring = keyring() if ring is None else ring
    if not ring.identities:
        return None
    import pyrage

    try:
        return bytes(pyrage.decrypt(data, ring.identities))
    except (ValueError, pyrage.DecryptError):
        return None
