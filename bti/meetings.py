"""What goes into a meeting's agenda and minutes: pure functions from a case (or a team and the cases)
to the data the templates print. No I/O, no templates, no git.

The holder calls coordination and evaluation meetings, leads them and writes the minutes (seeds 001 and
003). A team (TOT, ressursteam) discusses a child by case id only when a valid consent covers all of
the team's services; every other case of its services comes up anonymously (seed 004).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from bti.calendar.texts import short_date
from bti.clock import age
from bti.events import outcome_name
from bti.models import Case, Config, Directory, Measure, Team
from bti.words import clock_time, kind_name, level_name, plain_date, step_name

# A measure whose evaluate-by date falls this soon after an evaluation meeting is evaluated in it:
# the holder calls the meeting around the deadlines, rarely on the day.
EVALUATE_AHEAD = dt.timedelta(days=14)
VOICES_SHOWN = 5
# The meetings that evaluate the measures that fall due: the evaluation meeting, and the
# ansvarsgruppe, which follows the plan's measures at every meeting.
EVALUATING = ("evaluation", "ansvarsgruppe")
# Each meeting kind's templates: `{template}-agenda`, `{template}-minutes`.
TEMPLATES = {
    "coordination": "meeting",
    "evaluation": "meeting",
    "ansvarsgruppe": "ansvarsgruppe",
    "ressursteam": "ressursteam",
}
# The ansvarsgruppe is the meeting of level 3 (seeds 001, 003).
ANSVARSGRUPPE_LEVEL = 3

# How the subject takes part, by age: heard from 7 (barnelova § 31), with great weight and
# invited to the meeting from 12; a pregnant woman and a family take part themselves.
Voice = Literal["invited", "heard", "young", "self", "family"]


# -- the pieces a template prints ---------------------------------------------------------------


@dataclass(frozen=True)
class Staff:
    name: str
    email: str
    service: str
    is_holder: bool = False
    measures: tuple[str, ...] = ()


@dataclass(frozen=True)
class SubjectInfo:
    name: str
    kind: str
    age: int
    voice: Voice


@dataclass(frozen=True)
class GuardianInfo:
    name: str
    relation: str
    responsibility: bool
    phone: str | None = None
    email: str | None = None

    @property
    def contact(self) -> str:
        """The phone and email the case holds, as one line ('' when it holds none)."""
        return ", ".join(c for c in (self.phone, self.email) if c)


@dataclass(frozen=True)
class ServiceInfo:
    """An involved service nobody of which is invited by name: the service sends someone."""

    name: str
    external: bool


@dataclass(frozen=True)
class Words:
    date: str
    text: str


@dataclass(frozen=True)
class MeasureInfo:
    id: str
    text: str
    service: str
    responsible: str | None
    due: str | None
    overdue: bool
    evaluate: bool
    last_outcome: str | None
    last_date: str | None


@dataclass(frozen=True)
class ConsentInfo:
    id: str
    services: str
    until: str | None


@dataclass
class CaseMeeting:
    """Everything an agenda or the minutes of a case meeting print."""

    case_id: str
    kind: str
    title: str
    lang: str
    level: int
    level_name: str
    step: int
    step_name: str
    date: str
    date_iso: str
    place: str | None
    municipality: str
    leader: Staff | None
    subject: SubjectInfo
    guardians: list[GuardianInfo]
    staff: list[Staff]
    voices: list[Words]
    since: str | None
    measures: list[MeasureInfo]
    to_evaluate: list[MeasureInfo]
    decisions: list[str]
    consents: list[ConsentInfo]
    consent_missing: bool
    pending_handover: Staff | None
    next_meeting: str | None
    notes: list[str] = field(default_factory=list)
    time: str | None = None  # when the meeting starts, if the holder said
    # The involved services (the owner and those added to the case) nobody of which is invited by
    # name: each is invited and sends whom it chooses (seeds 001, 003).
    services: list[ServiceInfo] = field(default_factory=list)
    # Every involved service by name, owner first: the ansvarsgruppe hears each in turn.
    involved: list[str] = field(default_factory=list)


def _service_name(config: Config, service_id: str) -> str:
    service = config.service(service_id)
    return service.name if service is not None else service_id


def staff(config: Config, people: Directory, email: str, **extra: object) -> Staff:
    person = people.get(email)
    if person is None:
        return Staff(name=email, email=email, service="", **extra)  # type: ignore[arg-type]
    return Staff(
        name=person.name,
        email=person.email,
        service=_service_name(config, person.service),
        **extra,  # type: ignore[arg-type]
    )


def voice_of(case: Case, day: dt.date) -> Voice:
    kind = case.subject.kind
    if kind == "pregnant":
        return "self"
    if kind == "family":
        return "family"
    years = age(case.subject.born, day)
    if years >= 12:
        return "invited"
    return "heard" if years >= 7 else "young"


def _voices(case: Case, since: dt.date | None, lang: str) -> list[Words]:
    """The child's own words since the last meeting, newest last (voice entries; an evaluation's
    voice is logged as one too, so it is not counted twice)."""
    seen: set[str] = set()
    found: list[tuple[dt.date, str]] = []
    for entry in case.log:
        day = entry.time.date()
        if entry.kind == "voice" and (since is None or day > since) and entry.text not in seen:
            seen.add(entry.text)
            found.append((day, entry.text))
    for measure in case.measures:
        for evaluation in measure.evaluations:
            fresh = since is None or evaluation.date > since
            if evaluation.voice and evaluation.voice not in seen and fresh:
                seen.add(evaluation.voice)
                found.append((evaluation.date, evaluation.voice))
    found.sort(key=lambda pair: pair[0])
    return [Words(date=plain_date(lang, d), text=t) for d, t in found[-VOICES_SHOWN:]]


def _measure(
    config: Config, people: Directory, measure: Measure, day: dt.date, lang: str, kind: str
) -> MeasureInfo:
    due = measure.due
    last = measure.evaluations[-1] if measure.evaluations else None
    responsible = staff(config, people, measure.responsible).name if measure.responsible else None
    return MeasureInfo(
        id=measure.id,
        text=measure.text,
        service=_service_name(config, measure.service),
        responsible=responsible,
        due=plain_date(lang, due) if due else None,
        overdue=due is not None and due < day,
        evaluate=kind in EVALUATING and due is not None and due <= day + EVALUATE_AHEAD,
        last_outcome=outcome_name(last.outcome, lang) if last else None,
        last_date=plain_date(lang, last.date) if last else None,
    )


def case_meeting(
    case: Case,
    config: Config,
    people: Directory,
    *,
    kind: str,
    day: dt.date,
    place: str | None,
    lang: str,
    start: dt.time | None = None,
) -> CaseMeeting:
    """The agenda's data: who leads, who is invited, and the items drawn from the case."""
    open_measures = [m for m in case.measures if not m.ended]
    responsible: dict[str, list[str]] = {}
    for m in open_measures:
        if m.responsible:
            responsible.setdefault(m.responsible, []).append(m.id)
    leader = None
    if case.holder:
        leader = staff(
            config,
            people,
            case.holder,
            is_holder=True,
            measures=tuple(responsible.get(case.holder, ())),
        )
    invited = [leader] if leader else []
    for email, ids in responsible.items():
        if email != case.holder:
            invited.append(staff(config, people, email, measures=tuple(ids)))
    present = {p.service for p in invited}
    services, involved = [], []
    for service_id in dict.fromkeys([case.owner_service, *case.services]):
        service = config.service(service_id)
        name = service.name if service is not None else service_id
        involved.append(name)
        if name not in present:
            services.append(ServiceInfo(name, service is not None and service.external))
    last = max((m.date for m in case.meetings if m.date <= day), default=None)
    measures = [_measure(config, people, m, day, lang, kind) for m in open_measures]
    after = sorted(m.due for m in open_measures if m.due is not None and m.due > day)
    pending = case.pending_handover()
    valid = [c for c in case.consents if c.valid_on(day)]
    return CaseMeeting(
        case_id=case.id,
        kind=kind,
        title=kind_name(kind, lang),
        lang=lang,
        level=case.level,
        level_name=level_name(case.level, lang),
        step=case.step,
        step_name=step_name(case.level, case.step, lang),
        date=short_date(lang, day),
        date_iso=day.isoformat(),
        place=place,
        municipality=config.municipality,
        leader=leader,
        subject=SubjectInfo(
            name=case.subject.name,
            kind=case.subject.kind,
            age=age(case.subject.born, day),
            voice=voice_of(case, day),
        ),
        guardians=[
            GuardianInfo(g.name, g.relation, g.responsibility, g.phone, g.email)
            for g in case.guardians
        ],
        staff=invited,
        voices=_voices(case, last, lang),
        since=plain_date(lang, last) if last else None,
        measures=measures,
        to_evaluate=[m for m in measures if m.evaluate],
        decisions=[outcome_name(o, lang) for o in ("end", "continue", "adjust", "refer")],
        consents=[
            ConsentInfo(
                id=c.id,
                services=", ".join(_service_name(config, s) for s in c.services),
                until=plain_date(lang, c.expires) if c.expires else None,
            )
            for c in valid
        ],
        consent_missing=case.level >= 1 and not valid,
        pending_handover=staff(config, people, pending.to) if pending else None,
        next_meeting=short_date(lang, after[0]) if after else None,
        time=clock_time(lang, start) if start is not None else None,
        services=services,
        involved=involved,
    )


