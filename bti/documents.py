"""The documents people read about meetings and deadlines: a case meeting's agenda and minutes, a
team meeting's, and the list of what is due — rendered from templates and checked by the privacy
rules before anything is written. The command line only prints or writes what these return."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from bti.checks import Parsed
from bti.i18n import N_, _, ngettext, translations
from bti.models import Case
from bti.store import Repository


@dataclass(frozen=True)
class Invite:
    """When a meeting starts, and the calendar invitation to go with its document: where to write
    it (none: no invitation) and how long the meeting lasts."""

    path: Path | None
    start: dt.time | None
    minutes: int

    @property
    def begins(self) -> dt.time:
        """The invitation's start: the time given, else nine o'clock."""
        return self.start or dt.time(9, 0)


@dataclass
class Document:
    text: str
    ics: str | None = None
    notes: list[str] = field(default_factory=list)


# The invitation's words, in the document's language.
_SUMMARY = N_("{title} – case {id}")
_DESCRIPTION = N_("Relay log {id}. The agenda comes from the holder.")
# What a privacy refusal names (render.check_document), in the person's language.
_WHAT = {
    "agenda": N_("the agenda"),
    "minutes": N_("the minutes"),
    "ics": N_("the calendar invitation"),
    "deadlines": N_("the calendar of deadlines"),
}
_DUE_HEADINGS = {
    "due": N_("due"),
    "case": N_("case"),
    "when": N_("when"),
    "what": N_("what"),
}
_TEAM_WHAT = {"agenda": N_("the team agenda"), "minutes": N_("the team minutes")}


def _said(message: str) -> str:
    """A message of the tables above, in the person's language."""
    return _(message)


def case_document(
    document: str,
    case_id: str,
    kind: str,
    day: dt.date | None,
    place: str | None,
    lang: str | None,
    invite: Invite | None,
) -> Document:
    """The agenda or minutes of a case meeting, checked by the privacy rules, with its invitation."""
    from bti import clock, meetings, render
    from bti.errors import Refused
    from bti.store import Repository

    repo = Repository.find()
    case = repo.load_case(case_id).case
    if case.status == "closed":
        raise Refused(
            _("case {id} is closed, so no meetings are held in it").format(id=case.id),
            hint=_("reopen it first: bti case reopen {id} --reason '…'").format(id=case.id),
        )
    notes = _below_level(case, kind)
    lang = lang or repo.config.language
    day = day or clock.today()
    start = invite.start if invite is not None else None
    data = meetings.case_meeting(
        case, repo.config, repo.people, kind=kind, day=day, place=place, lang=lang, start=start
    )
    template = f"{meetings.TEMPLATES[kind]}-{document}"
    text = render.render(repo.root, template, lang, vars(data))
    render.check_document(text, _said(_WHAT[document]))
    ics_text = None
    if invite is not None and invite.path is not None:
        attendees = tuple(p.email for p in data.staff if "@" in p.email)
        invitation = render.Invitation(
            uid=f"bti-{case.id}-{kind}-{day.isoformat()}@bti".lower(),
            summary=translations(lang).gettext(_SUMMARY).format(title=data.title, id=case.id),
            start=dt.datetime.combine(day, invite.begins),
            minutes=invite.minutes,
            description=translations(lang).gettext(_DESCRIPTION).format(id=case.id),
            location=place,
            organizer=case.holder,
            attendees=attendees,
        )
        ics_text = render.invitation_ics(invitation, clock.now(), "BTI")
        # A calendar entry is seen by more people than the agenda: it names the case by id only.
        subject = [render.Subject(case.subject.name, case.id)]
        render.check_document(ics_text, _said(_WHAT["ics"]), subject)
    if invite is not None and invite.path is not None and case.guardians:
        notes.append(
            _(
                "note: the case holds no emails for the guardians — the invitation goes to the "
                "services; invite the family yourself"
            )
        )
    return Document(text, ics_text, notes)


def _below_level(case: Case, kind: str) -> list[str]:
    """An ansvarsgruppe is the meeting of level 3. At level 0 no service may share anything about
    the child, so it cannot meet; at levels 1–2 it may be the meeting that takes the case to
    level 3 and names the holder there (seed 001), so the agenda is written with a warning."""
    from bti.errors import Refused
    from bti.meetings import ANSVARSGRUPPE_LEVEL

    if kind != "ansvarsgruppe" or case.level >= ANSVARSGRUPPE_LEVEL:
        return []
    if case.level == 0:
        raise Refused(
            _(
                "case {id} is at level 0: an ansvarsgruppe shares information between services, "
                "which needs consent and level 3"
            ).format(id=case.id),
            hint=_(
                "hold a coordination meeting within your service (--kind coordination), or "
                "obtain consent and raise the level first"
            ),
        )
    return [
        _(
            "warning: case {id} is at level {level}; an ansvarsgruppe belongs to level 3 — if the "
            "meeting decides so, record it with 'bti level set {id} 3 --reason …'"
        ).format(id=case.id, level=case.level)
    ]


