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

from bti.errors import InputError, Refused


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
        raise GitError("git is not installed or not on PATH", hint="install git first") from None
    if check and result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise GitError(f"git {args[0]} failed: {detail}")
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
            "git does not know who you are, so bti cannot tell who is making this change",
            hint="tell git once, with your own name and work email:\n"
            + "\n".join(f"    {line}" for line in _WHO_ARE_YOU),
        )
    return Ident(match.group("name"), match.group("email").lower())


_WHO_ARE_YOU = (
    "git config --global user.name 'Your Name'",
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
        raise InputError(
            "git does not know who you are (no name and email for the "
            f"{' and '.join(missing)}), so bti cannot record who makes this change; "
            "nothing was written",
            hint="tell git once, with your own name and work email, then run the command again:\n"
            + "\n".join(f"    {line}" for line in _WHO_ARE_YOU),
        )
    return author(path)


def in_head(path: Path, name: str) -> bool:
    """`name` is part of the last commit (so a repository's first commit was made)."""
    return run(["cat-file", "-e", f"HEAD:./{name}"], path, check=False).returncode == 0


def commit(path: Path, files: Sequence[Path], message: str) -> str:
    """Stage `files` and commit exactly them with `message`; return the new commit id."""
    names = [str(f) for f in files]
    run(["add", "--", *names], path)
    result = run(["commit", "-q", "-m", message, "--", *names], path, check=False)
    if result.returncode != 0:
        detail = (result.stderr + result.stdout).strip()
        raise Refused(
            f"git refused the commit:\n{detail}",
            hint="nothing was committed; fix what the message names and try again",
        )
    return run(["rev-parse", "HEAD"], path).stdout.strip()


def unstage(path: Path, files: Sequence[Path]) -> None:
    """Put the index entries of `files` back to HEAD (after a refused commit); history is untouched."""
    run(["reset", "-q", "--", *[str(f) for f in files]], path, check=False)


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
    meta, _, path = line.partition("\t")
    parts = meta.split()
    if len(parts) < 5:
        return None
    old, new = parts[2], parts[3]
    if path.startswith('"'):
        path = path.strip('"').encode("latin-1", "backslashreplace").decode("unicode_escape")
    return FileChange(path, None if old == ZERO else old, None if new == ZERO else new)


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


def is_ancestor(path: Path, old: str, new: str) -> bool:
    return run(["merge-base", "--is-ancestor", old, new], path, check=False).returncode == 0


class ObjectReader:
    """One persistent `git cat-file --batch` process: blobs by id or by `rev:path`, on request."""

    def __init__(self, path: Path) -> None:
        self._proc = subprocess.Popen(
            ["git", "cat-file", "--batch"],
            cwd=path,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=_env(),
        )

    def lookup(self, name: str) -> tuple[str, bytes] | None:
        """The object id and content of `name` (an id, or `rev:path`), or None if there is none."""
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(name.encode() + b"\n")
        self._proc.stdin.flush()
        header = self._proc.stdout.readline()
        if not header or header.endswith(b"missing\n") or header.endswith(b"ambiguous\n"):
            return None
        sha, _, size = header.split()[:3]
        data = self._proc.stdout.read(int(size))
        self._proc.stdout.read(1)
        return sha.decode(), data

    def read(self, name: str) -> bytes | None:
        found = self.lookup(name)
        return found[1] if found else None

    def close(self) -> None:
        if self._proc.poll() is None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            self._proc.wait()

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


def config_set(path: Path, key: str, value: str) -> None:
    run(["config", "--local", key, value], path)


def config_unset(path: Path, key: str) -> None:
    run(["config", "--local", "--unset-all", key], path, check=False)


def clone(url: str, target: Path) -> subprocess.CompletedProcess[str]:
    """`git clone`; the caller reads the result (a wrong address is the person's to correct)."""
    return run(["clone", "-q", "--", url, str(target)], target.parent, check=False)


def fetch(path: Path, remote: str) -> subprocess.CompletedProcess[str]:
    return run(["fetch", "-q", remote], path, check=False)


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
