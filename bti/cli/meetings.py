"""Meetings and deadlines: agendas and minutes from templates, held meetings in the case, and
`bti due`. Documents are checked by the privacy rules before anything is written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from bti.cli.base import (
    DATE,
    Words,
    change_case,
    echo_out,
    format_option,
    main,
    no_commit_option,
    split_list,
)
from bti.i18n import _

F = TypeVar("F", bound=Callable[..., Any])
LANGS = click.Choice(["nb", "nn", "en"])


class TimeType(click.ParamType):  # type: ignore[type-arg]  # generic only in click ≥ 8.2
    name = "time"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.time):
            return value
        try:
            return dt.time.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(
                _("'{value}' is not a time of day — write it as HH:MM, e.g. 09:30").format(
                    value=value
                ),
                param,
                ctx,
            )


def _document_options(func: F) -> F:
    options = [
        click.argument("case_id", required=False),
        click.option(
            "--kind",
            type=Words(["coordination", "evaluation", "ansvarsgruppe", "ressursteam"]),
            default=None,
            help="samarbeidsmøte (coordination), evalueringsmøte (evaluation), ansvarsgruppe "
            "(level 3) or ressursteam (also the extended one, utvidet nettverksmøte).",
        ),
        click.option("--team", default=None, help="A team from bti.yaml (TOT, ressursteam …)."),
        click.option(
            "--date", "day", type=DATE, default=None, help="Meeting date (default today)."
        ),
        click.option("--place", default=None, help="Where the meeting is held."),
        click.option("--lang", type=LANGS, default=None, help="Language (default: bti.yaml)."),
        click.option(
            "--out",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="Write to this file instead of stdout.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _document(
    document: str,
    case_id: str | None,
    kind: str | None,
    team: str | None,
    day: dt.date | None,
    place: str | None,
    lang: str | None,
    out: Path | None,
    invite: Any = None,
) -> None:
    from bti import documents
    from bti.errors import InputError

    if (case_id is None) == (team is None):
        raise InputError(
            _("name either a case or a team"),
            hint=_(
                "bti meeting {document} CASE_ID --kind coordination, or "
                "bti meeting {document} --team NAME --date YYYY-MM-DD"
            ).format(document=document),
        )
    if team is not None:
        if kind is not None:
            raise InputError(
                _("--kind is for case meetings; a team meeting has none"),
                hint=_("leave out --kind, or name a case instead of --team"),
            )
        _emit(out, documents.team_document(document, team, day, place, lang, invite), invite)
        return
    if kind is None:
        raise InputError(
            _(
                "say which meeting: --kind coordination (samarbeidsmøte) or --kind evaluation "
                "(evalueringsmøte)"
            )
        )
    assert case_id is not None
    _emit(out, documents.case_document(document, case_id, kind, day, place, lang, invite), invite)


@main.group()
def meeting() -> None:
    """Meetings: agendas and minutes from templates, and held meetings in the case.

    A case meeting (samarbeidsmøte, evalueringsmøte) is called and led by the holder. A team
    meeting (TOT, ressursteam) names a case by id only, and only when a valid consent covers all the
    team's services; other cases of its services come up anonymously.
    """


@meeting.command("agenda")
@_document_options
@click.option(
    "--ics",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write a calendar invitation (iCalendar) with the participants' emails.",
)
@click.option(
    "--time",
    "start",
    type=TimeType(),
    default=None,
    help="Start time (HH:MM), shown in the agenda; the invitation of --ics starts at 09:00 "
    "without it.",
)
@click.option(
    "--duration",
    type=click.IntRange(15, 600),
    default=60,
    show_default=True,
    help="Length in minutes, for --ics.",
)
def meeting_agenda(
    case_id: str | None,
    kind: str | None,
    team: str | None,
    day: dt.date | None,
    place: str | None,
    lang: str | None,
    out: Path | None,
    ics: Path | None,
    start: dt.time | None,
    duration: int,
) -> None:
    """The invitation and agenda of a case meeting (CASE_ID --kind …) or a team meeting
    (--team NAME)."""
    from bti.documents import Invite

    invite = Invite(ics, start, duration) if ics is not None or start is not None else None
    _document("agenda", case_id, kind, team, day, place, lang, out, invite)


@meeting.command("minutes")
@_document_options
@click.option(
    "--time",
    "start",
    type=TimeType(),
    default=None,
    help="Start time (HH:MM), shown in the minutes.",
)
def meeting_minutes(
    case_id: str | None,
    kind: str | None,
    team: str | None,
    day: dt.date | None,
    place: str | None,
    lang: str | None,
    out: Path | None,
    start: dt.time | None,
) -> None:
    """Minutes to fill in, with the same structure as the agenda. A team's minutes name no child."""
    from bti.documents import Invite

    invite = Invite(None, start, 60) if start is not None else None
    _document("minutes", case_id, kind, team, day, place, lang, out, invite)


