"""Write a file and commit it, or leave the clone exactly as it was.

A command that writes its change and then fails to commit it must not leave the change behind: the
next command would commit it silently under its own message. So, while the caller holds the clone's
lock (bti/lock.py):

- the old bytes of the file and its index entry are kept before anything is written;
- when the commit fails for any reason — a stale `index.lock`, a hook that refuses, git failing,
  Ctrl-C, SIGTERM — the file gets its old bytes back (or is removed when it was new) and the index
  entry is put back, unless the commit did land;
- Ctrl-C and SIGTERM wait until the file and the index agree again (a second one stops at once):
  a commit that lands meanwhile stands, one that does not is undone, then the command stops;
- a journal, `.git/bti/pending`, says what was being written; a command that is killed outright
  (SIGKILL, power cut) leaves it, and the next command undoes the half-done write before it reads.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

from bti import gitrepo
from bti.i18n import _

JOURNAL = "pending"


def journal_path(common_dir: Path) -> Path:
    return common_dir / "bti" / JOURNAL


def write_bytes(path: Path, data: bytes) -> None:
    """Atomically: a temporary file in the same folder, then a rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _put_back(path: Path, old: bytes | None) -> None:
    if old is None:
        path.unlink(missing_ok=True)
    else:
        write_bytes(path, old)


@contextlib.contextmanager
def signals_deferred() -> Iterator[list[int]]:
    """Hold back Ctrl-C and SIGTERM until the block ends; the list says which came. A second
    signal is not held back. Only the main thread can install handlers; elsewhere nothing is held."""
    if threading.current_thread() is not threading.main_thread():
        yield []
        return
    came: list[int] = []
    wanted = (signal.SIGINT, signal.SIGTERM)
    saved = {sig: signal.getsignal(sig) for sig in wanted}

    def hold(signum: int, frame: FrameType | None) -> None:
        if came:
            raise KeyboardInterrupt
        came.append(signum)

    for sig in wanted:
        signal.signal(sig, hold)
    try:
        yield came
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def _raise_for(came: list[int]) -> None:
    """Stop the way the held-back signal would have stopped the command."""
    if came:  # SIGTERM too: the CLI says "interrupted; nothing was left half-written", exit 130
        raise KeyboardInterrupt


def write_and_commit(
    root: Path, path: Path, text: str, message: str, command: str, *, commit: bool
) -> str | None:
    """Write `text` to `path`; with `commit`, commit it with `message` and return the commit id.
    When the commit does not land, the file and its index entry are as they were, and the error
    is raised again."""
    return write_many_and_commit(root, [(path, text)], message, command, commit=commit)


def write_many_and_commit(
    root: Path, files: list[tuple[Path, str]], message: str, command: str, *, commit: bool
) -> str | None:
    """`write_and_commit` for several files that land in one commit, or not at all."""
    from bti.yamlio import atomic_write

    if not commit:
        for path, text in files:
            atomic_write(path, text)
        return None
    places = gitrepo.places(root)
    gitrepo.refuse_index_lock(root, places)  # before anything is written
    olds = [(path, path.read_bytes() if path.exists() else None) for path, _ in files]
    entries = [gitrepo.index_entry(root, path) for path, _ in files]
    head = gitrepo.rev(root, "HEAD")
    journal = journal_path(places.common_dir) if places else None
    with signals_deferred() as came:
        if journal is not None:
            _write_journal(journal, root, files, olds, entries, command)
        try:
            for path, text in files:
                atomic_write(path, text)
            sha = gitrepo.commit(root, [path for path, _ in files], message)
        except BaseException:
            if gitrepo.rev(root, "HEAD") == head:  # nothing landed: put everything back
                for (path, old), entry in zip(olds, entries, strict=True):
                    _put_back(path, old)
                    gitrepo.restore_index(root, path, entry)
            if journal is not None:
                journal.unlink(missing_ok=True)
            _raise_for(came)  # stopped by Ctrl-C or SIGTERM: say that, not what git said
            raise
        if journal is not None:
            journal.unlink(missing_ok=True)
    # A signal that came while the commit was landing is let go: the work is done and consistent.
    return sha


def _write_journal(
    journal: Path,
    root: Path,
    files: list[tuple[Path, str]],
    olds: list[tuple[Path, bytes | None]],
    entries: list[str | None],
    command: str,
) -> None:
    records = []
    for (path, text), (_path, old), entry in zip(files, olds, entries, strict=True):
        records.append(
            {
                "path": path.relative_to(root).as_posix(),
                "old": None if old is None else old.decode("utf-8", "surrogateescape"),
                "entry": entry,
                "new_blob": gitrepo.blob_id(text.encode("utf-8")),
            }
        )
    record = {"files": records, "command": command, "pid": os.getpid()}
    write_bytes(journal, json.dumps(record).encode("utf-8"))


def recover(root: Path) -> list[str]:
    """Undo the write of a command that was killed before its commit was made (its journal is
    still there); returns notes for the user. Call with the clone's lock held."""
    places = gitrepo.places(root)
    if places is None:
        return []
    journal = journal_path(places.common_dir)
    if not journal.exists() or places.index_lock.exists():
        return []  # with git's lock there, git may still be finishing that commit: wait for it
    try:
        record: dict[str, Any] = json.loads(journal.read_text("utf-8"))
        files = record.get("files", [record])  # one file, before 2026-11
        paths = [root / str(item["path"]) for item in files]
    except (OSError, ValueError, KeyError, TypeError):
        journal.unlink(missing_ok=True)
        return []
    undone = []
    with gitrepo.ObjectReader(root) as reader:
        for item, path in zip(files, paths, strict=True):
            committed = reader.lookup(f"HEAD:{item['path']}")
            landed = committed is not None and committed[0] == item["new_blob"]
            current = gitrepo.blob_id(path.read_bytes()) if path.exists() else None
            if not landed and current == item["new_blob"]:
                old = item["old"]
                _put_back(path, None if old is None else old.encode("utf-8", "surrogateescape"))
                gitrepo.restore_index(root, path, item["entry"])
                undone.append(str(item["path"]))
    notes = []
    if undone:
        notes.append(
            _(
                "an earlier command (`{command}`, pid {pid}) was stopped before its commit; its "
                "unfinished change to {files} was undone — run it again if it is still needed"
            ).format(command=record["command"], pid=record["pid"], files=", ".join(undone))
        )
    journal.unlink(missing_ok=True)
    return notes
