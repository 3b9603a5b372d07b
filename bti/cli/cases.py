"""Commands on one case: open, list, show, close, reopen; guardians and log entries. Each mutating
command is one judged change and one commit by the acting person."""

from __future__ import annotations

import datetime as dt
from typing import cast

import click

from bti.cli.base import (
    DATE,
    Words,
    change_case,
    echo_out,
    format_option,
    main,
    no_commit_option,
    show_outcome,
)
from bti.i18n import N_, _

NO_CONCERN_TEXT = N_("Concern raised, not yet described.")


@main.group()
def case() -> None:
    """Open, list, show, close and reopen cases (stafettlogger)."""


@case.command("new")
@click.option("--service", required=True, help="The owner service (where the concern arose).")
@click.option("--name", required=True, help="The subject's name (stays inside the case file).")
@click.option("--born", type=DATE, required=True, help="Birth date, YYYY-MM-DD.")
@click.option(
    "--kind",
    type=Words(["child", "youth", "pregnant", "family"]),
    default="child",
    show_default=True,
    help="Whom the case is about.",
)
@click.option("--concern", default=None, help="What you noticed (the concern), in plain words.")
@click.option(
    "--national-id",
    default=None,
    help="Fødselsnummer or D-number, 11 digits. Kept only in subject.national_id.",
)
@no_commit_option
def case_new(
    service: str,
    name: str,
    born: dt.date,
    kind: str,
    concern: str | None,
    national_id: str | None,
    no_commit: bool,
) -> None:
    """Open a case at level 0 with you as owner of the concern and holder."""
    from bti import actions
    from bti.errors import InputError
    from bti.models import SubjectKind
    from bti.session import Session

    session = Session.start()
    session.person()
    if born > session.time.date():
        raise InputError(
            _("the birth date {date} is in the future").format(date=born.isoformat()),
            hint=_("for a pregnant woman, give her own birth date and --kind pregnant"),
        )
    if national_id is not None:
        from bti import nationalid

        national_id = national_id.replace(" ", "")
        if not nationalid.is_valid(national_id):
            raise InputError(
                _("the national id is not valid (11 digits with correct check digits)"),
                hint=_("check the number, or leave --national-id out"),
            )
    from bti.i18n import translations

    # Written into the case file: in the document language (bti.yaml's), like the log entries.
    text = concern or translations(session.repo.config.language).gettext(NO_CONCERN_TEXT)
    from bti.lookup import service_id

    service = service_id(session.repo.config, service)
    case_id = session.repo.new_case_id(session.time.year)
    change = actions.open_case(
        case_id,
        session.act,
        service=service,
        name=name,
        born=born,
        kind=cast(SubjectKind, kind),
        concern=text,
        national_id=national_id,
    )
    outcome = session.apply(None, change, commit=not no_commit)
    show_outcome(outcome)
    echo_out(case_id)


