"""What bti keeps for itself under .git/bti/: written sealed to the person's own key where cases
are sealed, so that a cache never holds in plain text what the case files beside it seal.

The caches hold children's names (the commit-msg name check), violation messages and whole parsed
cases (validate and audit). In a repository whose cases are sealed — or when anything cached came
from a sealed case — they are sealed with age to the keys of the keyring (sealing.seal_for_self);
a process without a key keeps nothing, and a cache it cannot open is as good as missing.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

from bti import sealing

_SEALING_ON = re.compile(rb"^sealing[ \t]*:[ \t]*['\"]?(on|true|yes)['\"]?[ \t]*(#.*)?$", re.M)


def sealed_repository(root: Path | None) -> bool:
    """Whether the repository at `root` seals its cases (bti.yaml in its work tree, or at HEAD in
    a bare repository such as the server's)."""
    if root is None:
        return False
    config = root / "bti.yaml"
    try:
        data: bytes | None = config.read_bytes()
    except OSError:
        data = None
    if data is None:
        from bti import gitrepo

        try:
            result = gitrepo.run(["cat-file", "blob", "HEAD:bti.yaml"], root, check=False)
        except Exception:  # no git, not a repository: nothing sealed here
            return False
        data = result.stdout.encode("utf-8") if result.returncode == 0 else None
    return data is not None and _SEALING_ON.search(data) is not None


def read(path: Path | None) -> bytes | None:
    """A cache file's bytes, opened when it was sealed; None when missing or not ours to open."""
    return load(path)[0]


def load(path: Path | None) -> tuple[bytes | None, bool]:
    """A cache file's bytes (as `read`), and whether it was kept sealed."""
    if path is None:
        return None, False
    try:
        data = path.read_bytes()
    except OSError:
        return None, False
    if data.startswith(sealing.AGE_HEADER):
        return sealing.open_for_self(data), True
    return data, False


def write(path: Path | None, data: bytes, *, sealed: bool) -> None:
    """Write a cache file atomically, for its owner only; sealed to the person's own keys when
    `sealed` (with no key, the file is removed instead: nothing is kept in plain text). A cache
    that cannot be written only costs time on the next run."""
    if path is None:
        return
    if sealed:
        closed = sealing.seal_for_self(data)
        if closed is None:
            with contextlib.suppress(OSError):
                path.unlink()
            return
        data = closed
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
