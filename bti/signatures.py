"""SSH signatures of commits, read and verified in-process: no git, no ssh-keygen, no I/O.

git signs a commit with an SSH key (`gpg.format=ssh`) by putting an armored SSHSIG block in the
commit object's `gpgsig` header; the signed payload is the commit object without that header. The
SSHSIG format (OpenSSH's PROTOCOL.sshsig):

    blob   = "SSHSIG" uint32 version string publickey string namespace string reserved
             string hash_algorithm string signature
    signed = "SSHSIG" string namespace string reserved string hash_algorithm string H(payload)

Verifying here, with `cryptography`'s ed25519, rather than with one `ssh-keygen -Y verify` process
per commit keeps a push of 1,000 commits well inside its budget (a process costs ~3 ms; a
verification ~0.1 ms). Only ed25519 keys are accepted: they are what `bti key init` makes, and one
key type keeps the attack surface small.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

from bti.i18n import _

__all__ = [
    "KEY_TYPE",
    "NAMESPACE",
    "Signature",
    "SignatureError",
    "SigningSetup",
    "fingerprint",
    "key_blob",
    "normalise_key",
    "split_commit",
    "verify_commit",
]

KEY_TYPE = "ssh-ed25519"
NAMESPACE = "git"
_MAGIC = b"SSHSIG"
_BEGIN = b"-----BEGIN SSH SIGNATURE-----"
_END = b"-----END SSH SIGNATURE-----"
_HASHES = {"sha512": hashlib.sha512, "sha256": hashlib.sha256}


@dataclass(frozen=True)
class SigningSetup:
    """How git in a clone signs commits (`commit.gpgsign`, `gpg.format`, `user.signingkey`), with
    the public key that signing key stands for, normalised (None when it cannot be told)."""

    gpgsign: bool
    format: str | None
    key_path: str | None
    key: str | None
    problem: str = ""  # why the key could not be read, in plain words


class SignatureError(ValueError):
    """A signature or key that cannot be read at all (not one that merely fails to verify)."""


@dataclass(frozen=True)
class Signature:
    """What a commit's signature says: which public key signed it, and whether it verifies."""

    key: bytes  # the SSH wire blob of the public key
    valid: bool
    detail: str = ""  # why it does not verify, for the message

    @property
    def key_text(self) -> str:
        """The key as people.yaml writes it: `ssh-ed25519 AAAA…`."""
        return f"{KEY_TYPE} {base64.b64encode(self.key).decode()}"


def _string(data: bytes, at: int) -> tuple[bytes, int]:
    if at + 4 > len(data):
        raise SignatureError(_("the signature ends too early"))
    (size,) = struct.unpack(">I", data[at : at + 4])
    end = at + 4 + size
    if end > len(data):
        raise SignatureError(_("the signature ends too early"))
    return data[at + 4 : end], end


def _pack(value: bytes) -> bytes:
    return struct.pack(">I", len(value)) + value


def key_blob(text: str) -> bytes:
    """The wire blob of a public key written as `ssh-ed25519 AAAA… [comment]`."""
    parts = text.strip().split()
    if len(parts) < 2 or parts[0] != KEY_TYPE:
        raise SignatureError(
            _("not an {kind} public key (expected '{kind} AAAA…')").format(kind=KEY_TYPE)
        )
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError(_("the key's base64 text is damaged")) from None
    kind, at = _string(blob, 0)
    raw, at = _string(blob, at)
    if kind != KEY_TYPE.encode() or len(raw) != 32 or at != len(blob):
        raise SignatureError(_("not an {kind} public key").format(kind=KEY_TYPE))
    return blob


def normalise_key(text: str) -> str:
    """`ssh-ed25519 AAAA…` without the comment: how a key is stored and compared."""
    return f"{KEY_TYPE} {base64.b64encode(key_blob(text)).decode()}"


def fingerprint(text: str) -> str:
    """The SHA256 fingerprint ssh-keygen -l prints, to name a key in messages."""
    digest = hashlib.sha256(key_blob(text)).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def split_commit(raw: bytes) -> tuple[bytes, bytes | None]:
    """The signed payload of a commit object and its armored signature (None when unsigned).

    The `gpgsig` header and its continuation lines (each starting with a space) are cut out; the
    rest, message included, is the payload byte for byte. Only the header block is searched, so a
    message that quotes a signature is never taken for one."""
    head_end = raw.find(b"\n\n")
    head = raw if head_end < 0 else raw[: head_end + 1]
    lines = head.split(b"\n")
    kept: list[bytes] = []
    armored: list[bytes] | None = None
    inside = False
    for line in lines:
        if inside and line.startswith(b" "):
            assert armored is not None
            armored.append(line[1:])
            continue
        inside = False
        if line.startswith(b"gpgsig ") and armored is None:
            armored = [line[len(b"gpgsig ") :]]
            inside = True
            continue
        kept.append(line)
    if armored is None:
        return raw, None
    payload = b"\n".join(kept) + (raw[head_end + 1 :] if head_end >= 0 else b"")
    return payload, b"\n".join(armored)


def _decode(armored: bytes) -> bytes:
    text = armored.strip()
    if not text.startswith(_BEGIN) or not text.endswith(_END):
        raise SignatureError(_("not an SSH signature (git signs with SSH keys here)"))
    body = b"".join(text[len(_BEGIN) : -len(_END)].split())
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError(_("the signature's base64 text is damaged")) from None


def verify_commit(raw: bytes) -> Signature | None:
    """The signature of the commit object `raw`, verified; None when the commit is unsigned.
    Raises SignatureError when the signature cannot be read at all."""
    payload, armored = split_commit(raw)
    if armored is None:
        return None
    return verify(payload, armored)


def verify(payload: bytes, armored: bytes, namespace: str = NAMESPACE) -> Signature:
    """Verify an armored SSHSIG over `payload` in `namespace`."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    blob = _decode(armored)
    if not blob.startswith(_MAGIC) or len(blob) < len(_MAGIC) + 4:
        raise SignatureError(_("not an SSHSIG signature"))
    at = len(_MAGIC)
    (version,) = struct.unpack(">I", blob[at : at + 4])
    at += 4
    public, at = _string(blob, at)
    space, at = _string(blob, at)
    reserved, at = _string(blob, at)
    algorithm, at = _string(blob, at)
    signature, at = _string(blob, at)
    if version != 1:
        raise SignatureError(_("SSHSIG version {version} is not known").format(version=version))
    kind, key_at = _string(public, 0)
    if kind != KEY_TYPE.encode():
        detail = _("signed with a {kind} key").format(kind=kind.decode("ascii", "replace"))
        return Signature(public, False, detail)
    raw_key, _end = _string(public, key_at)
    sig_kind, sig_at = _string(signature, 0)
    raw_sig, _end = _string(signature, sig_at)
    if space != namespace.encode():
        return Signature(public, False, _("signed for another purpose than git commits"))
    hasher = _HASHES.get(algorithm.decode("ascii", "replace"))
    if hasher is None or sig_kind != KEY_TYPE.encode() or len(raw_key) != 32:
        return Signature(public, False, _("signed in a form git does not make"))
    signed = (
        _MAGIC + _pack(space) + _pack(reserved) + _pack(algorithm) + _pack(hasher(payload).digest())
    )
    try:
        Ed25519PublicKey.from_public_bytes(raw_key).verify(raw_sig, signed)
    except (InvalidSignature, ValueError):
        return Signature(public, False, _("the signature does not match the commit"))
    return Signature(public, True)
