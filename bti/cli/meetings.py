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
    echo_out,
    format_option,
    main,
    no_commit_option,
    show_outcome,
    split_list,
)

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
            self.fail(f"'{value}' is not a time of day — write it as HH:MM, e.g. 09:30", param, ctx)


def _document_options(func: F) -> F:
    options = [
        click.argument("case_id", required=False),
        click.option(
            "--kind",
            type=click.Choice(["coordination", "evaluation"]),
            default=None,
            help="samarbeidsmøte (coordination) or evalueringsmøte (evaluation).",
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
    invite: tuple[Path, dt.time, int] | None = None,
) -> None:
    from bti.errors import InputError

    if (case_id is None) == (team is None):
        raise InputError(
            "name either a case or a team",
            hint=f"bti meeting {document} CASE_ID --kind coordination, or "
            f"bti meeting {document} --team NAME --date YYYY-MM-DD",
        )
    if team is not None:
        if kind is not None:
            raise InputError(
                "--kind is for case meetings; a team meeting has none",
                hint="leave out --kind, or name a case instead of --team",
            )
        _team_document(document, team, day, place, lang, out, invite)
        return
    if kind is None:
        raise InputError(
            "say which meeting: --kind coordination (samarbeidsmøte) or --kind evaluation "
            "(evalueringsmøte)"
        )
    assert case_id is not None
    _case_document(document, case_id, kind, day, place, lang, out, invite)


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
    default="09:00",
    show_default=True,
    help="Start time, for --ics.",
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
    start: dt.time,
    duration: int,
) -> None:
    """The invitation and agenda of a case meeting (CASE_ID --kind …) or a team meeting
    (--team NAME)."""
    invite = (ics, start, duration) if ics is not None else None
    _document("agenda", case_id, kind, team, day, place, lang, out, invite)


@meeting.command("minutes")
@_document_options
def meeting_minutes(
    case_id: str | None,
    kind: str | None,
    team: str | None,
    day: dt.date | None,
    place: str | None,
    lang: str | None,
    out: Path | None,
) -> None:
    """Minutes to fill in, with the same structure as the agenda. A team's minutes name no child."""
    _document("minutes", case_id, kind, team, day, place, lang, out)


