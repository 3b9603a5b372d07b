"""`bti case edit`: a case edited by hand in the person's own editor, sealed or not.

A sealed case must never be written in plain text to a disk, so the opened case goes to a file in
memory-backed storage only — `$XDG_RUNTIME_DIR` when it is a tmpfs, else `/dev/shm` — inside a
folder of its own (mode 0700) as a file only its owner can read (0600). The folder is removed
when the editor closes, whatever happens: an error, Ctrl-C, SIGTERM or SIGHUP. When there is no
such place bti refuses rather than fall back to a temporary folder on disk. (Swap is the
system's matter: a tmpfs page can be swapped out, which encrypted swap covers.) For `vi`, `vim`
and `nvim` bti also turns off the viminfo/shada file in the home folder, which would keep
yanked lines on disk; the swap file of those editors stays in the folder in memory.

What comes back is read as a case (problems are placed in the edited text), then written through
the same writer as every command — a sealed case keeps its key and the ciphertext of every value
not changed — and judged by the one judge before anything is written (`Session.apply`). History
is append-only, so most edits of earlier records are refused there, with the rule's words.

A case file that `bti sync` left with a `merge_conflict:` block is opened with the block (its
sealed values opened too, see bti.mergesealed); once the block is gone, the result is written
for `bti sync --continue`, which judges the merge as a whole.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

from bti import gitrepo, yamlio
from bti.actions import Change
from bti.checks import Parsed, parse_case, place
from bti.errors import InputError, Refused
from bti.i18n import _
from bti.models import Case
from bti.rules import Violation
from bti.session import Outcome, RuleRefusal, Session
from bti.store import LoadedCase, Repository, dump

MEMORY_FILESYSTEMS = ("tmpfs", "ramfs")
SUMMARY = "edited by hand"
MOUNTS = Path("/proc/mounts")
# Asked on a terminal after a problem: edit again (True) or give up (False). None: no terminal.
Again = Callable[[list[str]], bool] | None


class NoMemoryPlace(Refused):
    """No folder kept in memory only, so a case cannot be opened for editing safely."""


# -- a place in memory ------------------------------------------------------------------------------


def _unescape(field: str) -> str:
    """A path as /proc/mounts writes it: space, tab, newline and backslash as octal escapes."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def filesystem_of(folder: Path) -> str | None:
    """The type of the filesystem `folder` is on (the longest mount point above it), or None
    when the mount table cannot be read (not Linux)."""
    try:
        lines = MOUNTS.read_text("utf-8", errors="replace").splitlines()
    except OSError:
        return None
    target = os.path.realpath(folder)
    best, kind = "", None
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        point = _unescape(parts[1])
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, parts[2]
    return kind


def in_memory(folder: Path) -> bool:
    return folder.is_dir() and filesystem_of(folder) in MEMORY_FILESYSTEMS


def candidates() -> list[Path]:
    found = []
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        found.append(Path(runtime))
    found.append(Path("/dev/shm"))
    return found


def memory_folder() -> Path:
    """The folder in memory where an opened case may be written for a moment; refused when
    there is none."""
    looked = []
    for folder in candidates():
        if in_memory(folder) and os.access(folder, os.W_OK | os.X_OK):
            room = os.statvfs(folder)
            if room.f_bavail * room.f_frsize >= 4 * yamlio.MAX_FILE_BYTES:
                return folder
            looked.append(_("{folder} (full)").format(folder=folder))
        else:
            looked.append(str(folder))
    raise NoMemoryPlace(
        _(
            "bti found no folder kept in memory only (tried {folders}), and a case is never "
            "written in plain text to a disk, so it cannot be opened for editing here"
        ).format(folders=", ".join(looked)),
        hint=_(
            "on Linux /dev/shm is such a folder; the bti commands (log add, consent add, …) "
            "change a case without an editor"
        ),
    )


@contextlib.contextmanager
def scratch_file(case_id: str) -> Iterator[Path]:
    """A path in a new folder in memory (0700), removed with everything in it when the block
    ends — also on Ctrl-C, SIGTERM or SIGHUP (which end the command as an interruption)."""
    folder = Path(tempfile.mkdtemp(prefix="bti-edit-", dir=memory_folder()))
    try:
        os.chmod(folder, 0o700)
        with _hangup_interrupts():
            yield folder / f"{case_id}.yaml"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _hangup_interrupts() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = (signal.SIGTERM, signal.SIGHUP)
    saved = {sig: signal.getsignal(sig) for sig in wanted}

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    for sig in wanted:
        signal.signal(sig, stop)
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def write_private(path: Path, text: str) -> None:
    """Write `text` to a new file only its owner can read; never through a link."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


# -- the editor --------------------------------------------------------------------------------------


def editor_command() -> list[str]:
    """$VISUAL, else $EDITOR, else vi, split as a shell would; vi-like editors without viminfo."""
    words = shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi") or ["vi"]
    if Path(words[0]).name in ("vi", "vim", "nvim", "view"):
        words += ["-i", "NONE"]
    return words


def run_editor(path: Path) -> None:
    command = editor_command()
    try:
        result = subprocess.run([*command, str(path)], check=False)
    except OSError as err:
        raise InputError(
            _("the editor '{editor}' could not be started: {reason}").format(
                editor=command[0], reason=err.strerror
            ),
            hint=_("set VISUAL or EDITOR to your editor, e.g. EDITOR=nano"),
        ) from None
    if result.returncode != 0:
        raise Refused(
            _("the editor stopped with an error (exit {code}); nothing was written").format(
                code=result.returncode
            )
        )


# -- the text shown ------------------------------------------------------------------------------------


def _header(case_id: str) -> str:
    words = _(
        "Case {case}, opened for editing. Save and close the editor to check and save it.\n"
        "The history is kept as it was: add new log entries at the end. Comments are not kept.\n"
        "This text is kept in memory only and deleted when the editor closes."
    ).format(case=case_id)
    return "".join(f"# {line}\n" for line in words.splitlines())


def plain_text(loaded: LoadedCase, conflicts: list[dict[str, Any]] | None = None) -> str:
    """The case as the person edits it: a plain case as its file is, a sealed one opened and
    without its `sealed:` block; with a sync's conflicts (opened) at the top."""
    parsed = loaded.parsed
    if parsed.opened is None and parsed.text is not None:
        body = parsed.text
    else:
        data = dump(loaded.case)
        data.pop("sealed", None)
        body = yamlio.rt_dump(yamlio.to_node(data))
    if conflicts:
        from bti.mergefile import conflict_block

        body = conflict_block(conflicts) + body
    return _header(loaded.case.id) + body


