"""`bti audit log`, `bti audit verify` and `bti report`: for leaders and reviewers."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from bti.cli.base import DATE, echo_out, format_option, main
from bti.i18n import N_, _, ngettext, pgettext

# Table headings (JSON and CSV keep the English keys).
HEADINGS = {
    "time": N_("time"),
    "who": N_("who"),
    "what": N_("what"),
    "commit": N_("commit"),
    "pushed": N_("pushed by"),
    "author": N_("author"),
    "date": N_("date"),
    "file": N_("file"),
    "line": N_("line"),
    "code": N_("code"),
    "severity": N_("severity"),
    "message": N_("message"),
    "measure": N_("measure"),
    "group": N_("group"),
    "value": N_("value"),
}


def _severity(severity: str) -> str:
    """'error' or 'warning' in the person's language (the same words as a violation line)."""
    if severity == "warning":
        return pgettext("severity", "warning")
    return pgettext("severity", "error")


@main.group()
def audit() -> None:
    """Read a case's history from git, and check that nothing that broke the rules landed."""


@audit.command("log")
@click.argument("case_id")
@click.option(
    "--lang",
    type=click.Choice(["nb", "nn", "en"]),
    default=None,
    help="Language of the story (default: bti.yaml's).",
)
@format_option()
def audit_log(case_id: str, lang: str | None, fmt: str) -> None:
    """The story of one case from git, oldest first: when (Norwegian time), who, and what
    happened."""
    from bti.errors import InputError
    from bti.models import CASE_ID_RE
    from bti.render import table
    from bti.store import Repository
    from bti.story import story, when

    repo = Repository.find()
    case_id = case_id.strip().upper()
    if not CASE_ID_RE.match(case_id):
        raise InputError(
            _("'{case_id}' is not a case id").format(case_id=case_id),
            hint=_("case ids look like 2026-7KQ3M"),
        )
    lines = story(repo.root, case_id, repo.people, lang or repo.config.language)
    if not lines:
        raise InputError(
            _("git has no history of case {case_id}").format(case_id=case_id),
            hint=_("check the id with 'bti case list --status all'"),
        )
    rows = [
        {
            "commit": x.commit[:8] if fmt == "table" else x.commit,
            "time": when(x.time) if fmt == "table" else x.time,
            "who": f"{x.name} <{x.email}>" if fmt == "table" else x.name,
            "email": x.email,
            "what": x.what,
            "pushed": x.pushed,
        }
        for x in lines
    ]
    # Where the server names the pusher it records them: the signature proves who wrote a commit,
    # the pusher is extra evidence.
    shown = ["pushed"] if any(x.pushed for x in lines) else []
    columns = (
        ["time", "who", "what", "commit", *shown]
        if fmt == "table"
        else ["commit", "time", "who", "email", "what", "pushed"]
    )
    echo_out(table(rows, columns, fmt, HEADINGS))


@audit.command("verify")
@click.option(
    "--since", default=None, help="Only commits after this one (a commit, branch or tag)."
)
@click.option("--until", default=None, help="Only commits up to this one (default: HEAD).")
@format_option()
def audit_verify(since: str | None, until: str | None, fmt: str) -> None:
    """Replay every commit through the rules, in order, with its author and time; list every
    violation that landed, and exit 1 if there is any. Judged commits are remembered."""
    from bti import gitrepo
    from bti.audit import verify
    from bti.errors import InputError
    from bti.render import table
    from bti.store import find_root

    # The audit reads history from git: it must work where the working tree lost bti.yaml too.
    root = find_root(Path.cwd()) or gitrepo.toplevel(Path.cwd())
    if root is None:
        raise InputError(
            _("this folder is not in a git repository, so there is no history to verify"),
            hint=_("change to the case repository's folder and run 'bti audit verify' again"),
        )
    show_progress = sys.stderr.isatty() and fmt == "table"

    def progress(done: int, total: int) -> None:
        counted = _("judging commits: {done}/{total}").format(done=f"{done:,}", total=f"{total:,}")
        click.echo("\r" + counted, err=True, nl=done == total)

    result = verify(root, since, until, progress if show_progress else None)
    from bti.story import pushed_by

    pushed = pushed_by(root, sorted({x.commit.sha for x in result.landed}))
    rows = [
        {
            "commit": x.commit.sha[:8] if fmt == "table" else x.commit.sha,
            "author": x.commit.author_email,
            "date": x.commit.time[:10],
            "file": x.violation.path,
            "line": x.violation.line,
            "code": x.violation.code,
            "severity": (
                _severity(x.violation.severity) if fmt == "table" else x.violation.severity
            ),
            "message": x.violation.message,
            "pushed": pushed.get(x.commit.sha, ""),
        }
        for x in result.landed
    ]
    columns = ["commit", "author", "date", "file", "line", "code", "severity", "message"]
    if fmt != "table" or pushed:
        columns.append("pushed")
    if rows or fmt != "table":
        echo_out(table(rows, columns, fmt, HEADINGS))
    errors = sum(x.violation.is_error for x in result.landed)
    summary = ngettext(
        "{commits} commit checked ({judged} judged now, the rest remembered): {errors} errors, "
        "{warnings} warnings",
        "{commits} commits checked ({judged} judged now, the rest remembered): {errors} errors, "
        "{warnings} warnings",
        result.commits,
    ).format(
        commits=f"{result.commits:,}",
        judged=f"{result.judged:,}",
        errors=errors,
        warnings=len(result.landed) - errors,
    )
    if result.shallow:
        summary += " — " + _("a shallow clone: history before its first commit is not checked")
    click.echo(summary, err=True)
    if errors:
        sys.exit(1)