@meeting.command("record")
@click.argument("case_id")
@click.option(
    "--kind",
    type=click.Choice(["coordination", "evaluation", "team", "other"]),
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
    show_outcome(_record(case_id, kind, day, split_list(participants or ""), summary, no_commit))


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
    and breaks in follow-up. Cases by id only; by default the cases you hold."""
    text, note = _due_list(days, holder, everyone, service, lang, ics, fmt)
    echo_out(text)
    if note:
        click.echo(note, err=True)


# -- what the commands do ------------------------------------------------------------------------

_SUMMARY = {"nb": "{title} – sak {id}", "nn": "{title} – sak {id}", "en": "{title} – case {id}"}
_DESCRIPTION = {
    "nb": "Stafettlogg {id}. Dagsorden fra stafettholder.",
    "nn": "Stafettlogg {id}. Dagsorden frå stafetthaldaren.",
    "en": "Relay log {id}. The agenda comes from the holder.",
}
_WHAT = {"agenda": "agenda", "minutes": "minutes", "ics": "calendar invitation"}


def _emit(out: Path | None, text: str, ics: Path | None, ics_text: str | None) -> None:
    """Write (or print) a document that has passed the privacy check, and its invitation."""
    from bti.render import writable, write_document

    for target in (ics, out):
        if target is not None:
            writable(target)
    if ics is not None and ics_text is not None:
        write_document(ics, ics_text)
    if out is not None:
        write_document(out, text)
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(text, nl=False)
    if ics is not None:
        click.echo(f"wrote {ics}", err=True)


def _case_document(
    document: str,
    case_id: str,
    kind: str,
    day: dt.date | None,
    place: str | None,
    lang: str | None,
    out: Path | None,
    invite: tuple[Path, dt.time, int] | None,
) -> None:
    from bti import clock, meetings, render, words
    from bti.errors import Refused
    from bti.store import Repository

    repo = Repository.find()
    case = repo.load_case(case_id).case
    if case.status == "closed":
        raise Refused(
            f"case {case.id} is closed, so no meetings are held in it",
            hint=f"reopen it first: bti case reopen {case.id} --reason '…'",
        )
    lang = lang or repo.config.language
    day = day or clock.today()
    data = meetings.case_meeting(
        case, repo.config, repo.people, kind=kind, day=day, place=place, lang=lang
    )
    text = render.render(repo.root, f"meeting-{document}", lang, vars(data))
    render.check_document(text, f"{words.kind_name(kind, 'en').lower()} {_WHAT[document]}")
    ics_text = None
    if invite is not None:
        attendees = tuple(p.email for p in data.staff if "@" in p.email)
        invitation = render.Invitation(
            uid=f"bti-{case.id}-{kind}-{day.isoformat()}@bti".lower(),
            summary=_SUMMARY[lang].format(title=data.title, id=case.id),
            start=dt.datetime.combine(day, invite[1]),
            minutes=invite[2],
            description=_DESCRIPTION[lang].format(id=case.id),
            location=place,
            organizer=case.holder,
            attendees=attendees,
        )
        ics_text = render.invitation_ics(invitation, clock.now(), "BTI")
        # A calendar entry is seen by more people than the agenda: it names the case by id only.
        render.check_document(ics_text, _WHAT["ics"], [render.Subject(case.subject.name, case.id)])
    _emit(out, text, invite[0] if invite else None, ics_text)
    if invite is not None and case.guardians:
        click.echo(
            "note: the case holds no emails for the guardians — the invitation goes to the "
            "services; invite the family yourself",
            err=True,
        )


def _load_cases(repo: Any) -> list[Any]:
    from bti.checks import parse_case

    cases = []
    for path in repo.case_files():
        shown = repo.relative(path)
        parsed = parse_case(path.read_bytes(), shown)
        if parsed.case is None:
            click.echo(f"{shown}: cannot be read, left out — run 'bti validate {shown}'", err=True)
            continue
        cases.append(parsed.case)
    return cases


def _team_document(
    document: str,
    name: str,
    day: dt.date | None,
    place: str | None,
    lang: str | None,
    out: Path | None,
    invite: tuple[Path, dt.time, int] | None,
) -> None:
    import re

    from bti import clock, gitrepo, meetings, render
    from bti.errors import InputError
    from bti.rules import Context
    from bti.rules.consent import covering
    from bti.store import Repository

    repo = Repository.find()
    config = repo.config
    team = config.team(name)
    if team is None:
        known = ", ".join(t.name for t in config.teams)
        raise InputError(
            f"there is no team '{name}' in bti.yaml"
            + (f" (the teams are: {known})" if known else " (it defines no teams)"),
            hint="define the team under 'teams:' in bti.yaml: name, services, members, rhythm",
        )
    lang = lang or config.language
    now = clock.now()
    day = day or now.date()
    cases = _load_cases(repo)
    covered: dict[str, set[str]] = {}
    for case in cases:
        # Valid both today and on the meeting day: a consent that runs out before the
        # meeting does not let the team name the case.
        sets = []
        for moment in {now, dt.datetime.combine(day, now.timetz())}:
            ctx = Context(config, repo.people, moment)
            sets.append({s for c in covering(case, ctx, honour_expiry=True) for s in c.services})
        covered[case.id] = set.intersection(*sets)
    named, anonymous = meetings.team_cases(team, cases, covered)
    data = meetings.team_meeting(
        team, config, repo.people, named, anonymous, day=day, place=place, lang=lang
    )
    subjects = [render.Subject(c.subject.name, c.id) for c in cases]
    text = render.render(repo.root, f"team-{document}", lang, vars(data))
    render.check_document(text, f"team {_WHAT[document]}", subjects)
    ics_text = None
    if invite is not None:
        try:
            organizer: str | None = gitrepo.author(repo.root).email
        except InputError:
            organizer = None
        slug = re.sub(r"[^a-z0-9]+", "-", team.name.lower()).strip("-") or "team"
        invitation = render.Invitation(
            uid=f"bti-team-{slug}-{day.isoformat()}@bti",
            summary=team.name,
            start=dt.datetime.combine(day, invite[1]),
            minutes=invite[2],
            description=team.rhythm or "",
            location=data.place,
            organizer=organizer,
            attendees=tuple(team.members),
        )
        ics_text = render.invitation_ics(invitation, now, "BTI")
        render.check_document(ics_text, _WHAT["ics"], subjects)
    _emit(out, text, invite[0] if invite else None, ics_text)


def _record(
    case_id: str,
    kind: str,
    day: dt.date,
    participants: list[str],
    summary: str | None,
    no_commit: bool,
) -> Any:
    from typing import cast

    from pydantic import ValidationError

    from bti import actions, words
    from bti.errors import InputError
    from bti.models import Entry, MeetingKind
    from bti.session import Session

    session = Session.start()
    session.person()
    loaded = session.repo.load_case(case_id)
    lang = session.repo.config.language
    try:
        change = actions.record_meeting(
            loaded.case,
            session.act,
            kind=cast(MeetingKind, kind),
            day=day,
            participants=participants,
            summary=summary or None,
        )
        text = words.held_text(kind, day, lang, summary or None)
        change.case.log.append(
            Entry(time=session.time, author=session.email, kind="meeting", text=text)
        )
    except ValidationError as err:
        problem = err.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        raise InputError(
            f"the meeting cannot be recorded: {where}: {problem['msg']}",
            hint="participants are names of at most 200 characters; the summary is plain text",
        ) from None
    return session.apply(loaded, change, commit=not no_commit)


def _due_list(
    days: int,
    holder: str | None,
    everyone: bool,
    service: str | None,
    lang: str | None,
    ics: Path | None,
    fmt: str,
) -> tuple[str, str | None]:
    from bti import clock, due, gitrepo, render
    from bti.errors import InputError
    from bti.output import render_rows
    from bti.store import Repository

    if everyone and holder:
        raise InputError("--all and --holder exclude each other", hint="give one of them")
    repo = Repository.find()
    lang = lang or repo.config.language
    who = None if everyone else (holder or gitrepo.author(repo.root).email).lower()
    now = clock.now()
    today = now.date()
    found = due.items(_load_cases(repo), repo.config, today, days, lang)
    chosen = due.select(found, holder=who, service=service)
    rows = due.rows(chosen, today, lang)
    note = None
    if ics is not None:
        text = render.deadlines_ics(due.deadlines(chosen, lang), now, due.calendar_name(lang))
        render.check_document(text, _WHAT["ics"])
        render.write_document(ics, text)
        note = f"wrote {len(chosen)} deadlines to {ics}"
    if fmt == "table":
        if not rows:
            return due.nothing_due(days, lang), note
        return render_rows(rows, ["due", "case", "when", "what"], fmt), note
    return render_rows(rows, ["due", "case", "kind", "ref", "days", "when", "what"], fmt), note
