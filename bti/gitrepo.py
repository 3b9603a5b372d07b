"""The only module that talks to git. Small named functions over `git` subprocesses.

Plain subprocesses, not GitPython, on every path a person waits for: a git process costs ~3 ms, while
importing GitPython costs ~90 ms before it does anything (see shared/MEASURED.md).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bti.errors import InputError, Refused
from bti.i18n import _

if TYPE_CHECKING:
    from bti.signatures import SigningSetup


class GitError(InputError):
    """git failed in a way the user has to look at."""


@dataclass(frozen=True)
class Ident:
    name: str
    email: str


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("LC_ALL", "C.UTF-8")
    return env


def run(
    args: Sequence[str], cwd: Path | str, *, input: str | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    try:
        result = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=input,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=_env(),
        )
    except FileNotFoundError:
        raise GitError(
            _("git is not installed or not on PATH"), hint=_("install git first")
        ) from None
    if check and result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise GitError(_("git {command} failed: {detail}").format(command=args[0], detail=detail))
    return result


def toplevel(path: Path) -> Path | None:
    result = run(["rev-parse", "--show-toplevel"], path, check=False)
    if result.returncode != 0:
        return None
    return Path(result.stdout.strip())


def git_dir(path: Path) -> Path | None:
    result = run(["rev-parse", "--absolute-git-dir"], path, check=False)
    return Path(result.stdout.strip()) if result.returncode == 0 else None


def init(path: Path) -> None:
    run(["init", "-q", "-b", "main", str(path)], path)


def has_head(path: Path) -> bool:
    return run(["rev-parse", "-q", "--verify", "HEAD^{commit}"], path, check=False).returncode == 0


_IDENT = re.compile(r"^(?P<name>.*?)\s*<(?P<email>[^>]*)>")


def author(path: Path) -> Ident:
    """Who is acting: git's author identity, so GIT_AUTHOR_EMAIL and `-c user.email=` both work."""
    result = run(["var", "GIT_AUTHOR_IDENT"], path, check=False)
    match = _IDENT.match(result.stdout.strip()) if result.returncode == 0 else None
    if match is None or not match.group("email"):
        raise InputError(
            _("git does not know who you are, so bti cannot tell who is making this change"),
            hint=_("tell git once, with your own name and work email:")
            + "\n"
            + "\n".join(f"    {line}" for line in _who_are_you()),
        )
    return Ident(match.group("name"), match.group("email").lower())


def _who_are_you() -> tuple[str, str]:
    return (
        "git config --global user.name '{name}'".format(name=_("Your Name")),
        "git config --global user.email you@kommune.no",
    )


def require_identity(path: Path) -> Ident:
    """The author git will record, after making sure git can also commit (author and committer
    both known). Checked before a command writes anything, so nothing is left half done."""
    while not path.exists():
        path = path.parent
    missing = [
        role
        for role, var in (("author", "GIT_AUTHOR_IDENT"), ("committer", "GIT_COMMITTER_IDENT"))
        if run(["var", var], path, check=False).returncode != 0
    ]
    if missing:
        if len(missing) == 2:
            said = _(
                "git does not know who you are (no name and email for the author and the "
                "committer), so bti cannot record who makes this change; nothing was written"
            )
        elif missing == ["author"]:
            said = _(
                "git does not know who you are (no name and email for the author), so bti cannot "
                "record who makes this change; nothing was written"
            )
        else:
            said = _(
                "git does not know who you are (no name and email for the committer), so bti "
                "cannot record who makes this change; nothing was written"
            )
        raise InputError(
            said,
            hint=_("tell git once, with your own name and work email, then run the command again:")
            + "\n"
            + "\n".join(f"    {line}" for line in _who_are_you()),
        )
    return author(path)


def in_head(path: Path, name: str) -> bool:
    """`name` is part of the last commit (so a repository's first commit was made)."""
    return run(["cat-file", "-e", f"HEAD:./{name}"], path, check=False).returncode == 0