@meeting.command("record")
@click.argument("case_id")
@click.option(
    "--kind",
    type=Words(["coordination", "evaluation", "ansvarsgruppe", "ressursteam", "team", "other"]),
    required=True,
    help="Which meeting was held.",
)
@click.option("--date", "day", type=DATE, required=True, help="The day it was held.")
@click.option("--participants", default=None, help="Comma-separated: who took part.")
@click.option("--summary", default=None, help="What was agreed, in a few words.")
@no_commit_option
def meeting_record(
    case_id: str,
    kind: str,
    day: dt.date,
    participants: str | None,
    summary: str | None,
    no_commit: bool,
) -> None:
    """Record a held meeting in the case (and a log entry): one judged change, one commit."""
    from pydantic import ValidationError

    from bti import actions
    from bti.errors import InputError

    try:
        change_case(
            case_id,
            actions.record_meeting,
            no_commit,
            kind=kind,
            day=day,
            participants=split_list(participants or ""),
            summary=summary or None,
        )
    except ValidationError as err:
        from bti.checks import schema_message

        raise InputError(
            _("the meeting cannot be recorded: {problem}").format(
                problem=schema_message(err.errors()[0])
            ),
            hint=_("participants are names of at most 200 characters; the summary is plain text"),
        ) from None


@main.command("due")
@click.option(
    "--days",
    type=click.IntRange(0, 3650),
    default=14,
    show_default=True,
    help="Show what falls due within this many days (and everything overdue).",
)
@click.option("--holder", default=None, help="Cases held by this email (default: you).")
@click.option("--all", "everyone", is_flag=True, help="Every open case, whoever holds it.")
@click.option("--service", default=None, help="Only cases this service takes part in.")
@click.option("--lang", type=LANGS, default=None, help="Language (default: bti.yaml).")
@click.option(
    "--ics",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the deadlines to a calendar file (all-day entries).",
)
@format_option()
def due(
    days: int,
    holder: str | None,
    everyone: bool,
    service: str | None,
    lang: str | None,
    ics: Path | None,
    fmt: str,
) -> None:
    """What needs doing, soonest first: evaluations, consents, handover offers, level-0 concerns
    and breaks in follow-up. Cases by id only; by default your tasks: the cases you hold, batons
    offered to you and the measures you are responsible for."""
    from bti.documents import due_report

    report = due_report(days, holder, everyone, service, lang, ics, fmt)
    echo_out(report.text)
    for note in report.notes:
        click.echo(note, err=True)


def _emit(out: Path | None, document: Any, invite: Any) -> None:
    """Write (or print) a document that has passed the privacy check, and its invitation."""
    from bti.render import writable, write_document

    ics = invite.path if invite is not None else None
    for target in (ics, out):
        if target is not None:
            writable(target)
    if ics is not None and document.ics is not None:
        write_document(ics, document.ics)
    if out is not None:
        write_document(out, document.text)
        click.echo(_("wrote {path}").format(path=out), err=True)
    else:
        click.echo(document.text, nl=False)
    if ics is not None:
        click.echo(_("wrote {path}").format(path=ics), err=True)
    for note in document.notes:
        click.echo(note, err=True)