@case.command("list")
@click.option("--level", type=click.IntRange(0, 3), default=None, help="Only cases at this level.")
@click.option("--holder", default=None, help="Only cases held by this email.")
@click.option("--service", default=None, help="Only cases this service takes part in.")
@click.option(
    "--status",
    type=Words(["open", "closed", "all"]),
    default="open",
    show_default=True,
    help="Open, closed or all cases.",
)
@click.option("--names", is_flag=True, help="Also show the subjects' names (off by default).")
@format_option()
def case_list(
    level: int | None, holder: str | None, service: str | None, status: str, names: bool, fmt: str
) -> None:
    """List cases, by id. Names are shown only with --names. Sealed cases you cannot read are
    left out (a line says how many)."""
    from bti.lookup import person_email, service_id
    from bti.output import render_rows
    from bti.store import Repository, left_out

    repo = Repository.find()
    holder = person_email(repo.people, holder) if holder else None
    service = service_id(repo.config, service) if service else None
    rows, broken, sealed = [], [], 0
    for path in repo.case_files():
        parsed = repo.parse_file(path)
        if parsed.case is None:
            broken.append(parsed.path)
            continue
        if not parsed.readable:
            sealed += 1  # its structure is readable, but the list shows only what you may read
            continue
        c = parsed.case
        if (
            (status != "all" and c.status != status)
            or (level is not None and c.level != level)
            or (holder and c.holder != holder)
            or (service and service not in c.services)
        ):
            continue
        last = c.log[-1].time.date() if c.log else c.opened
        rows.append(
            {
                "id": c.id,
                "status": c.status,
                "level": c.level,
                "step": c.step,
                "owner": c.owner_service,
                "services": c.services,
                "holder": c.holder,
                "opened": c.opened,
                "last_entry": last,
                "name": c.subject.name,
            }
        )
    if fmt == "table":  # fits 100 columns: the holder by name, level and step together
        people = {p.email: p.name for p in repo.people.people}
        table = [
            {
                **r,
                "level": f"{r['level']}/{r['step']}",
                "holder": people.get(str(r["holder"]), r["holder"]) if r["holder"] else "",
            }
            for r in rows
        ]
        columns = ["id", "status", "level", "owner", "services", "holder", "last_entry"]
        columns += ["name"] if names else []
        widths = {"owner": 12, "services": 22, "holder": 18, "name": 18}
        echo_out(render_rows(table, columns, fmt, widths=widths))
    else:
        columns = [
            "id",
            "status",
            "level",
            "step",
            "owner",
            "services",
            "holder",
            "opened",
            "last_entry",
        ] + (["name"] if names else [])
        echo_out(render_rows(rows, columns, fmt))
    for shown in broken:
        click.echo(
            _("{file}: cannot be read — run 'bti validate {file}'").format(file=shown), err=True
        )
    if sealed:
        click.echo(left_out(sealed), err=True)


@case.command("show")
@click.argument("case_id")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "yaml", "json"]),
    default="text",
    show_default=True,
    help="text: a readable summary; yaml: the file as it is; json: its data.",
)
def case_show(case_id: str, fmt: str) -> None:
    """Print a case: a readable summary (subject, level and step in words, holder, services,
    consents, open measures, the last log entries), the file as it is (yaml), or its data (json).
    A sealed case is opened in memory with your key; one you cannot read is refused in one line."""
    from bti import clock
    from bti.store import Repository, shown_text
    from bti.summary import case_summary

    repo = Repository.find()
    loaded = repo.load_case(case_id)
    if fmt == "json":
        echo_out(loaded.case.model_dump_json(indent=2, exclude_none=True, exclude={"sealed"}))
    elif fmt == "yaml":
        echo_out(shown_text(loaded).rstrip("\n"))
    else:
        echo_out(case_summary(loaded.case, repo.config, repo.people, clock.today()))


@case.command("edit")
@click.argument("case_id")
@no_commit_option
def case_edit(case_id: str, no_commit: bool) -> None:
    """Edit a case by hand in your editor ($VISUAL, $EDITOR, else vi), then check and commit it.

    A sealed case is shown opened, in a file kept in memory only (/dev/shm) and deleted when the
    editor closes. The change is checked by the same rules as every command: the history is
    kept as it was, so add new log entries at the end. During a stopped 'bti sync' this is how
    the conflicts in a sealed case are seen and resolved.
    """
    import sys
    from pathlib import Path

    from bti import handedit

    def again(problems: list[str]) -> bool:
        for line in problems:
            click.echo(line, err=True)
        return click.confirm(_("Edit the case again?"), default=True, err=True)

    terminal = sys.stdin.isatty() and sys.stdout.isatty()
    outcome = handedit.edit_case(
        Path.cwd(), case_id, commit=not no_commit, again=again if terminal else None
    )
    if outcome is None:
        click.echo(
            _("no change to case {case}; nothing was written").format(case=case_id.strip().upper())
        )
    else:
        show_outcome(outcome)