def commit(path: Path, files: Sequence[Path], message: str) -> str:
    """Stage `files` and commit exactly them with `message`; return the new commit id.

    A stale `index.lock` is refused before anything is staged, with what to do about it. The caller
    undoes its own write when this raises (see session.py); this function stages nothing it does
    not commit unless git itself fails half-way, and then `restore_index` puts the entries back."""
    refuse_index_lock(path)
    names = [str(f) for f in files]
    added = run(["add", "--", *names], path, check=False)
    if added.returncode != 0:
        refuse_index_lock(path)  # another git program took it between our check and our add
        detail = (added.stderr or added.stdout).strip()
        raise Refused(
            _("git could not stage the change:") + "\n" + detail,
            hint=_("nothing was committed; fix what the message names and try again"),
        )
    result = run(["commit", "-q", "-m", message, "--", *names], path, check=False)
    if result.returncode != 0:
        detail = (result.stderr + result.stdout).strip()
        raise Refused(
            _("git refused the commit:") + "\n" + detail,
            hint=_("nothing was committed; fix what the message names and try again"),
        )
    return run(["rev-parse", "HEAD"], path).stdout.strip()


@dataclass(frozen=True)
class Places:
    """Where git keeps a clone's own files: the common git dir (shared by worktrees) and this
    worktree's index lock."""

    common_dir: Path
    index_lock: Path


def places(path: Path) -> Places | None:
    args = ["rev-parse", "--path-format=absolute", "--git-common-dir", "--git-path", "index.lock"]
    result = run(args, path, check=False)
    lines = result.stdout.splitlines()
    if result.returncode != 0 or len(lines) != 2:
        return None
    return Places(Path(lines[0]), Path(lines[1]))


def refuse_index_lock(path: Path, known: Places | None = None) -> None:
    """Refuse plainly when git's own index lock is there: another git program is working in this
    clone, or one was stopped half-way and left it. Never deleted here: only a person can tell."""
    found = known or places(path)
    if found is None or not found.index_lock.exists():
        return
    raise Refused(
        _(
            "git's lock file {file} is there: another git program is working in this clone, or "
            "one was stopped half-way and left it behind; nothing was changed"
        ).format(file=found.index_lock),
        hint=_(
            "if no git or bti program is running (close git tools and editors that use git), "
            "delete it and run your command again: rm '{file}'"
        ).format(file=found.index_lock),
    )


def index_entry(path: Path, file: Path) -> str | None:
    """The index's entry for `file` ("mode blob stage\tname" lines), or None when not in it."""
    out = run(["ls-files", "-s", "--full-name", "--", str(file)], path, check=False).stdout
    return out or None


def restore_index(path: Path, file: Path, entry: str | None) -> bool:
    """Put the index entry of `file` back to `entry` (from `index_entry`); True when done."""
    if entry is None:
        args = ["update-index", "--force-remove", "--", str(file)]
        return run(args, path, check=False).returncode == 0
    top = toplevel(path) or path
    return run(["update-index", "--index-info"], top, input=entry, check=False).returncode == 0


def blob_id(data: bytes) -> str:
    """The id git gives this content as a blob: the key for every cached judgment."""
    import hashlib

    return hashlib.sha1(b"blob %d\x00" % len(data) + data, usedforsecurity=False).hexdigest()


# -- reading history in bulk ------------------------------------------------------------------

ZERO = "0" * 40
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


@dataclass(frozen=True)
class FileChange:
    """One file's step in a commit: blob ids before and after (None where it did not exist)."""

    path: str
    old: str | None
    new: str | None
    old_mode: str | None = (
        None  # git's file mode: 100644, 100755, 120000 (link), 160000 (submodule)
    )
    new_mode: str | None = None