# -- team meetings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamedCase:
    id: str
    level: int
    level_name: str
    step: int
    step_name: str
    service: str
    due: str | None
    for_parents: bool = False  # reported to the team on behalf of the parents


@dataclass
class TeamMeeting:
    team: str
    lang: str
    date: str
    date_iso: str
    place: str | None
    rhythm: str | None
    municipality: str
    services: list[str]
    members: list[Staff]
    cases: list[NamedCase]
    anonymous: list[str]
    time: str | None = None  # when the meeting starts, if the caller said


def referred(team: Team, case: Case) -> bool | None:
    """Whether the case is reported to the team (`bti team refer`): None when it is not, else
    whether the latest report was made on behalf of the parents."""
    wanted = team.name.casefold()
    found = [r for r in case.referrals or [] if r.team.casefold() == wanted]
    return found[-1].for_parents if found else None


def team_cases(
    team: Team, cases: list[Case], covered: dict[str, set[str]]
) -> tuple[list[Case], list[Case]]:
    """The open cases the team discusses by id — reported to it in advance (seed 004), with a
    valid consent covering all its services — and the other open cases of its services, which it
    discusses anonymously. `covered` maps a case id to the services its valid consents cover."""
    wanted = set(team.services)
    named, anonymous = [], []
    # Anonymous items are ordered by service, so their order says nothing about the cases.
    for case in sorted(cases, key=lambda c: (c.owner_service, c.id)):
        if case.status != "open":
            continue
        if referred(team, case) is not None and wanted <= covered.get(case.id, set()):
            named.append(case)
        elif case.owner_service in wanted:
            anonymous.append(case)
    return sorted(named, key=lambda c: c.id), anonymous