def read_back(text: str, loaded: LoadedCase, shown: str) -> Case | list[str]:
    """The case the edited `text` holds, or what is wrong with it (placed in the text)."""
    parsed: Parsed = parse_case(text, shown)
    if parsed.case is None:
        return [p.render() for p in parsed.problems]
    if parsed.opened is not None:
        return [
            _(
                "{where}: the 'sealed:' block is bti's own — leave it out, bti seals the case"
            ).format(where=shown)
        ]
    case = parsed.case
    if case.id != loaded.case.id:
        return [
            _("{where}: the case id cannot be changed (it is {case})").format(
                where=shown, case=loaded.case.id
            )
        ]
    return case.model_copy(update={"sealed": loaded.case.sealed})


# -- the command ------------------------------------------------------------------------------------------


def edit_case(
    start: Path,
    case_id: str,
    *,
    commit: bool = True,
    again: Again = None,
    edit: Callable[[Path], None] = run_editor,
) -> Outcome | None:
    """Open `case_id` in the editor, then judge, write and commit what comes back as the acting
    person (`ID: edited by hand`). None when nothing was changed. `again`: asked after a
    problem whether to edit once more (None: no terminal, the problem is raised)."""
    from bti import mergesealed

    with Session.start(start, command="bti case edit") as session:
        session.person()  # someone who may not change cases is told before editing, not after
    repo = Repository.find(start)
    loaded, conflicts = mergesealed.load_for_edit(repo, case_id)
    shown = _("your edit of {case}").format(case=loaded.case.id)
    text = plain_text(loaded, conflicts)
    while True:
        with scratch_file(loaded.case.id) as path:
            write_private(path, text)
            edit(path)
            try:
                text = path.read_text("utf-8")
            except (OSError, UnicodeDecodeError) as err:
                raise InputError(
                    _("the edited text could not be read back: {reason}").format(reason=err)
                ) from None
        result = read_back(text, loaded, shown)
        if isinstance(result, list):
            if again is not None and again(result):
                continue
            raise InputError(
                _("the edited case cannot be read; nothing was written:")
                + "\n"
                + "\n".join(result),
                hint=_("run 'bti case edit {case}' again").format(case=loaded.case.id),
            )
        if result == loaded.case and not conflicts:
            return None
        try:
            return _save(start, loaded, result, commit=commit, merging=bool(conflicts))
        except RuleRefusal as refusal:
            found = place(refusal.violations, text, shown)
            if again is not None and again([v.render() for v in found]):
                continue
            raise _refused(found, loaded.case.id) from None


def _refused(found: list[Violation], case_id: str) -> RuleRefusal:
    refusal = RuleRefusal(found)
    if any(v.code == "BTI301" for v in found):
        refusal.hint = _(
            "what is written in a case stays as it was; to put something right, add a new log "
            "entry at the end that says what was wrong (or use 'bti case correct {case}')"
        ).format(case=case_id)
    return refusal


def _save(start: Path, loaded: LoadedCase, case: Case, *, commit: bool, merging: bool) -> Outcome:
    """Judge and write the edited case under the clone's lock, against the file as it is now."""
    with Session.start(start, command="bti case edit") as session:
        session.person()
        now = session.repo.parse_file(loaded.path)
        if now.text != loaded.parsed.text and not merging:
            raise Refused(
                _(
                    "case {case} was changed by someone else while you were editing; nothing was "
                    "written"
                ).format(case=case.id),
                hint=_("run 'bti case edit {case}' again").format(case=case.id),
            )
        if merging:
            return _save_resolved(session, loaded, case)
        return session.apply(loaded, Change(case, SUMMARY), commit=commit)


def _save_resolved(session: Session, loaded: LoadedCase, case: Case) -> Outcome:
    """A conflict resolved by hand during a stopped sync: written (sealed as every case), not
    committed — `bti sync --continue` judges and commits the merge as a whole."""
    from bti.yamlio import atomic_write

    text = session.repo.case_text(loaded, case)
    atomic_write(loaded.path, text)
    gitrepo.run(["add", "--", session.repo.relative(loaded.path)], session.repo.root)
    return Outcome(
        loaded.path,
        _("{case}: conflict resolved by hand").format(case=case.id),
        None,
        notes=[_("run 'bti sync --continue' to finish the sync")],
    )
