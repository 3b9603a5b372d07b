"""The git hooks: installing them, and what each one checks when git calls it.

An installed hook is a short shell script with a marker line, pinned to the Python that installed
bti. A hook that was there before is kept beside it and run first, never overwritten; `bti hooks
uninstall` puts it back.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bti import clock, gitrepo, i18n, nationalid
from bti.checks import load_model
from bti.errors import FileProblem, InputError
from bti.i18n import _
from bti.models import Config
from bti.rules import Violation
from bti.rules.settings import BRANCH_DELETED, FOREIGN_REF, NON_FAST_FORWARD
from bti.store import CONFIG

if TYPE_CHECKING:
    from bti.names import NameIndex
    from bti.replay import Judge

MARKER = "# bti-hook: installed by bti"
CLIENT_HOOKS = ("pre-commit", "commit-msg")
SERVER_HOOKS = ("pre-receive", "post-receive")
PREVIOUS = ".bti-previous"

_SCRIPT = """#!/bin/sh
{marker} — 'bti hooks uninstall' removes it and restores any earlier hook.
PYTHON={python}
HERE=$(dirname "$0")
if [ ! -x "$PYTHON" ]; then
    echo {gone} >&2
    exit 1
fi
{body}
"""
_CHAIN = """if [ -x "$HERE/{name}{previous}" ]; then
    "$HERE/{name}{previous}" "$@" || exit $?
fi
exec "$PYTHON" -m bti hook {name} "$@"
"""
# pre-receive reads the pushed refs on standard input, which both hooks need.
_CHAIN_STDIN = """INPUT=$(cat)
if [ -x "$HERE/{name}{previous}" ]; then
    printf '%s\\n' "$INPUT" | "$HERE/{name}{previous}" "$@" || exit $?