@dataclass(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    time: str  # committer time, ISO 8601 with offset
    subject: str = ""


def _parse_raw(line: str) -> FileChange | None:
    """A line of `--raw --no-abbrev` output, or None for anything else."""
    if not line.startswith(":"):
        return None
    meta, _tab, path = line.partition("\t")
    parts = meta.split()
    if len(parts) < 5:
        return None
    old, new = parts[2], parts[3]
    old_mode, new_mode = parts[0][1:], parts[1]
    if path.startswith('"'):
        raw = path[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
        path = raw.encode("latin-1", "replace").decode("utf-8", "replace")
    return FileChange(
        path,
        None if old == ZERO else old,
        None if new == ZERO else new,
        None if old == ZERO else old_mode,
        None if new == ZERO else new_mode,
    )


def staged_changes(path: Path, against: str | None = None) -> list[FileChange]:
    """What the next commit would change: the index against HEAD (or `against`; the empty tree
    before the first commit)."""
    base = against or ("HEAD" if has_head(path) else EMPTY_TREE)
    out = run(["diff-index", "--cached", "--raw", "--no-abbrev", "--no-renames", base], path).stdout
    return [c for c in map(_parse_raw, out.splitlines()) if c is not None]


def commit_info(path: Path, rev: str) -> Commit | None:
    result = run(
        ["log", "-1", "--format=%H%x1f%P%x1f%an%x1f%ae%x1f%cI%x1f%s", rev], path, check=False
    )
    if result.returncode != 0 or not result.stdout.strip():
        return None
    sha, parents, name, email, time, subject = result.stdout.rstrip("\n").split("\x1f", 5)
    return Commit(sha, tuple(parents.split()), name, email.lower(), time, subject)


def new_commits(path: Path, tips: Sequence[str], exclude: Sequence[str] = ("--all",)) -> list[str]:
    """Commits reachable from `tips` but not from `exclude` (default: every existing ref), oldest
    first, parents before children. In a pre-receive hook the refs are not yet updated."""
    if not tips:
        return []
    args = ["rev-list", "--reverse", "--topo-order", *tips, "--not", *exclude]
    return run(args, path).stdout.split()


def history(path: Path, commits: Sequence[str]) -> list[tuple[Commit, list[list[FileChange]]]]:
    """Each commit with its changes against each parent (root commits against the empty tree).

    One `git diff-tree --stdin` process serves every ordinary commit; merges, which are few, get one
    diff per parent."""
    if not commits:
        return []
    fmt = "--pretty=format:%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%cI%x1f%s"
    out = run(
        ["diff-tree", "--stdin", "-r", "--raw", "--no-abbrev", "--no-renames", "--root", fmt],
        path,
        input="\n".join(commits) + "\n",
    ).stdout
    found: dict[str, tuple[Commit, list[list[FileChange]]]] = {}
    current: list[FileChange] = []
    for line in out.split("\n"):  # not splitlines(): it also splits at \x1e and \x1f
        if line.startswith("\x1e"):
            sha, parents, name, email, time, subject = line[1:].split("\x1f", 5)
            commit = Commit(sha, tuple(parents.split()), name, email.lower(), time, subject)
            current = []
            found[sha] = (commit, [current])
        else:
            change = _parse_raw(line)
            if change is not None:
                current.append(change)
    result = []
    for sha in commits:
        if sha in found:
            result.append(found[sha])
            continue
        info = commit_info(path, sha)  # a merge (diff-tree skips it) or a commit without changes
        if info is None:
            continue
        diffs = []
        for parent in info.parents or (EMPTY_TREE,):
            raw = run(
                ["diff-tree", "-r", "--raw", "--no-abbrev", "--no-renames", parent, sha], path
            ).stdout
            diffs.append([c for c in map(_parse_raw, raw.splitlines()) if c is not None])
        result.append((info, diffs))
    return result


def work_tree_files(path: Path) -> list[str]:
    """Every file of the work tree that git tracks or would add (ignored files are not listed)."""
    out = run(["ls-files", "-z", "--cached", "--others", "--exclude-standard"], path, check=False)
    return sorted({name for name in out.stdout.split("\x00") if name})


def has_refs(path: Path) -> bool:
    """The repository holds any branch or tag (a server that has received a push)."""
    out = run(["for-each-ref", "--count=1", "--format=%(refname)"], path, check=False).stdout
    return bool(out.strip())


def path_versions(path: Path, rev: str, name: str, limit: int = 50) -> list[str]:
    """The commits that changed file `name` up to `rev`, newest first (at most `limit`)."""
    out = run(
        ["log", f"-n{limit}", "--format=%H", "--no-renames", rev, "--", name], path, check=False
    ).stdout
    return out.split()


def landings(path: Path, tip: str) -> dict[str, str]:
    """For each commit that reached the first-parent line of `tip` through a merge, the commit it
    landed on (the merge's first parent): the branch it was merged into, as it stood then."""
    merges = run(["rev-list", "--first-parent", "--merges", tip], path).stdout.split()
    found: dict[str, str] = {}
    for merge in merges:
        side = run(["rev-list", f"{merge}^2", "--not", f"{merge}^1"], path, check=False).stdout
        for sha in side.split():
            found.setdefault(sha, f"{merge}^1")
    return {sha: rev(path, landing) or landing for sha, landing in found.items()}


# Who pushed each commit, where the server names the pusher: a git note per commit, written by the
# server's post-receive hook (clients cannot push notes: pre-receive refuses refs/notes).
PUSHED_NOTES = "refs/notes/bti/pushed"


def add_notes(path: Path, ref: str, notes: dict[str, str], message: str) -> None:
    """Add a note to each commit of `notes` on notes ref `ref`, in one commit made with one
    `git fast-import` (one process for a push of any size)."""
    if not notes:
        return
    previous = rev(path, ref)
    lines = [f"commit {ref}", "committer bti <bti@localhost> now"]
    text = message.encode()
    chunks = [("\n".join(lines) + "\n").encode(), b"data %d\n" % len(text), text, b"\n"]
    if previous:
        chunks.append(f"from {previous}\n".encode())
    for sha, note in notes.items():
        data = note.encode()
        chunks += [f"N inline {sha}\n".encode(), b"data %d\n" % len(data), data, b"\n"]
    chunks.append(b"done\n")
    result = subprocess.run(
        ["git", "fast-import", "--quiet", "--done", "--date-format=now"],
        cwd=path,
        input=b"".join(chunks),
        capture_output=True,
        env=_env(),
    )
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip()
        raise GitError(
            _("git {command} failed: {detail}").format(command="fast-import", detail=detail)
        )


def notes(path: Path, ref: str, shas: Sequence[str]) -> dict[str, str]:
    """The note on each of `shas` on notes ref `ref` (commits without one are left out)."""
    if not shas or rev(path, ref) is None:
        return {}
    out = run(["notes", f"--ref={ref}", "list"], path, check=False).stdout
    wanted = set(shas)
    blobs = {}
    for line in out.splitlines():
        blob, _space, sha = line.partition(" ")
        if sha in wanted:
            blobs[sha] = blob
    if not blobs:
        return {}
    found = {}
    with ObjectReader(path) as reader:
        for sha, blob in blobs.items():
            data = reader.read(blob)
            if data is not None:
                found[sha] = data.decode("utf-8", "replace").strip()
    return found


def is_ancestor(path: Path, old: str, new: str) -> bool:
    return run(["merge-base", "--is-ancestor", old, new], path, check=False).returncode == 0


class ObjectReader:
    """One persistent `git cat-file --batch` process: blobs by id or by `rev:path`, on request.
    Sizes come first from a second, `--batch-check` process, so a huge blob is never read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._proc = subprocess.Popen(
            ["git", "cat-file", "--batch"],
            cwd=path,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=_env(),
        )
        self._check: subprocess.Popen[bytes] | None = None
        self.extra: dict[str, bytes] = {}  # content not (yet) in git, by the id git would give it
        self._info: dict[str, tuple[str, str, int]] = {}

    def provide(self, data: bytes) -> str:
        """Make `data` readable by its blob id, as if it were in git (a command's new version)."""
        sha = blob_id(data)
        self.extra[sha] = data
        return sha

    def info(self, name: str) -> tuple[str, str, int] | None:
        """The id, type (blob, tree, commit, tag) and size of object `name`, without its content."""
        if name in self.extra:
            return name, "blob", len(self.extra[name])
        if name in self._info:
            return self._info[name]
        if self._check is None:
            self._check = subprocess.Popen(
                ["git", "cat-file", "--batch-check"],
                cwd=self.path,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=_env(),
            )
        assert self._check.stdin is not None and self._check.stdout is not None
        self._check.stdin.write(name.encode() + b"\n")
        self._check.stdin.flush()
        parts = self._check.stdout.readline().split()
        if len(parts) != 3:
            return None
        found = parts[0].decode(), parts[1].decode(), int(parts[2])
        if len(name) == 40 and len(self._info) < 65536:  # an object id names one object forever
            self._info[name] = found
        return found

    def lookup(self, name: str) -> tuple[str, bytes] | None:
        """The object id and content of `name` (an id, or `rev:path`), or None if there is none."""
        if name in self.extra:
            return name, self.extra[name]
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(name.encode() + b"\n")
        self._proc.stdin.flush()
        header = self._proc.stdout.readline()
        if not header or header.endswith(b"missing\n") or header.endswith(b"ambiguous\n"):
            return None
        sha, _kind, size = header.split()[:3]
        data = self._proc.stdout.read(int(size))
        self._proc.stdout.read(1)
        return sha.decode(), data

    def read(self, name: str) -> bytes | None:
        found = self.lookup(name)
        return found[1] if found else None

    def close(self) -> None:
        for proc in (self._proc, self._check):
            if proc is not None and proc.poll() is None:
                assert proc.stdin is not None
                proc.stdin.close()
                proc.wait()

    def __enter__(self) -> ObjectReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- working together: clone, fetch, merge, push (bti clone / bti sync) ---------------------------


def merge_base(path: Path, one: str, other: str) -> str | None:
    """The best common ancestor of two commits, or None when they share no history."""
    result = run(["merge-base", one, other], path, check=False)
    found = result.stdout.split()
    return found[0] if result.returncode == 0 and found else None


def rev(path: Path, name: str) -> str | None:
    """The commit id `name` stands for, or None when there is no such commit."""
    result = run(["rev-parse", "-q", "--verify", f"{name}^{{commit}}"], path, check=False)
    return result.stdout.strip() if result.returncode == 0 else None


def current_branch(path: Path) -> str | None:
    result = run(["symbolic-ref", "-q", "--short", "HEAD"], path, check=False)
    return result.stdout.strip() if result.returncode == 0 else None


def remote_url(path: Path, remote: str) -> str | None:
    result = run(["remote", "get-url", remote], path, check=False)
    return result.stdout.strip() if result.returncode == 0 else None


def config_get(path: Path, key: str) -> str | None:
    result = run(["config", "--local", "--get", key], path, check=False)
    return result.stdout.strip() if result.returncode == 0 else None


def signing_setup(path: Path) -> SigningSetup:
    """How git signs commits here, in every scope git reads (so `-c`, GIT_CONFIG_COUNT and the
    user's global settings count), with the public key `user.signingkey` stands for: the key
    itself (`key::ssh-ed25519 …`), or a key file (its `.pub` beside it, or the file itself)."""
    from bti.signatures import SignatureError, SigningSetup, normalise_key

    pattern = r"^(commit\.gpgsign|gpg\.format|user\.signingkey)$"
    out = run(["config", "--get-regexp", pattern], path, check=False).stdout
    values: dict[str, str] = {}
    for line in out.splitlines():
        name, _space, value = line.partition(" ")
        values[name.lower()] = value.strip()
    gpgsign = values.get("commit.gpgsign", "").lower() in ("true", "yes", "on", "1")
    fmt = values.get("gpg.format")
    where = values.get("user.signingkey")
    key, problem = None, ""
    if where:
        text = where.removeprefix("key::") if where.startswith("key::") else None
        if text is None:
            file = Path(os.path.expanduser(where))
            if not file.is_absolute():
                file = path / file
            for candidate in (file.with_name(file.name + ".pub"), file):
                try:
                    text = candidate.read_text("utf-8", errors="replace")
                except OSError:
                    continue
                if text.startswith("ssh-"):
                    break
                text = None
            if text is None:
                problem = _(
                    "git's signing key {key} cannot be read (no public key beside it)"
                ).format(key=where)
        if text is not None:
            try:
                key = normalise_key(text)
            except SignatureError as err:
                problem = _("git's signing key {key} is not usable: {reason}").format(
                    key=where, reason=err
                )
    return SigningSetup(gpgsign, fmt, where, key, problem)


def config_set(path: Path, key: str, value: str) -> None:
    run(["config", "--local", key, value], path)


def config_unset(path: Path, key: str) -> None:
    run(["config", "--local", "--unset-all", key], path, check=False)


def clone(url: str, target: Path) -> subprocess.CompletedProcess[str]:
    """`git clone`; the caller reads the result (a wrong address is the person's to correct)."""
    return run(["clone", "-q", "--", url, str(target)], target.parent, check=False)


def fetch(path: Path, remote: str) -> subprocess.CompletedProcess[str]:
    """Fetch `remote`, and the server's record of who pushed what where it keeps one."""
    result = run(["fetch", "-q", remote], path, check=False)
    if result.returncode == 0:
        fetch_pushed_notes(path, remote)
    return result


def fetch_pushed_notes(path: Path, remote: str) -> None:
    """The server's record of who pushed what, where it keeps one (nothing when it does not)."""
    run(["fetch", "-q", remote, f"+{PUSHED_NOTES}:{PUSHED_NOTES}"], path, check=False)


def changed_files(path: Path, *, untracked: bool = True) -> list[str]:
    """Paths with uncommitted changes, staged or not, and untracked files (not ignored ones)."""
    shown = "--untracked-files=all" if untracked else "--untracked-files=no"
    out = run(["status", "--porcelain=v1", "-z", shown], path).stdout
    paths = []
    records = out.split("\x00")
    i = 0
    while i < len(records):
        record = records[i]
        if len(record) > 3:
            paths.append(record[3:])
            if record[0] in "RC":
                i += 1  # a rename names its source in the next record
        i += 1
    return paths


def merging(path: Path) -> bool:
    """A merge has been started and not yet committed or aborted."""
    return rev(path, "MERGE_HEAD") is not None


def unmerged(path: Path) -> list[str]:
    out = run(["diff", "--name-only", "-z", "--diff-filter=U"], path).stdout
    return [p for p in out.split("\x00") if p]


def merge(path: Path, other: str, message: str) -> subprocess.CompletedProcess[str]:
    """Merge `other` into HEAD with a merge commit (the case merge driver does the case files)."""
    return run(["merge", "--no-ff", "--no-edit", "-m", message, other], path, check=False)


def fast_forward(path: Path, other: str) -> subprocess.CompletedProcess[str]:
    return run(["merge", "--ff-only", "-q", other], path, check=False)


def merge_abort(path: Path) -> subprocess.CompletedProcess[str]:
    return run(["merge", "--abort"], path, check=False)


def remerge(path: Path, files: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """Put `files` of an unfinished merge back in conflict, as the merge left them (git keeps
    the sides of a conflict resolved by `git add`)."""
    return run(["checkout", "--merge", "--", *files], path, check=False)


def commit_merge(
    path: Path, files: Sequence[str], message: str
) -> subprocess.CompletedProcess[str]:
    """Conclude a merge whose conflicts were resolved in `files`. The hooks are skipped here
    because the caller judges the merge commit itself, the way the server does."""
    run(["add", "--", *files], path)
    return run(["commit", "-q", "--no-verify", "-m", message], path, check=False)


def stage_version(path: Path, stage: int, name: str) -> str | None:
    """The text of one side of an unfinished merge: stage 1 the common past, 2 yours, 3 theirs."""
    result = run(["show", f":{stage}:{name}"], path, check=False)
    return result.stdout if result.returncode == 0 else None


def push(path: Path, remote: str, branch: str) -> subprocess.CompletedProcess[str]:
    return run(["push", "--porcelain", remote, f"HEAD:refs/heads/{branch}"], path, check=False)


def changed_between(path: Path, old: str, new: str) -> list[str]:
    out = run(["diff", "--name-only", "-z", "--no-renames", old, new], path).stdout
    return [p for p in out.split("\x00") if p]


def merge_commit_preview(path: Path, files: Sequence[str], message: str) -> str:
    """Stage `files` and make the commit that would conclude the merge, without moving HEAD, so
    it can be judged first. Returns its id."""
    run(["add", "--", *files], path)
    tree = run(["write-tree"], path).stdout.strip()
    args = ["commit-tree", tree, "-p", "HEAD", "-p", "MERGE_HEAD", "-m", message]
    if signing_setup(path).gpgsign:
        args.append("-S")  # commit-tree ignores commit.gpgsign; the preview is judged signed
    return run(args, path).stdout.strip()


# -- trees --------------------------------------------------------------------------------------


def _blob_entries(out: str, id_field: int) -> dict[str, str]:
    """path → object id from NUL-separated `<fields>\t<path>` entries (ls-tree: mode, type, id;
    ls-files -s: mode, id, stage); submodules (mode 160000) have no blob and are left out."""
    found = {}
    for entry in out.split("\x00"):
        meta, tab, name = entry.partition("\t")
        parts = meta.split()
        if tab and len(parts) >= 3 and parts[0] != "160000":
            found[name] = parts[id_field]
    return found


def tree_blobs(path: Path, rev: str, under: str) -> dict[str, str]:
    """path → blob id of every file below the folder `under` in commit `rev` (none when `rev`
    or the folder does not exist)."""
    result = run(["ls-tree", "-r", "-z", "--full-tree", rev, "--", f"{under}/"], path, check=False)
    return _blob_entries(result.stdout, 2) if result.returncode == 0 else {}


def index_blobs(path: Path, under: str) -> dict[str, str]:
    """path → blob id of every file below `under` in the index: what the next commit will hold."""
    result = run(["ls-files", "-s", "-z", "--", f"{under}/"], path, check=False)
    return _blob_entries(result.stdout, 1) if result.returncode == 0 else {}
