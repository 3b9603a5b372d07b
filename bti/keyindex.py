"""Which data key each sealed case-file version is sealed with, as a fingerprint, kept by blob id.

BTI047 refuses a case sealed with the data key of another case (whoever reads that case would open
this one). Opening every case's key for every push would blow the hook's budget (an age decrypt per
case), so the fingerprint of each version's data key is kept in the git directory by blob id (a
blob never changes) and only versions not seen before are opened, as bti.namecache does for names.
It is consulted only when a version's key is new for its case (a new case, a renewed key).

A fingerprint is a truncated SHA-256 of the 256-bit key under a label: it tells nothing of the key.
The file is written through bti.caches: sealed to the person's own key in a sealed repository, in
plain text on the server. A version this process cannot open is kept as "" (no key here): on a
client those cases are simply not compared — the server, which opens every case, judges them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from bti import caches, gitrepo, sealing

_VERSION = 1
_FILE = "data-keys.json"
_MOST = 200_000  # entries kept before the index drops versions no longer asked about


def fingerprint(data_key: bytes) -> str:
    return hashlib.sha256(b"bti-data-key/1" + data_key).hexdigest()[:32]


def _key_of(data: bytes | None, path: str) -> bytes | None:
    """The data key a case-file version is sealed with, where this process opens it."""
    from bti import yamlio
    from bti.errors import FileProblem

    if data is None or b"sealed" not in data:
        return None
    try:
        raw = yamlio.load(yamlio.decode(data, path), path)
    except FileProblem:
        return None
    block = sealing.sealed_block(raw) if isinstance(raw, dict) else None
    return sealing.keyring().unwrap(block[1]) if block is not None else None


class KeyIndex:
    """blob id → fingerprint of its data key ("" where it is not sealed or does not open here),
    loaded from the git directory once and written back when versions were opened."""

    def __init__(self, root: Path) -> None:
        folder = gitrepo.git_dir(root)
        self.path = folder / "bti" / _FILE if folder else None
        self.root = root
        self.ring = sealing.ring_id()
        self.known: dict[str, str] = self._load()
        self.dirty = False

    def _load(self) -> dict[str, str]:
        raw = caches.read(self.path)
        try:
            data = json.loads(raw) if raw is not None else None
        except ValueError:
            data = None
        if not isinstance(data, dict) or data.get("version") != _VERSION:
            return {}
        if data.get("ring") != self.ring:
            return {}  # other keys: what did not open then may open now
        blobs = data.get("blobs")
        return blobs if isinstance(blobs, dict) else {}

    def note(self, blob: str, data_key: bytes | None) -> None:
        """A version the judge opened (or found no key for) anyway."""
        found = fingerprint(data_key) if data_key is not None else ""
        if self.known.get(blob) != found:
            self.known[blob] = found
            self.dirty = True

    def of(self, blob: str, path: str, reader: gitrepo.ObjectReader) -> str:
        """The fingerprint of version `blob` (at `path`), opened once and remembered."""
        found = self.known.get(blob)
        if found is None:
            self.note(blob, _key_of(reader.read(blob), path))
            found = self.known[blob]
        return found

    def save(self, keep: set[str] | None = None) -> None:
        if not self.dirty or self.path is None:
            return
        if keep is not None and len(self.known) > _MOST:
            self.known = {b: f for b, f in self.known.items() if b in keep}
        ring = sealing.keyring()
        sealed = not ring.server and caches.sealed_repository(self.root)
        data = {"version": _VERSION, "ring": self.ring, "blobs": self.known}
        caches.write(self.path, json.dumps(data).encode("ascii"), sealed=sealed)
        self.dirty = False