@main.command()
@click.option(
    "--from",
    "start",
    type=DATE,
    default=None,
    help="First day of the period (default: 1 August of the last school year).",
)
@click.option(
    "--to",
    "end",
    type=DATE,
    default=None,
    help="Last day of the period (default: 31 July of the last school year).",
)
@click.option(
    "--lang",
    type=click.Choice(["nb", "nn", "en"]),
    default=None,
    help="Language of the report (default: yours, else bti.yaml's).",
)
@format_option()
def report(start: dt.date | None, end: dt.date | None, lang: str | None, fmt: str) -> None:
    """Anonymised statistics for the evaluation forum: counts, shares and medians only.

    A count from 1 to 4 is hidden ("fewer than 5"); a share or median from fewer than 5 cases is
    not given ("too few cases"). In JSON every value is a number, or null with a note; JSON and CSV
    keep the English words, for machines."""
    from bti import clock
    from bti.errors import InputError
    from bti.i18n import current
    from bti.output import render_rows
    from bti.render import table
    from bti.report import Period, compute
    from bti.store import Repository

    repo = Repository.find()
    default = Period.last_school_year(clock.today())
    period = Period(start or default.start, end or default.end)
    if period.end < period.start:
        raise InputError(_("--to is before --from"), hint=_("give the first day, then the last"))
    cases, unreadable, sealed = [], 0, 0
    for path in repo.case_files():
        parsed = repo.parse_file(path)
        if parsed.case is None:
            unreadable += 1
        else:
            # A sealed case is counted from its structure, which is never sealed (bti.report).
            sealed += not parsed.readable
            cases.append(parsed.case)
    # --lang has set the person's language (bti/cli/base.py); JSON and CSV stay in English.
    words = (lang or current()) if fmt == "table" else "en"
    rows = compute(cases, period, repo.config.rules.followup_days, clock.today(), words)
    if fmt == "table":
        echo_out(
            f"{repo.config.municipality}, {period.start.isoformat()} – {period.end.isoformat()}"
        )
    if fmt == "json":  # numbers as numbers; a hidden figure is null, with why in its note
        columns = ["measure", "group", "value", "unit", "note"]
        echo_out(render_rows(rows, columns, fmt))
    else:
        shown = [{**r, "value": r["shown"]} for r in rows]
        echo_out(table(shown, ["measure", "group", "value"], fmt, HEADINGS))
    if unreadable:
        click.echo(
            ngettext(
                "{n} case file could not be read and is not counted — run 'bti validate'",
                "{n} case files could not be read and are not counted — run 'bti validate'",
                unreadable,
            ).format(n=unreadable),
            err=True,
        )
    if sealed:
        click.echo(
            ngettext(
                "{n} sealed case you cannot read is counted from what is never sealed (dates, "
                "levels, services, events)",
                "{n} sealed cases you cannot read are counted from what is never sealed (dates, "
                "levels, services, events)",
                sealed,
            ).format(n=sealed),
            err=True,
        )
