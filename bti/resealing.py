"""`bti seal`: turn sealing on in a repository that has plain case files, or bring sealed cases up
to date with their readers — in one commit, judged like any other.

Sealing an existing repository seals what HEAD holds. Git keeps every earlier version: the plain
files written before stay readable to anyone who has, or gets, a clone. That cannot be undone by
bti (it never rewrites history); a municipality that wants none of it starts a fresh repository
from the sealed state (`bti seal --fresh FOLDER`) and retires the old one.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from bti import gitrepo, sealing
from bti.errors import InputError, Refused
from bti.i18n import _, ngettext
from bti.session import Outcome, Session
from bti.store import CONFIG, render, schema_header


@dataclass
class Sealed:
    outcome: Outcome | None
    sealed: list[str] = field(default_factory=list)  # plain cases sealed now
    rewrapped: list[str] = field(default_factory=list)  # sealed cases given to new readers
    renewed: list[str] = field(default_factory=list)  # a reader gone: a new data key
    unreadable: list[str] = field(default_factory=list)  # sealed cases the keys here do not open
    turned_on: bool = False


def seal_repository(
    session: Session, server_key: str | None, key_files: list[Path], *, commit: bool
) -> Sealed:
    """Seal every plain case and re-seal every sealed case whose readers changed, as one commit
    by a leader whose keys include the server's (so that every case can be opened)."""
    from bti.rules import Context
    from bti.rules.sealed import recipients, tags

    session.person()
    if session.leader() is None:
        raise Refused(_("add the first leader to people.yaml before sealing the repository"))
    repo = session.repo
    config = repo.config
    key = server_key or config.server_key
    if key is None:
        raise InputError(
            _("sealing needs the server's public key: give --server-key"),
            hint=_("'bti hooks install --server PATH' on the server prints it"),
        )
    if config.server_key and server_key and config.server_key != server_key:
        raise Refused(
            _("bti.yaml already names another server key; 'bti seal' does not change it"),
            hint=_("a leader changes server_key in bti.yaml together with the server's key"),
        )
    ring = sealing.keyring()
    for path in key_files:
        try:
            ring.add(*sealing.load_identity(path.expanduser(), sealing.asker()), source=str(path))
        except sealing.SealError as err:
            raise InputError(str(err)) from None
    if not ring.holds(key):
        raise Refused(
            _(
                "sealing a repository needs the server's private key here, so that every case "
                "can be opened and sealed for its readers"
            ),
            hint=_(
                "run it with --key-file SERVER_KEY_FILE (the key 'bti hooks install --server' "
                "made), on a machine the server's key may be on"
            ),
        )
    result = Sealed(None)
    files: list[tuple[Path, str]] = []
    new_config = config
    if config.sealing != "on" or config.server_key != key:
        new_config = config.model_copy(update={"sealing": "on", "server_key": key})
        text = (repo.root / CONFIG).read_text("utf-8")
        files.append((repo.root / CONFIG, render(text, config, new_config, schema_header("bti"))))
        result.turned_on = True
    repo.__dict__["config"] = new_config  # the cases are written under the new settings
    ctx = Context(new_config, repo.people, session.time)
    for path in repo.case_files():
        parsed = repo.parse_file(path)
        if parsed.case is None:
            first = parsed.problems[0]
            raise Refused(
                f"{first.render()}",
                hint=_("correct the file first ('bti validate' lists every problem), then seal"),
            )
        case = parsed.case
        opened = parsed.opened
        if opened is None:
            files.append((path, repo.sealed_text(parsed.text, case, None, case)))
            result.sealed.append(case.id)
            continue
        if not opened.readable:
            result.unreadable.append(case.id)
            continue
        wanted = recipients(case, ctx)
        readers = [reader for reader, _key in wanted]
        want_tags = {sealing.key_tag(k) for _reader, k in wanted}
        if readers == opened.readers and set(tags(opened)) == want_tags:
            continue
        files.append((path, repo.sealed_text(parsed.text, case, opened, case)))
        (result.renewed if set(tags(opened)) - want_tags else result.rewrapped).append(case.id)
    if result.unreadable:
        raise Refused(
            ngettext(
                "{n} sealed case does not open with the keys here, not even the server's: {cases}",
                "{n} sealed cases do not open with the keys here, not even the server's: {cases}",
                len(result.unreadable),
            ).format(n=len(result.unreadable), cases=", ".join(result.unreadable[:5])),
            hint=_("'bti validate' with the server's key says what is wrong with them"),
        )
    if not files:
        result.outcome = None
        return result
    shown = [(repo.relative(path), text) for path, text in files]
    warnings = [v for v in session.judge_many(shown) if not v.is_error]
    from bti import guard

    parts = []
    if result.sealed:
        parts.append(f"{len(result.sealed)} case(s) sealed")
    if result.rewrapped or result.renewed:
        parts.append(f"{len(result.rewrapped) + len(result.renewed)} re-sealed for their readers")
    message = "bti: " + (", ".join(parts) if parts else "sealing turned on")
    sha = guard.write_many_and_commit(repo.root, files, message, session.command, commit=commit)
    result.outcome = Outcome(repo.root / CONFIG, message, sha, warnings, list(session.recovered))
    return result


def plain_versions(root: Path, case_ids: list[str], rev: str = "HEAD") -> int:
    """How many versions of these case files in git's history were written in plain text
    (before the commit that sealed them): what stays readable to anyone with a clone."""
    if not case_ids or gitrepo.rev(root, "HEAD") is None:
        return 0
    paths = [f"cases/{case_id}.yaml" for case_id in case_ids]
    result = gitrepo.run(["log", "--format=%H", rev, "--", *paths], root, check=False)
    return len(result.stdout.split())


def start_fresh(source: Path, target: Path, who: gitrepo.Ident) -> str:
    """A new repository at `target` whose first commit holds HEAD of `source` as it is — sealed
    — and none of its history. The old repository is left as it was."""
    if target.exists() and any(target.iterdir()):
        raise InputError(
            _("{folder} exists and is not empty").format(folder=target),
            hint=_("give a new folder"),
        )
    head = gitrepo.rev(source, "HEAD")
    if head is None:
        raise InputError(_("this repository has no commit to start from"))
    from bti.checks import read_settings
    from bti.models import Config

    shown = gitrepo.run(["show", f"HEAD:{CONFIG}"], source, check=False)
    config = read_settings(shown.stdout.encode("utf-8"), CONFIG, Config)
    if not isinstance(config, Config) or config.sealing != "on":
        raise Refused(
            _("HEAD is not sealed: seal the repository first ('bti seal'), then start afresh")
        )
    target.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", "HEAD"], cwd=source, capture_output=True, check=True
    )  # bytes that are in git already: every case in them is sealed
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    gitrepo.init(target)
    from bti import hooks

    hooks.install(target)
    files = sorted(p for p in target.rglob("*") if p.is_file() and ".git" not in p.parts)
    try:
        return gitrepo.commit(
            target,
            files,
            f"bti: case repository started afresh from the sealed state of {head[:12]}",
        )
    except BaseException:
        shutil.rmtree(target / ".git", ignore_errors=True)
        raise