fi
printf '%s\\n' "$INPUT" | exec "$PYTHON" -m bti hook {name} "$@"
"""


@dataclass
class HookResult:
    code: int = 0
    lines: list[str] = field(default_factory=list)


def hooks_dir(path: Path) -> Path:
    out = gitrepo.run(["rev-parse", "--git-path", "hooks"], path).stdout.strip()
    folder = Path(out)
    return folder if folder.is_absolute() else (path / folder).resolve()


def _script(name: str) -> str:
    stdin = name in ("pre-receive", "post-receive")  # both read the pushed refs on stdin
    body = (_CHAIN_STDIN if stdin else _CHAIN).format(name=name, previous=PREVIOUS)
    # Said in the language of whoever installs the hook, quoted so the shell takes it as it is.
    gone = _("bti {hook} hook: {python} is gone; run 'bti hooks install' again").format(
        hook=name, python=sys.executable
    )
    return _SCRIPT.format(
        marker=MARKER,
        python=shlex.quote(sys.executable),
        name=name,
        body=body,
        gone=shlex.quote(gone),
    )


def is_ours(path: Path) -> bool:
    try:
        return MARKER in path.read_text("utf-8", errors="replace")
    except OSError:
        return False


def install(path: Path, *, server: bool = False) -> list[Path]:
    """Install the client hooks (or, with `server`, pre-receive) into the repository at `path`."""
    if gitrepo.git_dir(path) is None:
        raise InputError(_("{path} is not a git repository").format(path=path))
    if (
        server
        and gitrepo.run(["rev-parse", "--is-bare-repository"], path, check=False).stdout.strip()
        != "true"
    ):
        raise InputError(
            _(
                "{path} is not a bare repository: the server's hook belongs in the repository "
                "everyone pushes to, which has no working folder"
            ).format(path=path),
            hint=_(
                "make one from this clone with: git clone --bare {path} /srv/git/saker.git — "
                "then install the hook there"
            ).format(path=path),
        )
    folder = hooks_dir(path)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SERVER_HOOKS if server else CLIENT_HOOKS:
        hook = folder / name
        if hook.exists() and not is_ours(hook):
            previous = folder / (name + PREVIOUS)
            if previous.exists():
                raise InputError(
                    _("both {hook} and {previous} exist and neither is bti's").format(
                        hook=hook, previous=previous
                    ),
                    hint=_("move one of them away, then install again"),
                )
            hook.rename(previous)
        from bti.yamlio import atomic_write

        atomic_write(hook, _script(name))
        hook.chmod(0o755)
        written.append(hook)
    if not server:
        install_merge_driver(path)
    return written


SERVER_KEY = "server_ed25519"


def server_key(path: Path, key_file: Path | None = None) -> tuple[Path, str, bool]:
    """The server's sealing key for the bare repository at `path`: `key_file` when given, else
    the one configured (`bti.sealkey`), else a new one made beside the repository's hooks
    (readable by the server's user only). Returns (private key file, public key, made)."""
    from bti import keys
    from bti.sealing import SealError, load_identity

    made = False
    if key_file is None:
        configured = gitrepo.config_get(path, "bti.sealkey")
        git_dir = gitrepo.git_dir(path)
        assert git_dir is not None
        key_file = Path(configured) if configured else git_dir / "bti" / SERVER_KEY
        if not key_file.exists():
            keys.make_key(key_file, "bti-server")
            key_file.chmod(0o600)
            made = True
    key_file = key_file.expanduser().resolve()
    try:
        _, public = load_identity(key_file)
    except SealError as err:
        raise InputError(
            _("the server's key cannot be used: {problem}").format(problem=err),
            hint=_(
                "the server's key is an ed25519 key without a passphrase (the hook has no one to "
                "ask); make one with: ssh-keygen -t ed25519 -N '' -f FILE"
            ),
        ) from None
    gitrepo.config_set(path, "bti.sealkey", str(key_file))
    return key_file, public, made


MERGE_DRIVER = "merge.bti"


def install_merge_driver(path: Path) -> None:
    """The case merge driver that .gitattributes names (`cases/*.yaml merge=bti`). It lives in the
    repository's git config, which a clone does not copy: every clone installs it."""
    command = f"{shlex.quote(sys.executable)} -m bti hook merge-case %O %A %B '%P'"
    gitrepo.config_set(path, f"{MERGE_DRIVER}.name", "bti: case files merge by meaning")
    gitrepo.config_set(path, f"{MERGE_DRIVER}.driver", command)


def merge_driver_installed(path: Path) -> bool:
    return "bti hook merge-case" in (gitrepo.config_get(path, f"{MERGE_DRIVER}.driver") or "")


def uninstall(path: Path, *, server: bool = False) -> list[Path]:
    folder = hooks_dir(path)
    removed = []
    for name in SERVER_HOOKS if server else CLIENT_HOOKS:
        hook = folder / name
        if hook.exists() and is_ours(hook):
            hook.unlink()
            removed.append(hook)
            previous = folder / (name + PREVIOUS)
            if previous.exists():
                previous.rename(hook)
    if not server and merge_driver_installed(path):
        gitrepo.config_unset(path, f"{MERGE_DRIVER}.driver")
        gitrepo.config_unset(path, f"{MERGE_DRIVER}.name")
    return removed


# -- pre-commit and commit-msg ----------------------------------------------------------------


def pre_commit(path: Path) -> HookResult:
    """Judge what the index would commit, as the committing author, the way the server will: the
    same judge over a commit made of the index (a merge concluded by hand has both parents)."""
    from bti.replay import Judge

    root = gitrepo.toplevel(path) or path
    head = gitrepo.rev(root, "HEAD")
    other = gitrepo.rev(root, "MERGE_HEAD") if head else None
    changes = gitrepo.staged_changes(root)
    if not changes:
        return HookResult()
    me = gitrepo.author(root)
    now = clock.now()
    parents = tuple(p for p in (head, other) if p)
    diffs = [changes]
    if other is not None:
        diffs.append(gitrepo.staged_changes(root, against=other))
    commit = gitrepo.Commit(gitrepo.ZERO, parents, me.name, me.email, now.isoformat())
    result = HookResult()
    with gitrepo.ObjectReader(root) as reader:
        first = head is None and not gitrepo.has_refs(root)
        judge = Judge(root, reader, now=now, first_root_allowed=first, check_signing=True)
        if not _is_case_repository(judge, head, changes):
            return result  # not a bti repository: nothing of ours to judge
        config = judge.settings(head).config
        with i18n.use(_language(config.language if config else i18n.configured_language(root))):
            _add(result, [landed.violation for landed in judge.judge(commit, diffs)])
    return result


def _language(configured: str | None) -> str:
    """The language a hook speaks: BTI_LANG (the command that made the commit passes it on, the
    server's administrator may set it), else bti.yaml's `language` (`configured`), else the
    locale — as `i18n.choose` decides."""
    return i18n.choose(None, configured=configured)


def _is_case_repository(judge: Judge, head: str | None, changes: list[gitrepo.FileChange]) -> bool:
    """bti.yaml is in HEAD or being added: bti's hooks judge only bti's repositories."""
    from bti.layout import CONFIG

    return judge.settings(head).blobs[CONFIG] is not None or any(
        c.path == CONFIG and c.new for c in changes
    )


def _add(result: HookResult, violations: Iterable[Violation]) -> None:
    for violation in violations:
        result.lines.append(violation.render())
        if violation.is_error:
            result.code = 1


def commit_msg(path: Path, message_file: Path) -> HookResult:
    """The message may hold no national id, in any disguise, and no name of any subject or
    guardian of the repository (HEAD's cases and the staged ones), on any line, '#' lines too."""
    from bti.namecache import repository_names
    from bti.rules.privacy import message_problems

    root = gitrepo.toplevel(path) or path
    try:
        message = message_file.read_text("utf-8", errors="replace")
    except OSError as err:
        raise InputError(
            _("cannot read the commit message: {problem}").format(problem=err)
        ) from None
    head = "HEAD" if gitrepo.has_head(root) else None
    with gitrepo.ObjectReader(root) as reader:
        names = repository_names(root, head, reader, staged=True)
    result = HookResult()
    with i18n.use(_language(i18n.configured_language(root))):
        _add(result, message_problems(message, names))
        if result.code:
            result.lines.append(
                _(
                    "the commit was stopped; your message is kept in {file} — write it again "
                    "without the name or number"
                ).format(file=message_file)
            )
    return result


# -- pre-receive --------------------------------------------------------------------------------


def _server_config(
    root: Path, refs: Iterable[str] = ("refs/heads/main", "HEAD")
) -> tuple[Config | None, str | None]:
    """bti.yaml as the server holds it, and the ref it was read from: on its main branch (else
    HEAD, or else the first of `refs` that has it); None when there is none or it cannot be
    read."""
    with gitrepo.ObjectReader(root) as reader:
        for ref in refs:
            found = reader.read(f"{ref}:{CONFIG}")
            if found is None:
                continue
            try:
                return load_model(found.decode("utf-8", "replace"), CONFIG, Config), ref
            except (FileProblem, InputError):
                return None, ref
    return None, None


def _protected(config: Config | None) -> list[str]:
    """Protected branches from bti.yaml on the server's main branch, or the default."""
    return config.rules.protected_branches if config is not None else ["main"]


def _pusher(config: Config | None) -> str | None:
    """The pushing person's email, where the server names it (`pusher_env` of bti.yaml on main)."""
    names = ["GITEA_PUSHER_EMAIL", "GL_USER_EMAIL", "BTI_PUSHER_EMAIL"]
    if config is not None:
        names = config.rules.pusher_env
    for name in names:
        value = os.environ.get(name, "").strip()
        if "@" in value:
            return value.lower()
    return None


def pre_receive(path: Path, lines: Iterable[str]) -> HookResult:
    """Check each pushed ref: only branches and tags of commits; no rewrite or deletion of a
    protected branch; and every new commit, in order and each against its parent, passes every
    rule — under its own directory and under the directory of the branch it lands on."""
    root = path
    updates = [tuple(line.split()) for line in lines if len(line.split()) == 3]
    if not updates:
        return HookResult()
    # Nobody's locale reaches a server hook: it speaks the repository's language (bti.yaml as
    # the server holds it, or as the first push brings it), unless the server sets BTI_LANG.
    config, source = _server_config(root)
    on_main = config if source == "refs/heads/main" else None
    speaks = config
    if speaks is None and source is None:  # an empty server: the first push brings bti.yaml
        speaks, _ref = _server_config(root, [n for _o, n, _r in updates if n != gitrepo.ZERO])
    with i18n.use(_language(speaks.language if speaks is not None else None)):
        return _pre_receive(root, updates, config, on_main)


def _pre_receive(
    root: Path, updates: list[tuple[str, ...]], config: Config | None, on_main: Config | None
) -> HookResult:
    from bti.replay import Judge

    result = HookResult()
    protected = {f"refs/heads/{b}" for b in _protected(config)}
    pusher = _pusher(on_main)
    from bti import sealing

    # The server opens every case with its sealing key (`bti hooks install --server` sets it
    # up): one that does not open here is refused, whatever its readers say — also when the
    # key is missing (fail closed: a rule the server cannot judge is not waved through).
    sealing.use(sealing.server_keyring(root))
    main_tip = gitrepo.rev(root, "refs/heads/main") or gitrepo.rev(root, "HEAD")
    judged: set[tuple[str, str | None]] = set()
    with gitrepo.ObjectReader(root) as reader:
        from bti.namecache import repository_names

        # The names of every subject and guardian the server holds, read once per push; the
        # judge adds those of every pushed case version it reads.
        names = repository_names(root, main_tip, reader)
        judge = Judge(
            root,
            reader,
            now=clock.now(),
            first_root_allowed=not gitrepo.has_refs(root),
            names=names,
        )
        for old, new, ref in updates:
            target = _target(result, reader, old, new, ref, protected, judge.names)
            if target is None:
                continue
            landing = old if old != gitrepo.ZERO and ref.startswith("refs/heads/") else main_tip
            for commit, diffs in gitrepo.history(root, gitrepo.new_commits(root, [target])):
                if (commit.sha, landing) in judged:
                    continue
                judged.add((commit.sha, landing))
                for landed in judge.judge(commit, diffs, pusher=pusher, landing=landing):
                    result.lines.append(landed.render())
                    if landed.violation.is_error:
                        result.code = 1
        judge.save()  # the data keys learnt (bti.keyindex): a later push opens only its own
    if result.code:
        result.lines.append(
            _(
                "the push was refused: nothing of it was stored. Fix the commits named above (a "
                "correction is a new commit) and push again."
            )
        )
    return result


def _target(
    result: HookResult,
    reader: gitrepo.ObjectReader,
    old: str,
    new: str,
    ref: str,
    protected: set[str],
    names: NameIndex,
) -> str | None:
    """The commit a ref update brings, or None when there is nothing to judge (a deletion) or the
    update is refused outright (refused updates are added to `result`)."""
    from bti.replay import message_problems, tag_problems

    if not ref.startswith(("refs/heads/", "refs/tags/")):
        _refuse(
            result,
            FOREIGN_REF.violation(
                _(
                    "{ref} is neither a branch nor a tag — a case repository takes branches "
                    "(refs/heads/…) and tags (refs/tags/…) only"
                ).format(ref=ref)
            ),
        )
        return None
    short = ref.split("/", 2)[2]
    for violation in message_problems(short.replace("/", " ").replace("-", " "), names):
        _refuse(result, violation.at(nationalid.masked(ref), 1, 1))  # named after a child
    if new == gitrepo.ZERO:
        if ref in protected:
            _refuse(
                result,
                BRANCH_DELETED.violation(
                    _("{ref} may not be deleted — it holds the cases' history").format(ref=ref)
                ),
            )
        return None
    if old != gitrepo.ZERO and ref in protected and not gitrepo.is_ancestor(reader.path, old, new):
        _refuse(
            result,
            NON_FAST_FORWARD.violation(
                _(
                    "the push to {ref} rewrites history (not a fast-forward) — fetch, merge and "
                    "push again ('bti sync'); history is never rewritten"
                ).format(ref=ref)
            ),
        )
        return None
    target = new
    for _hop in range(8):  # a tag of a tag of …: follow a few, never forever
        info = reader.info(target)
        kind = info[1] if info else "missing"
        if kind == "commit":
            return target
        if kind != "tag" or not ref.startswith("refs/tags/"):
            break
        data = reader.read(target) or b""
        for violation in tag_problems(data, names):
            _refuse(result, violation.at(ref, 1, 1))
        target = data.split(b"\n", 1)[0].removeprefix(b"object ").decode("ascii", "replace")
    _refuse(
        result,
        FOREIGN_REF.violation(
            _(
                "{ref} points to something that is not a commit — tags name commits of the history"
            ).format(ref=ref)
        ),
    )
    return None


def post_receive(path: Path, lines: Iterable[str]) -> HookResult:
    """After a push was taken: where the server names the pusher, record who pushed each new
    commit (a git note on refs/notes/bti/pushed) so the audit can show it beside the signature.
    The signature is the proof of who wrote a commit; the pusher is extra evidence."""
    pusher = _pusher(_server_config(path, ("refs/heads/main",))[0])
    if pusher is None:
        return HookResult()
    now = clock.now().isoformat()
    recorded: dict[str, str] = {}
    for line in lines:
        parts = line.split()
        if len(parts) != 3 or parts[1] == gitrepo.ZERO or not parts[2].startswith("refs/heads/"):
            continue
        old, new, ref = parts
        exclude = [old] if old != gitrepo.ZERO else [f"--exclude={ref}", "--branches"]
        for sha in gitrepo.new_commits(path, [new], exclude):
            recorded.setdefault(sha, f"pushed by {pusher} at {now} to {ref}")
    gitrepo.add_notes(path, gitrepo.PUSHED_NOTES, recorded, f"{len(recorded)} commit(s) pushed")
    return HookResult()


def _refuse(result: HookResult, violation: Violation) -> None:
    result.lines.append(violation.render())
    result.code = 1
