"""Working together: `bti clone`, `bti sync` and the case merge driver git calls.

`bti sync` is the one safe verb over fetch, merge and push. It never rebases or resets: your
commits stay as they are, the server's are merged in with a merge commit (case files by meaning,
through the driver), the result is judged by the same rules the server applies, and only then sent.
When something stops it, it says what, and how to go on or back (`--continue`, `--abort`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bti import gitrepo, yamlio
from bti.errors import FileProblem, InputError, Refused
from bti.merge import CONFLICT_KEY
from bti.mergesealed import merge_case_texts
from bti.replay import is_case_path
from bti.store import CONFIG, PEOPLE

REMOTE = "origin"
MESSAGE = "bti sync: merged with the server"
Echo = Callable[[str], None]

RESOLVE_HINT = (
    "nothing is lost: the file holds every entry from both sides, and both values of each field "
    f"are listed under '{CONFLICT_KEY}:' at its top (in a sealed case, 'bti case edit ID' shows "
    "them opened). Keep the right value in each field, delete that block, then run "
    "'bti sync --continue'. To go back to how things were before this "
    "sync, run 'bti sync --abort'"
)


# -- the merge driver ---------------------------------------------------------------------------


@dataclass
class DriverResult:
    code: int
    lines: list[str]


def merge_driver(base: Path, ours: Path, theirs: Path, path: str) -> DriverResult:
    """What git runs for a case file both sides changed: merge by meaning into `ours`. Exit 1
    leaves the file marked as conflicted (with the `merge_conflict:` block) for a person."""
    try:
        texts = [p.read_text("utf-8") if p.exists() else None for p in (base, ours, theirs)]
    except (OSError, UnicodeDecodeError) as err:
        return DriverResult(1, [f"{path}: cannot be merged by meaning ({err}); git keeps it as is"])
    base_text, ours_text, theirs_text = texts
    result = merge_case_texts(base_text, ours_text or "", theirs_text or "", path, Path.cwd())
    if result.text != ours_text:
        yamlio.atomic_write(ours, result.text)
    return DriverResult(0 if result.clean else 1, result.messages(path))


# -- clone --------------------------------------------------------------------------------------


def clone(url: str, target: Path | None, echo: Echo) -> Path:
    """Clone a case repository and install the hooks and the merge driver in it."""
    from bti import hooks

    if target is None:
        name = url.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].removesuffix(".git")
        target = Path(name or "cases")
    target = target.resolve()
    if target.exists() and any(target.iterdir()):
        raise InputError(
            f"{target} exists and is not empty", hint="name a new folder: bti clone URL FOLDER"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    result = gitrepo.clone(url, target)
    if result.returncode != 0:
        raise InputError(
            f"could not clone {url}: {_git_words(result.stderr)}",
            hint="check the address and that you have access to it",
        )
    hooks.install(target)
    gitrepo.fetch_pushed_notes(target, "origin")
    echo(f"cloned {url} into {target}")
    echo("  installed the hooks and the case merge driver")
    if not (target / CONFIG).exists():
        echo(f"  note: there is no {CONFIG} yet — run 'bti init' there to start the repository")
    return target


# -- sync ---------------------------------------------------------------------------------------


def _one_at_a_time(func: Callable[[Path, Echo], None]) -> Callable[[Path, Echo], None]:
    """Sync holds the clone's lock like every command that commits (bti/lock.py); the merge
    driver git runs during it is a hook and takes no lock."""

    @functools.wraps(func)
    def locked(start: Path, echo: Echo) -> None:
        from bti.lock import locked as clone_locked

        with clone_locked(_root(start)):
            func(start, echo)

    return locked


def _root(start: Path) -> Path:
    root = gitrepo.toplevel(start)
    if root is None:
        raise InputError(
            "this folder is not in a git repository",
            hint="change to your case repository, or get one with 'bti clone URL'",
        )
    return root


def _git_words(text: str) -> str:
    lines = [line.removeprefix("fatal: ").removeprefix("error: ") for line in text.splitlines()]
    return "; ".join(line.strip() for line in lines if line.strip()) or "no reason given"


def _refuse_uncommitted(root: Path) -> None:
    """Sync never starts over work that is not committed: a merge must not touch it."""
    tracked = gitrepo.changed_files(root, untracked=False)
    dirty = tracked + [
        p
        for p in gitrepo.changed_files(root)
        if p not in tracked and (is_case_path(p) or p in (CONFIG, PEOPLE))
    ]
    if dirty:
        shown = "\n".join(f"  {p}" for p in dirty[:20])
        raise Refused(
            f"these files have changes that are not committed, so sync did not start:\n{shown}",
            hint="commit them first (the bti commands commit for you), e.g. git add "
            f"{dirty[0]} && git commit -m '<case id>: what changed' — then run 'bti sync' again",
        )


def _ensure_driver(root: Path, echo: Echo) -> None:
    from bti import hooks

    if not hooks.merge_driver_installed(root):
        hooks.install_merge_driver(root)
        echo("installed the case merge driver in this clone")


@_one_at_a_time
def sync(start: Path, echo: Echo) -> None:
    """Fetch, merge with the server (case files by meaning), judge, push."""
    root = _root(start)
    if gitrepo.merging(root):
        raise Refused(
            "an earlier 'bti sync' stopped at a conflict that is not resolved yet:\n"
            + "\n".join(describe_conflicts(root)),
            hint=RESOLVE_HINT,
        )
    _refuse_uncommitted(root)
    branch = gitrepo.current_branch(root)
    if branch is None:
        raise Refused(
            "you are not on a branch (git is in 'detached HEAD')",
            hint="go back to your branch first: git switch main",
        )
    if gitrepo.remote_url(root, REMOTE) is None:
        raise InputError(
            f"this repository has no server ('{REMOTE}') to sync with",
            hint="get a clone of the shared repository with 'bti clone URL'",
        )
    _ensure_driver(root, echo)
    for _attempt in range(3):
        _fetch_and_merge(root, branch, echo)
        if _check_and_push(root, branch, echo):
            return
        echo("the server got new changes meanwhile; merging them too")
    raise Refused(
        "the server keeps changing while syncing", hint="wait a moment and run 'bti sync' again"
    )


def _fetch_and_merge(root: Path, branch: str, echo: Echo) -> None:
    fetched = gitrepo.fetch(root, REMOTE)
    if fetched.returncode != 0:
        raise Refused(
            f"could not get the server's changes: {_git_words(fetched.stderr)}",
            hint="check the network and your access, then run 'bti sync' again; nothing was "
            "changed here",
        )
    upstream = gitrepo.rev(root, f"refs/remotes/{REMOTE}/{branch}")
    head = gitrepo.rev(root, "HEAD")
    if upstream is None or upstream == head:
        return
    if head is not None and gitrepo.is_ancestor(root, upstream, head):
        return
    if head is None or gitrepo.is_ancestor(root, head, upstream):
        result = gitrepo.fast_forward(root, upstream)
        if result.returncode != 0:
            raise Refused(
                f"could not take the server's changes: {_git_words(result.stderr)}",
                hint="nothing was changed; move the files git names out of the way and retry",
            )
        echo(f"took {_count(root, head, upstream)} new commit(s) from the server")
        return
    result = gitrepo.merge(root, upstream, MESSAGE)
    if result.returncode == 0:
        echo(
            f"merged {_count(root, head, upstream)} commit(s) from the server with your "
            f"{_count(root, upstream, head)}"
        )
        for line in result.stderr.splitlines():
            if line.startswith("cases/") and "is now" in line:
                echo(f"  {line}")
        return
    if not gitrepo.merging(root):
        raise Refused(
            f"git could not start the merge: {_git_words(result.stderr + result.stdout)}",
            hint="nothing was changed; do what git asks, then run 'bti sync' again",
        )
    raise Refused(
        "your changes and the server's conflict:\n" + "\n".join(describe_conflicts(root)),
        hint=RESOLVE_HINT,
    )


def _count(root: Path, since: str | None, until: str) -> int:
    return len(gitrepo.new_commits(root, [until], exclude=[since] if since else []))


def describe_conflicts(root: Path) -> list[str]:
    """Each unmerged file, in plain words: for a case file, the fields and both values."""
    lines = []
    for path in gitrepo.unmerged(root):
        texts = [gitrepo.stage_version(root, stage, path) for stage in (1, 2, 3)]
        if is_case_path(path) and texts[1] is not None and texts[2] is not None:
            result = merge_case_texts(texts[0], texts[1], texts[2], path, root)
            if result.conflicts or result.problem:
                lines += [f"  {m}" for m in result.messages(path, "on the server")]
                continue
        if texts[1] is None or texts[2] is None:
            lines.append(f"  {path}: changed on one side and deleted on the other")
        else:
            lines.append(f"  {path}: changed on both sides in a way that cannot be combined")
    return lines or ["  (no file is in conflict any more)"]


def _check_and_push(root: Path, branch: str, echo: Echo) -> bool:
    """Judge what would be sent the way the server does, then push. False when the server
    moved on meanwhile (fetch and merge again)."""
    upstream = gitrepo.rev(root, f"refs/remotes/{REMOTE}/{branch}")
    exclude = [f"refs/remotes/{REMOTE}/{branch}"] if upstream else ["--remotes"]
    has_head = gitrepo.rev(root, "HEAD") is not None
    commits = gitrepo.new_commits(root, ["HEAD"], exclude=exclude) if has_head else []
    if not commits:
        echo("up to date: nothing to send")
        return True
    problems = recheck(root, commits, upstream)
    if problems:
        raise Refused(
            "nothing was sent: the rules find problems in what would be sent:\n"
            + "\n".join(f"  {line}" for line in problems),
            hint=_take_back_hint(len(commits), f"{REMOTE}/{branch}" if upstream else None),
        )
    pushed = gitrepo.push(root, REMOTE, branch)
    if pushed.returncode == 0:
        echo(f"sent {len(commits)} commit(s) to the server")
        return True
    said = pushed.stdout + pushed.stderr
    if "fetch first" in said or "non-fast-forward" in said:
        return False
    lines = [
        line.removeprefix("remote:").strip()
        for line in pushed.stderr.splitlines()
        if line.startswith("remote:") and line.removeprefix("remote:").strip()
    ]
    raise Refused(
        "the server refused your changes:\n"
        + "\n".join(f"  {line}" for line in lines or [_git_words(said)]),
        hint="nothing was sent, and nothing here was changed: your commits are kept. Correct "
        "what is named with new commits (the bti commands), then run 'bti sync' again",
    )


def _take_back_hint(count: int, upstream: str | None) -> str:
    """How to undo commits the rules refuse (made past the hook, e.g. with --no-verify) while
    keeping their files: a correction on top would be refused too, as it leaves them in history."""
    every = f"git reset --soft {upstream}" if upstream else f"git reset --soft HEAD~{count}"
    return (
        f"your {count} unsent commit(s) are kept here. If one was made by hand past the hook "
        f"(git commit --no-verify), take the commits back and keep their files: {every} takes "
        "back every unsent commit, 'git reset HEAD~1' only the last; then put the file right "
        "with the bti commands (a correction is a new entry) and run 'bti sync' again"
    )


def recheck(root: Path, commits: list[str], upstream: str | None, tip: str = "HEAD") -> list[str]:
    """The server's judgment of the commits about to be sent, and problems the merge itself
    brought into a case (a state neither side had, like two pending offers)."""
    from bti import clock
    from bti.replay import Judge

    lines = []
    with gitrepo.ObjectReader(root) as reader:
        judge = Judge(root, reader, now=clock.now(), first_root_allowed=upstream is None)
        for commit, diffs in gitrepo.history(root, commits):
            for landed in judge.judge(commit, diffs, landing=upstream):
                if landed.violation.is_error:
                    lines.append(landed.render())
            if len(commit.parents) == 2 and not lines:
                lines += _merge_state_problems(root, reader, commit.sha, commit.parents, tip)
    return lines


def _merge_state_problems(
    root: Path, reader: gitrepo.ObjectReader, sha: str, parents: tuple[str, ...], tip: str
) -> list[str]:
    """Errors `bti validate` finds in a merged case file that neither side's version had and
    that are still there at `tip` (a later commit may have put them right)."""
    from bti.checks import judge, parse_case
    from bti.store import Repository

    repo = Repository(root)
    try:
        config, people = repo.config, repo.people
    except (InputError, Refused):
        return []
    import datetime as dt

    from bti import clock
    from bti.rules import Context

    now: dt.datetime = clock.now()
    lines = []
    changed = set(gitrepo.changed_between(root, parents[0], sha))
    changed &= set(gitrepo.changed_between(root, parents[1], sha))
    for path in sorted(filter(is_case_path, changed)):
        ctx = Context(config, people, now, None, path)
        known: set[tuple[str, str]] = set()
        for parent in parents:
            data = reader.read(f"{parent}:{path}")
            if data is not None:
                known |= {(v.code, v.message) for v in judge(parse_case(data, path), ctx)}
        data = reader.read(f"{sha}:{path}")
        now_data = reader.read(f"{tip}:{path}")
        if data is None or now_data is None:
            continue
        still = {(v.code, v.message) for v in judge(parse_case(now_data, path), ctx)}
        for violation in judge(parse_case(data, path), ctx):
            key = (violation.code, violation.message)
            if violation.is_error and key not in known and key in still:
                lines.append(
                    violation.render() + " (the two sides together; fix it with a new change)"
                )
    return lines


# -- going on or back after a conflict ---------------------------------------------------------------


@_one_at_a_time
def continue_sync(start: Path, echo: Echo) -> None:
    """Finish a merge whose conflicts a person has resolved, then judge and push as sync does."""
    from bti.checks import parse_case

    root = _root(start)
    if not gitrepo.merging(root):
        raise Refused("there is no stopped sync to continue", hint="run 'bti sync'")
    branch = gitrepo.current_branch(root)
    if branch is None:
        raise Refused("you are not on a branch", hint="run 'bti sync --abort'")
    # The files still marked, and any already staged by an earlier try or changed since.
    files = list(
        dict.fromkeys(gitrepo.unmerged(root) + gitrepo.changed_files(root, untracked=False))
    )
    problems = []
    for path in files:
        file = root / path
        if not file.exists():
            problems.append(f"{path}: the file is missing — restore it, a case is never deleted")
            continue
        try:  # never read a pipe or /dev/zero behind a link: it would hang or fill memory
            data = yamlio.read_bytes(file, path, follow=not is_case_path(path))
        except FileProblem as problem:
            problems.append(problem.message)
            continue
        text = data.decode("utf-8", errors="replace")
        if is_case_path(path):
            parsed = parse_case(text, path)
            problems += [v.render() for v in parsed.problems]
        elif "<<<<<<<" in text or ">>>>>>>" in text:
            problems.append(f"{path}: still holds git's conflict markers (<<<<<<< … >>>>>>>)")
    if problems:
        raise Refused(
            "the conflict is not resolved yet:\n" + "\n".join(f"  {p}" for p in problems),
            hint=RESOLVE_HINT,
        )
    message = MESSAGE + " (conflicts resolved by hand)"
    preview = gitrepo.merge_commit_preview(root, files, message)
    upstream = gitrepo.rev(root, f"refs/remotes/{REMOTE}/{branch}")
    found = recheck(root, [preview], upstream, tip=preview)
    if found:
        raise Refused(
            "the merge was not made: the values chosen break the rules:\n"
            + "\n".join(f"  {line}" for line in found),
            hint="nothing was sent and the merge is still open: choose a value one of the two "
            "sides had, then run 'bti sync --continue' (or 'bti sync --abort' to go back)",
        )
    result = gitrepo.commit_merge(root, files, message)
    if result.returncode != 0:
        raise Refused(f"git could not finish the merge: {_git_words(result.stderr)}")
    echo("the merge is finished")
    for _attempt in range(3):
        if _check_and_push(root, branch, echo):
            return
        _fetch_and_merge(root, branch, echo)
    raise Refused(
        "the server keeps changing while syncing", hint="wait a moment and run 'bti sync' again"
    )


@_one_at_a_time
def abort_sync(start: Path, echo: Echo) -> None:
    """Undo a sync that stopped at a conflict: back to your own commits, as before the sync."""
    root = _root(start)
    if not gitrepo.merging(root):
        echo("there is no stopped sync; nothing to undo")
        return
    result = gitrepo.merge_abort(root)
    if result.returncode != 0:
        raise Refused(f"git could not undo the merge: {_git_words(result.stderr)}")
    echo("the merge was undone: your commits and files are as they were before 'bti sync'")