@case.command("close")
@click.argument("case_id")
@click.option("--reason", required=True, help="Why the case is closed.")
@no_commit_option
def case_close(case_id: str, reason: str, no_commit: bool) -> None:
    """Close a case. A closed case is kept; it changes again only by reopening it."""
    from bti import actions

    change_case(case_id, actions.close, no_commit, reason=reason)


@case.command("reopen")
@click.argument("case_id")
@click.option("--reason", required=True, help="Why the case is reopened.")
@no_commit_option
def case_reopen(case_id: str, reason: str, no_commit: bool) -> None:
    """Reopen a closed case, with the reason."""
    from bti import actions

    change_case(case_id, actions.reopen, no_commit, reason=reason)


@case.command("correct")
@click.argument("case_id")
@click.option(
    "--field",
    required=True,
    help="What to correct: subject.name, subject.born, subject.kind, subject.national_id, "
    "owner_service, or guardian.N.name / guardian.N.relation / guardian.N.responsibility "
    "(N counts the guardians from 1, as 'bti case show' lists them).",
)
@click.option(
    "--value",
    required=True,
    help="The right value: a date YYYY-MM-DD for subject.born, yes or no for responsibility; "
    "an empty value removes a wrongly recorded national id.",
)
@click.option("--reason", required=True, help="Why the record was wrong (goes into the log).")
@no_commit_option
def case_correct(case_id: str, field: str, value: str, reason: str, no_commit: bool) -> None:
    """Correct whom the case is about, a guardian, or the owner service. The holder or a leader
    only; the log keeps who corrected what and why. A correction never gives a consent that was
    already given an authority it did not have."""
    from bti import corrections

    change_case(case_id, corrections.correct, no_commit, field=field, value=value, reason=reason)


@main.group()
def guardian() -> None:
    """Guardians (foresatte) of the subject."""


@guardian.command("add")
@click.argument("case_id")
@click.option("--name", required=True, help="The guardian's name.")
@click.option("--relation", required=True, help="mor, far, verge, fosterforelder, …")
@click.option(
    "--no-responsibility",
    is_flag=True,
    help="The guardian has no parental responsibility (cannot consent).",
)
@click.option(
    "--phone", default=None, help="Phone number, shown where agendas invite the guardian."
)
@click.option(
    "--email", default=None, help="Email address, shown where agendas invite the guardian."
)
@no_commit_option
def guardian_add(
    case_id: str,
    name: str,
    relation: str,
    no_responsibility: bool,
    phone: str | None,
    email: str | None,
    no_commit: bool,
) -> None:
    """Record a guardian; by default with parental responsibility."""
    from bti import actions

    change_case(
        case_id,
        actions.add_guardian,
        no_commit,
        name=name,
        relation=relation,
        responsibility=not no_responsibility,
        phone=phone,
        email=email,
    )


@guardian.command("remove")
@click.argument("case_id")
@click.argument("name")
@click.option("--reason", required=True, help="Why the guardian was recorded by mistake.")
@no_commit_option
def guardian_remove(case_id: str, name: str, reason: str, no_commit: bool) -> None:
    """Remove a guardian recorded by mistake. The holder or a leader only, with the reason.
    Consents the guardian gave keep their record of who gave them."""
    from bti import corrections

    change_case(case_id, corrections.remove_guardian, no_commit, name=name, reason=reason)


@main.group()
def log() -> None:
    """Log entries: what happened, in the order it happened."""


@log.command("add")
@click.argument("case_id")
@click.argument("text")
@click.option(
    "--kind",
    type=Words(["note", "voice", "meeting"]),
    default="note",
    show_default=True,
    help="note; voice = the child's own words; meeting = a meeting.",
)
@no_commit_option
def log_add(case_id: str, text: str, kind: str, no_commit: bool) -> None:
    """Add an entry to the case's log. Entries are never edited: correct with a new one.

    The holder writes, and staff of a service involved in the case and covered by consent (at
    level 0: staff of the owner service); anyone else asks the holder."""
    from bti import actions

    change_case(case_id, actions.add_entry, no_commit, text=text, kind=kind)
