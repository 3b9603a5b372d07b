"""One bti command at a time in a clone.

Two commands on one case in one clone both read the case, both append, and the second commit drops
the first one's entry. So a command that changes anything holds a lock from before it reads until its
commit is made: `.git/bti/lock`, taken with `flock`. The operating system releases an flock when its
process ends, however it ends, so a crashed or killed command never leaves a lock behind. The file
also says who holds it (pid, command, time), for the message the next command prints.

The git hooks that a commit runs are bti too (`python -m bti hook …`): they never take this lock,
or every commit would wait on its own parent command. Nothing a hook calls takes it.

Within one process the lock is re-entrant (a command that starts a second session, or a test that
runs many commands in one process, does not wait on itself).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from bti.errors import Refused

WAIT_SECONDS = 5.0  # how long a second command waits before it says who holds the lock
_POLL = 0.05


@dataclass
class _Held:
    handle: IO[str]
    count: int


_HELD: dict[str, _Held] = {}


def command_from_argv(argv: list[str] | None = None) -> str:
    """The command's words for the lock's "who": `bti log add …` — never its arguments, which may
    hold a name."""
    import re

    words = []
    for arg in (sys.argv if argv is None else argv)[1:3]:
        if not re.fullmatch(r"[a-z][a-z-]*", arg):
            break
        words.append(arg)
    return " ".join(["bti", *words, "…"])


def wait_seconds() -> float:
    try:
        return float(os.environ.get("BTI_LOCK_WAIT", WAIT_SECONDS))
    except ValueError:
        return WAIT_SECONDS


def lock_path(git_dir: Path) -> Path:
    return git_dir / "bti" / "lock"


def acquire(git_dir: Path, command: str) -> Path:
    """Take the clone's lock for `command` (e.g. "bti log add …"), waiting up to `wait_seconds()`;
    refuse with who holds it when it does not come free. Returns the key to `release`."""
    path = lock_path(git_dir)
    key = str(path)
    held = _HELD.get(key)
    if held is not None:
        held.count += 1
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 — held until release()
    deadline = time.monotonic() + wait_seconds()
    while not _try_lock(handle):
        if time.monotonic() >= deadline:
            holder = _holder(path)
            handle.close()
            raise Refused(_busy_message(holder), hint=_busy_hint(holder))
        time.sleep(_POLL)
    handle.seek(0)
    handle.truncate()
    stamp = dt.datetime.now().strftime("%H:%M:%S")
    handle.write(f"{os.getpid()}\n{command}\n{stamp}\n")
    handle.flush()
    _HELD[key] = _Held(handle, 1)
    return path


@contextlib.contextmanager
def locked(root: Path, command: str | None = None) -> Iterator[None]:
    """Hold the lock of the clone at `root` for the block (nothing when it is not a git clone)."""
    from bti import gitrepo

    places = gitrepo.places(root)
    if places is None:
        yield
        return
    path = acquire(places.common_dir, command or command_from_argv())
    try:
        yield
    finally:
        release(path)


def release(path: Path) -> None:
    held = _HELD.get(str(path))
    if held is None:
        return
    held.count -= 1
    if held.count <= 0:
        del _HELD[str(path)]
        _unlock(held.handle)


def release_all() -> None:
    """At the end of a command, whatever it left (the CLI calls this once per command)."""
    for key in list(_HELD):
        held = _HELD.pop(key)
        _unlock(held.handle)


def _unlock(handle: IO[str]) -> None:
    # Empty the "who" lines first: a reader that finds the file empty knows nobody holds it.
    try:
        handle.seek(0)
        handle.truncate()
        handle.flush()
    finally:
        _unlock_os(handle)
        handle.close()  # closing releases the flock


@dataclass(frozen=True)
class Holder:
    pid: str
    command: str
    since: str


def _holder(path: Path) -> Holder | None:
    try:
        lines = path.read_text("utf-8").splitlines()
    except OSError:
        return None
    if len(lines) < 3:
        return None
    return Holder(lines[0], lines[1], lines[2])


def _busy_message(holder: Holder | None) -> str:
    from bti.i18n import _

    if holder is None:
        return _("another bti command is running in this clone; nothing was changed")
    return _(
        "another bti command is running in this clone (pid {pid}, `{command}`, since {since}); "
        "nothing was changed"
    ).format(pid=holder.pid, command=holder.command, since=holder.since)


def _busy_hint(holder: Holder | None) -> str:
    from bti.i18n import _

    pid = holder.pid if holder else "…"
    return _(
        "wait for it to finish and run your command again; if no bti command is running, the "
        "program that holds the lock (pid {pid}) has hung — stop it, and the lock goes with it"
    ).format(pid=pid)


if sys.platform == "win32":  # pragma: no cover — bti is also used on Windows laptops
    import msvcrt

    def _try_lock(handle: IO[str]) -> bool:
        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock_os(handle: IO[str]) -> None:
        with contextlib.suppress(OSError):
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[str]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock_os(handle: IO[str]) -> None:
        pass  # closing the file releases the flock