def load_cases(repo: Repository) -> tuple[list[Case], list[str]]:
    """Every case the person can read, and a note for each file that cannot be read and for the
    sealed cases left out (their stand-ins must never reach a document)."""
    parsed, notes = load_parsed(repo)
    return [p.case for p in parsed if p.case is not None], notes


def load_parsed(repo: Repository) -> tuple[list[Parsed], list[str]]:
    """As load_cases, with each case's file version (a sealed one says whom it is sealed for)."""
    from bti.store import left_out

    found, notes, sealed = [], [], 0
    for path in repo.case_files():
        parsed = repo.parse_file(path)
        if parsed.case is None:
            shown = parsed.path
            notes.append(
                _("{path}: cannot be read, left out — run 'bti validate {path}'").format(path=shown)
            )
            continue
        if not parsed.readable:
            sealed += 1
            continue
        found.append(parsed)
    if sealed:
        notes.append(left_out(sealed))
    return found, notes


def team_document(
    document: str,
    name: str,
    day: dt.date | None,
    place: str | None,
    lang: str | None,
    invite: Invite | None,
) -> Document:
    """The agenda or minutes of a team meeting: consented cases by id, the rest anonymously."""
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
        problem = (
            _("there is no team '{name}' in bti.yaml (the teams are: {known})")
            if known
            else _("there is no team '{name}' in bti.yaml (it defines no teams)")
        )
        raise InputError(
            problem.format(name=name, known=known),
            hint=_("define the team under 'teams:' in bti.yaml: name, services, members, rhythm"),
        )
    lang = lang or config.language
    now = clock.now()
    day = day or now.date()
    cases, notes = load_cases(repo)
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
    start = invite.start if invite is not None else None
    data = meetings.team_meeting(
        team, config, repo.people, named, anonymous, day=day, place=place, lang=lang, start=start
    )
    subjects = [render.Subject(c.subject.name, c.id) for c in cases]
    text = render.render(repo.root, f"team-{document}", lang, vars(data))
    render.check_document(text, _said(_TEAM_WHAT[document]), subjects)
    ics_text = None
    if invite is not None and invite.path is not None:
        try:
            organizer: str | None = gitrepo.author(repo.root).email
        except InputError:
            organizer = None
        slug = re.sub(r"[^a-z0-9]+", "-", team.name.lower()).strip("-") or "team"
        invitation = render.Invitation(
            uid=f"bti-team-{slug}-{day.isoformat()}@bti",
            summary=team.name,
            start=dt.datetime.combine(day, invite.begins),
            minutes=invite.minutes,
            description=team.rhythm or "",
            location=data.place,
            organizer=organizer,
            attendees=tuple(team.members),
        )
        ics_text = render.invitation_ics(invitation, now, "BTI")
        render.check_document(ics_text, _said(_WHAT["ics"]), subjects)
    return Document(text, ics_text, notes)


def due_report(
    days: int,
    holder: str | None,
    everyone: bool,
    service: str | None,
    lang: str | None,
    ics: Path | None,
    fmt: str,
) -> Document:
    """`bti due` as text in `fmt`; with `ics`, the deadlines are written to that calendar file."""
    from bti import clock, due, gitrepo, render
    from bti.errors import InputError
    from bti.output import render_rows
    from bti.rules import Context
    from bti.store import Repository

    if everyone and holder:
        raise InputError(_("--all and --holder exclude each other"), hint=_("give one of them"))
    from bti.i18n import current
    from bti.lookup import person_email, service_id

    repo = Repository.find()
    # The list on the screen is in the person's language; the calendar file, a document shared
    # with others, in bti.yaml's (either one --lang when given).
    document_lang = lang or repo.config.language
    lang = lang or current()
    holder = person_email(repo.people, holder) if holder else None
    service = service_id(repo.config, service) if service else None
    who = None if everyone else (holder or gitrepo.author(repo.root).email).lower()
    now = clock.now()
    today = now.date()
    parsed, notes = load_parsed(repo)
    cases = [p.case for p in parsed if p.case is not None]
    found = due.items(cases, repo.config, today, days, lang)
    chosen = due.select(found, holder=who, service=service)
    ctx = Context(repo.config, repo.people, now)
    unsealed = [i for p in parsed for i in due.sealing_items(p, ctx, today, who=who)]
    rows = due.rows(chosen + due.select(unsealed, holder=None, service=service), today, lang)
    if ics is not None:
        shared = due.select(
            due.items(cases, repo.config, today, days, document_lang), holder=who, service=service
        )
        text = render.deadlines_ics(
            due.deadlines(shared, document_lang), now, due.calendar_name(document_lang)
        )
        render.check_document(text, _said(_WHAT["deadlines"]))
        render.write_document(ics, text)
        notes.append(
            ngettext(
                "wrote {n} deadline to {path}", "wrote {n} deadlines to {path}", len(chosen)
            ).format(n=len(chosen), path=ics)
        )
    if fmt == "table":
        if not rows:
            return Document(due.nothing_due(days, lang), None, notes)
        table = render.table(rows, ["due", "case", "when", "what"], fmt, _DUE_HEADINGS, lang)
        return Document(table, None, notes)
    columns = ["due", "case", "kind", "ref", "days", "when", "what"]
    return Document(render_rows(rows, columns, fmt), None, notes)
