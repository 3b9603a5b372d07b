"""Working together: `bti clone`, `bti sync` and the case merge driver git calls.

`bti sync` is the one safe verb over fetch, merge and push. It never rebases or resets: your
commits stay as they are, the server's are merged in with a merge commit (case files by meaning,
through the driver), the result is judged by the same rules the server applies, and only then sent.
When something stops it, it says what, and how to go on or back (`--continue`, `--abort`).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Concatenate, Literal, ParamSpec

from bti import gitrepo, yamlio
from bti.closedwork import Side
from bti.errors import FileProblem, InputError, Refused
from bti.i18n import N_, _, ngettext
from bti.merge import CONFLICT_KEY, Conflict, MergeResult, show
from bti.mergesealed import merge_case_texts
from bti.replay import is_case_path
from bti.store import CONFIG, PEOPLE

REMOTE = "origin"
MESSAGE = "bti sync: merged with the server"
Echo = Callable[[str], None]
P = ParamSpec("P")
Choice = Literal["mine", "theirs"]
Takes = Sequence[tuple[Choice, str]]  # bti sync --take mine|theirs FIELD, as given


def resolve_hint() -> str:
    return _(
        "nothing is lost: the file holds every entry from both sides, and both values of each "
        "field are listed under '{block}:' at its top (in a sealed case, 'bti case edit ID' shows "
        "them opened). Choose a side for each field with 'bti sync --take mine FIELD' or "
        "'bti sync --take theirs FIELD' (FIELD as named above; --take can be given several "
        "times), or keep the right value in each field by hand, delete that block, then run "
        "'bti sync --continue'. To go back to how things were before this sync, run "
        "'bti sync --abort'"
    ).format(block=CONFLICT_KEY)


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
        said = _("{path}: cannot be merged by meaning ({error}); git keeps it as is")
        return DriverResult(1, [said.format(path=path, error=err)])
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
            _("{folder} exists and is not empty").format(folder=target),
            hint=_("name a new folder: bti clone URL FOLDER"),
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    result = gitrepo.clone(url, target)
    if result.returncode != 0:
        raise InputError(
            _("could not clone {url}: {reason}").format(
                url=url, reason=_reach_words(result.stderr)
            ),
            hint=_("check the address and that you have access to it"),
        )
    hooks.install(target)
    gitrepo.fetch_pushed_notes(target, "origin")
    echo(_("cloned {url} into {folder}").format(url=url, folder=target))
    echo("  " + _("installed the hooks and the case merge driver"))
    if not (target / CONFIG).exists():
        echo(
            "  "
            + _(
                "note: there is no {config} yet — run 'bti init' there to start the repository"
            ).format(config=CONFIG)
        )
    return target


# -- sync ---------------------------------------------------------------------------------------


def _one_at_a_time(
    func: Callable[Concatenate[Path, P], None],
) -> Callable[Concatenate[Path, P], None]:
    """Sync holds the clone's lock like every command that commits (bti/lock.py); the merge
    driver git runs during it is a hook and takes no lock."""

    @functools.wraps(func)
    def locked(start: Path, /, *args: P.args, **kwargs: P.kwargs) -> None:
        from bti.lock import locked as clone_locked

        with clone_locked(_root(start)):
            func(start, *args, **kwargs)

    return locked


def _root(start: Path) -> Path:
    root = gitrepo.toplevel(start)
    if root is None:
        raise InputError(
            _("this folder is not in a git repository"),
            hint=_("change to your case repository, or get one with 'bti clone URL'"),
        )
    return root


# What git says when it cannot reach a shared repository, in bti's words (the first that fits).
GIT_SAYS = (
    (
        ("Could not resolve host", "Name or service not known"),
        N_("the server's address could not be found: check the address and the network"),
    ),
    (
        ("Connection refused", "Connection timed out", "Network is unreachable"),
        N_("the server did not answer: check the network, or try again later"),
    ),
    (
        ("Permission denied", "Authentication failed", "could not read Username", "error: 403"),
        N_(
            "the server did not let you in: your key or password was not accepted, or you have no "
            "access to this repository"
        ),
    ),
    (
        ("does not exist", "does not appear to be a git repository", "Repository not found"),
        N_("there is no shared repository at that address"),
    ),
)


def _reach_words(text: str) -> str:
    """Why git could not reach the shared repository: in bti's words when it is a known
    reason, else as git said it."""
    for signs, words in GIT_SAYS:
        if any(sign in text for sign in signs):
            return _(words)
    return _git_words(text)


def _git_words(text: str) -> str:
    lines = [line.removeprefix("fatal: ").removeprefix("error: ") for line in text.splitlines()]
    return "; ".join(line.strip() for line in lines if line.strip()) or _("no reason given")


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
            _(
                "these files have changes that are not committed, so sync did not start:\n{files}"
            ).format(files=shown),
            hint=_(
                "commit them first (the bti commands commit for you), e.g. git add {file} && "
                "git commit -m '<case id>: what changed' — then run 'bti sync' again"
            ).format(file=dirty[0]),
        )


def _ensure_driver(root: Path, echo: Echo) -> None:
    from bti import hooks

    if not hooks.merge_driver_installed(root):
        hooks.install_merge_driver(root)
        echo(_("installed the case merge driver in this clone"))


@_one_at_a_time
def sync(start: Path, echo: Echo, take: Takes = ()) -> None:
    """Fetch, merge with the server (case files by meaning), judge, push. `take`: the side to
    take for fields in conflict, as `bti sync --take` gives them: a sync that stopped at a
    conflict is finished with them, a new one uses them if it stops at one."""
    root = _root(start)
    if gitrepo.merging(root):
        if take:
            _finish(root, echo, take)
            return
        raise Refused(
            _("an earlier 'bti sync' stopped at a conflict that is not resolved yet:")
            + "\n"
            + "\n".join(describe_conflicts(root)),
            hint=resolve_hint(),
        )
    _refuse_uncommitted(root)
    branch = gitrepo.current_branch(root)
    if branch is None:
        raise Refused(
            _("you are not on a branch (git is in 'detached HEAD')"),
            hint=_("go back to your branch first: git switch main"),
        )
    if gitrepo.remote_url(root, REMOTE) is None:
        raise InputError(
            _("this repository has no server ('{remote}') to sync with").format(remote=REMOTE),
            hint=_("get a clone of the shared repository with 'bti clone URL'"),
        )
    _ensure_driver(root, echo)
    for _attempt in range(3):
        if not _fetch_and_merge(root, branch, echo):
            if not take:
                raise _conflict(root)
            _finish(root, echo, take)
            return
        if _check_and_push(root, branch, echo):
            if take:
                echo(_("note: no field was in conflict, so --take was not needed"))
            return
        echo(_("the server got new changes meanwhile; merging them too"))
    raise _keeps_changing()


def _keeps_changing() -> Refused:
    return Refused(
        _("the server keeps changing while syncing"),
        hint=_("wait a moment and run 'bti sync' again"),
    )


def _conflict(root: Path) -> Refused:
    return Refused(
        _("your changes and the server's conflict:") + "\n" + "\n".join(describe_conflicts(root)),
        hint=resolve_hint(),
    )


def _fetch_and_merge(root: Path, branch: str, echo: Echo) -> bool:
    """Fetch and merge the server's commits; False when the merge stopped at a conflict (the
    merge is left open for the person)."""
    fetched = gitrepo.fetch(root, REMOTE)
    if fetched.returncode != 0:
        raise Refused(
            _("could not get the server's changes: {reason}").format(
                reason=_reach_words(fetched.stderr)
            ),
            hint=_(
                "check the network and your access, then run 'bti sync' again; nothing was "
                "changed here"
            ),
        )
    upstream = gitrepo.rev(root, f"refs/remotes/{REMOTE}/{branch}")
    head = gitrepo.rev(root, "HEAD")
    if upstream is None or upstream == head:
        return True
    if head is not None and gitrepo.is_ancestor(root, upstream, head):
        return True
    if head is None or gitrepo.is_ancestor(root, head, upstream):
        result = gitrepo.fast_forward(root, upstream)
        if result.returncode != 0:
            raise Refused(
                _("could not take the server's changes: {reason}").format(
                    reason=_git_words(result.stderr)
                ),
                hint=_("nothing was changed; move the files git names out of the way and retry"),
            )
        n = _count(root, head, upstream)
        echo(
            ngettext(
                "took {n} new commit from the server", "took {n} new commits from the server", n
            ).format(n=n)
        )
        return True
    result = gitrepo.merge(root, upstream, MESSAGE)
    if result.returncode == 0:
        theirs, mine = _count(root, head, upstream), _count(root, upstream, head)
        echo(
            ngettext(
                "merged {n} commit from the server with your {mine}",
                "merged {n} commits from the server with your {mine}",
                theirs,
            ).format(n=theirs, mine=mine)
        )
        for line in result.stderr.splitlines():
            if line.startswith("cases/"):
                echo(f"  {line}")
        return True
    if not gitrepo.merging(root):
        raise Refused(
            _("git could not start the merge: {reason}").format(
                reason=_git_words(result.stderr + result.stdout)
            ),
            hint=_("nothing was changed; do what git asks, then run 'bti sync' again"),
        )
    return False


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
            said = _("{path}: changed on one side and deleted on the other")
        else:
            said = _("{path}: changed on both sides in a way that cannot be combined")
        lines.append("  " + said.format(path=path))
    return lines or ["  " + _("(no file is in conflict any more)")]


def _check_and_push(root: Path, branch: str, echo: Echo) -> bool:
    """Judge what would be sent the way the server does, then push. False when the server
    moved on meanwhile (fetch and merge again)."""
    upstream = gitrepo.rev(root, f"refs/remotes/{REMOTE}/{branch}")
    exclude = [f"refs/remotes/{REMOTE}/{branch}"] if upstream else ["--remotes"]
    has_head = gitrepo.rev(root, "HEAD") is not None
    commits = gitrepo.new_commits(root, ["HEAD"], exclude=exclude) if has_head else []
    if not commits:
        echo(_("up to date: nothing to send"))
        return True
    problems = recheck(root, commits, upstream)
    if problems:
        raise Refused(
            _("nothing was sent: the rules find problems in what would be sent:")
            + "\n"
            + "\n".join(f"  {line}" for line in problems),
            hint=_take_back_hint(len(commits), f"{REMOTE}/{branch}" if upstream else None),
        )
    pushed = gitrepo.push(root, REMOTE, branch)
    if pushed.returncode == 0:
        n = len(commits)
        echo(
            ngettext("sent {n} commit to the server", "sent {n} commits to the server", n).format(
                n=n
            )
        )
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
        _("the server refused your changes:")
        + "\n"
        + "\n".join(f"  {line}" for line in lines or [_reach_words(said)]),
        hint=_(
            "nothing was sent, and nothing here was changed: your commits are kept. Correct what "
            "is named with new commits (the bti commands), then run 'bti sync' again"
        ),
    )


def _take_back_hint(count: int, upstream: str | None) -> str:
    """How to undo commits the rules refuse (made past the hook, e.g. with --no-verify) while
    keeping their files: a correction on top would be refused too, as it leaves them in history."""
    every = f"git reset --soft {upstream}" if upstream else f"git reset --soft HEAD~{count}"
    return ngettext(
        "your {n} unsent commit is kept here. If it was made by hand past the hook "
        "(git commit --no-verify), take it back and keep its files: {command} takes back every "
        "unsent commit, 'git reset HEAD~1' only the last; then put the file right with the bti "
        "commands (a correction is a new entry) and run 'bti sync' again",
        "your {n} unsent commits are kept here. If one was made by hand past the hook "
        "(git commit --no-verify), take the commits back and keep their files: {command} takes "
        "back every unsent commit, 'git reset HEAD~1' only the last; then put the file right "
        "with the bti commands (a correction is a new entry) and run 'bti sync' again",
        count,
    ).format(n=count, command=every)


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
                    _("{problem} (the two sides together; fix it with a new change)").format(
                        problem=violation.render()
                    )
                )
    return lines


# -- going on or back after a conflict ---------------------------------------------------------------


@_one_at_a_time
def continue_sync(start: Path, echo: Echo, take: Takes = ()) -> None:
    """Finish a merge whose conflicts a person has resolved (by hand, or with `take`), then
    judge and push as sync does."""
    _finish(_root(start), echo, take)


def _finish(root: Path, echo: Echo, take: Takes = ()) -> None:
    from bti.checks import parse_case

    if not gitrepo.merging(root):
        raise Refused(_("there is no stopped sync to continue"), hint=_("run 'bti sync'"))
    branch = gitrepo.current_branch(root)
    if branch is None:
        raise Refused(_("you are not on a branch"), hint=_("run 'bti sync --abort'"))
    chosen, taken = _take_sides(root, take, echo) if take else ([], [])
    # The files still marked, and any already staged by an earlier try or changed since.
    files = list(
        dict.fromkeys(gitrepo.unmerged(root) + gitrepo.changed_files(root, untracked=False))
    )
    problems = []
    for path in files:
        file = root / path
        if not file.exists():
            problems.append(
                _("{path}: the file is missing — restore it, a case is never deleted").format(
                    path=path
                )
            )
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
            problems.append(
                _("{path}: still holds git's conflict markers (<<<<<<< … >>>>>>>)").format(
                    path=path
                )
            )
    if problems and taken:
        gitrepo.remerge(root, taken)
    if problems:
        raise Refused(
            _("the conflict is not resolved yet:") + "\n" + "\n".join(f"  {p}" for p in problems),
            hint=resolve_hint(),
        )
    if chosen:
        counted = ", ".join(f"{n} {what}" for what, n in Counter(chosen).items())
        message = f"{MESSAGE} (fields chosen with bti sync --take: {counted})"
    else:
        message = MESSAGE + " (conflicts resolved by hand)"
    preview = gitrepo.merge_commit_preview(root, files, message)
    upstream = gitrepo.rev(root, f"refs/remotes/{REMOTE}/{branch}")
    found = recheck(root, [preview], upstream, tip=preview)
    if found and taken:
        gitrepo.remerge(root, taken)  # in conflict again: the other side can still be taken
    if found:
        raise Refused(
            _("the merge was not made: the values chosen break the rules:")
            + "\n"
            + "\n".join(f"  {line}" for line in found),
            hint=_(
                "nothing was sent and the merge is still open: choose a value one of the two "
                "sides had (by hand, or with 'bti sync --take mine FIELD' or "
                "'bti sync --take theirs FIELD'), then run 'bti sync --continue' (or "
                "'bti sync --abort' to go back)"
            ),
        )
    result = gitrepo.commit_merge(root, files, message)
    if result.returncode != 0:
        raise Refused(
            _("git could not finish the merge: {reason}").format(reason=_git_words(result.stderr))
        )
    echo(_("the merge is finished"))
    for _attempt in range(3):
        if _check_and_push(root, branch, echo):
            return
        if not _fetch_and_merge(root, branch, echo):
            raise _conflict(root)
    raise _keeps_changing()


# -- choosing a side: bti sync --take mine|theirs FIELD -------------------------------------------


@dataclass
class _Open:
    """A case file of the stopped merge whose conflicts are still listed in it."""

    path: str
    texts: tuple[str | None, str, str]
    result: MergeResult


def _open_conflicts(root: Path) -> list[_Open]:
    """The case files of the stopped merge still listing conflicts (a file put right by hand is
    left as the person wrote it), with the fields in conflict, merged with the person's key."""
    found = []
    for path in gitrepo.unmerged(root):
        if not is_case_path(path):
            continue
        try:
            now = yamlio.read_bytes(root / path, path, follow=False).decode("utf-8", "replace")
        except FileProblem:
            continue
        if f"\n{CONFLICT_KEY}:" not in f"\n{now}":
            continue
        base, ours, theirs = (gitrepo.stage_version(root, stage, path) for stage in (1, 2, 3))
        if ours is None or theirs is None:
            continue
        result = merge_case_texts(base, ours, theirs, path, root)
        if result.conflicts:
            found.append(_Open(path, (base, ours, theirs), result))
    return found