def team_meeting(
    team: Team,
    config: Config,
    people: Directory,
    named: list[Case],
    anonymous: list[Case],
    *,
    day: dt.date,
    place: str | None,
    lang: str,
    start: dt.time | None = None,
) -> TeamMeeting:
    """The team agenda's data: case ids only, never a name, a birth date or a national id."""

    def soonest(case: Case) -> str | None:
        dues = [m.due for m in case.measures if not m.ended and m.due is not None]
        return plain_date(lang, min(dues)) if dues else None

    return TeamMeeting(
        team=team.name,
        lang=lang,
        date=short_date(lang, day),
        date_iso=day.isoformat(),
        place=place or team.place,
        rhythm=team.rhythm,
        municipality=config.municipality,
        services=[_service_name(config, s) for s in team.services],
        members=[staff(config, people, email) for email in team.members],
        cases=[
            NamedCase(
                id=c.id,
                level=c.level,
                level_name=level_name(c.level, lang),
                step=c.step,
                step_name=step_name(c.level, c.step, lang),
                service=_service_name(config, c.owner_service),
                due=soonest(c),
                for_parents=bool(referred(team, c)),
            )
            for c in named
        ],
        anonymous=[_service_name(config, c.owner_service) for c in anonymous],
        time=clock_time(lang, start) if start is not None else None,
    )