def _named(field: str, case_id: str, conflict: Conflict) -> bool:
    """Whether FIELD (as --take gives it: `holder`, or `CASE_ID:holder`) names this conflict."""
    wanted = field.strip()
    if ":" in wanted:
        case, wanted = (part.strip() for part in wanted.split(":", 1))
        if case.upper() != case_id.upper():
            return False
    return wanted.casefold() == conflict.label.casefold()


def _take_sides(root: Path, take: Takes, echo: Echo) -> tuple[list[str], list[str]]:
    """Write each case file of the stopped merge with the chosen side's value in every field
    named by `take`; nothing is written unless every field in conflict has a side. Returns the
    choices (for the merge commit's message) and the files written."""
    found = _open_conflicts(root)
    listed = [
        (item, conflict) for item in found for conflict in item.result.conflicts
    ]  # every field in conflict, in the order sync names them
    several = len({item.result.case_id for item in found}) > 1

    def name(item: _Open, conflict: Conflict) -> str:
        return f"{item.result.case_id}:{conflict.label}" if several else conflict.label

    names = "\n".join(f"  {name(item, c)}" for item, c in listed)
    if not listed:
        raise Refused(
            _("no field of a case is in conflict now, so there is nothing to choose with --take"),
            hint=_("run 'bti sync --continue' to finish the sync, or 'bti sync --abort'"),
        )
    unknown = [
        field
        for _side, field in take
        if not any(_named(field, i.result.case_id, c) for i, c in listed)
    ]
    if unknown:
        raise InputError(
            ngettext(
                "{fields} is not in conflict; the fields in conflict are:",
                "{fields} are not in conflict; the fields in conflict are:",
                len(unknown),
            ).format(fields=", ".join(unknown))
            + "\n"
            + names,
            hint=_("name a field as listed: bti sync --take mine FIELD, or --take theirs FIELD"),
        )
    sides: dict[tuple[str, tuple[str, ...]], Side] = {}
    chosen = []
    for item, conflict in listed:
        picked = {side for side, field in take if _named(field, item.result.case_id, conflict)}
        if len(picked) > 1:
            raise InputError(
                _("{field}: both mine and theirs were chosen; choose one").format(
                    field=name(item, conflict)
                )
            )
        if picked:
            side = picked.pop()
            sides[(item.path, conflict.loc)] = "ours" if side == "mine" else "theirs"
            # Named by case id and side only: a field's path may hold a guardian's name,
            # and a commit message names no one (BTI502).
            chosen.append(f"{item.result.case_id} {side}")
    left = [name(item, c) for item, c in listed if (item.path, c.loc) not in sides]
    if left:
        raise Refused(
            _("a side must be chosen for every field in conflict; these have none yet:")
            + "\n"
            + "\n".join(f"  {field}" for field in left),
            hint=_(
                "add --take mine FIELD or --take theirs FIELD for each of them; nothing was changed"
            ),
        )
    for item in found:
        take_here = {loc: side for (path, loc), side in sides.items() if path == item.path}
        merged = merge_case_texts(*item.texts, item.path, root, take=take_here)
        if not merged.clean:
            raise Refused(
                "\n".join(merged.messages(item.path, "on the server")), hint=resolve_hint()
            )
        yamlio.atomic_write(root / item.path, merged.text)
        for conflict in item.result.conflicts:
            if take_here[conflict.loc] == "ours":
                said = _("{path}: case {case}: {field} — kept yours: {value}")
                value = conflict.ours
            else:
                said = _("{path}: case {case}: {field} — took the server's: {value}")
                value = conflict.theirs
            echo(
                said.format(
                    path=item.path,
                    case=item.result.case_id,
                    field=conflict.label,
                    value=show(value),
                )
            )
    return chosen, [item.path for item in found]


@_one_at_a_time
def abort_sync(start: Path, echo: Echo) -> None:
    """Undo a sync that stopped at a conflict: back to your own commits, as before the sync."""
    root = _root(start)
    if not gitrepo.merging(root):
        echo(_("there is no stopped sync; nothing to undo"))
        return
    result = gitrepo.merge_abort(root)
    if result.returncode != 0:
        raise Refused(
            _("git could not undo the merge: {reason}").format(reason=_git_words(result.stderr))
        )
    echo(_("the merge was undone: your commits and files are as they were before 'bti sync'"))
