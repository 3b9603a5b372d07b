"""What the commands do to a case: pure functions from a case to the next version of it.

An action never judges; the rule engine does that on the result, exactly as the hooks will. An action
only refuses what makes no sense as input (an unknown measure, no offer to accept). Every action adds a
log entry and names the change for the commit message, which never carries a name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bti import events
from bti.errors import InputError
from bti.i18n import _
from bti.models import (
    SCHEMA_VERSION,
    Case,
    Concern,
    Consent,
    Entry,
    EntryKind,
    Evaluation,
    Guardian,
    Handover,
    Measure,
    Meeting,
    MeetingKind,
    SignedForm,
    Subject,
    SubjectKind,
    Withdrawal,
    next_id,
)


@dataclass(frozen=True)
class Act:
    """Who acts, when, and in which language the log entries are written."""

    email: str
    time: dt.datetime
    lang: str = "nb"

    @property
    def today(self) -> dt.date:
        return self.time.date()


@dataclass
class Change:
    case: Case
    summary: str
    notes: list[str] = field(default_factory=list)


def _log(
    case: Case, act: Act, text: str, kind: EntryKind = "event", event: str | None = None
) -> None:
    case.log.append(Entry(time=act.time, author=act.email, kind=kind, text=text, event=event))


def _copy(case: Case) -> Case:
    return case.model_copy(deep=True)


def open_case(
    case_id: str,
    act: Act,
    *,
    service: str,
    name: str,
    born: dt.date,
    kind: SubjectKind,
    concern: str,
    national_id: str | None = None,
) -> Change:
    case = Case(
        schema_version=SCHEMA_VERSION,
        id=case_id,
        opened=act.today,
        subject=Subject(kind=kind, name=name, born=born, national_id=national_id),
        concern=Concern(text=concern, noted=act.today, by=act.email),
        owner_service=service,
        services=[service],
        holder=act.email,
    )
    _log(case, act, events.text("opened", act.lang, service=service), event="opened")
    return Change(case, _("opened at level 0"))


def close(case: Case, act: Act, reason: str) -> Change:
    if case.status == "closed":
        raise InputError(_("case {case} is already closed").format(case=case.id))
    new = _copy(case)
    new.status = "closed"
    _log(new, act, events.text("closed", act.lang, reason=reason), event="closed")
    return Change(new, _("closed"))


def reopen(case: Case, act: Act, reason: str) -> Change:
    if case.status == "open":
        raise InputError(_("case {case} is open already").format(case=case.id))
    new = _copy(case)
    new.status = "open"
    _log(new, act, events.text("reopened", act.lang, reason=reason), event="reopened")
    return Change(new, _("reopened"))


def add_guardian(
    case: Case,
    act: Act,
    *,
    name: str,
    relation: str,
    responsibility: bool,
    phone: str | None = None,
    email: str | None = None,
) -> Change:
    if any(g.name == name for g in case.guardians):
        raise InputError(
            _("a guardian with that name is already recorded in case {case}").format(case=case.id)
        )
    phone, email = guardian_contact(phone, email)
    new = _copy(case)
    new.guardians.append(
        Guardian(
            name=name, relation=relation, responsibility=responsibility, phone=phone, email=email
        )
    )
    extra = "" if responsibility else events.text("no_responsibility", act.lang)
    _log(new, act, events.text("guardian", act.lang, relation=relation, extra=extra))
    return Change(new, _("guardian added"))


def guardian_contact(phone: str | None, email: str | None) -> tuple[str | None, str | None]:
    """A guardian's phone and email as given on the command line, checked and tidied: the
    agendas invite the guardian with them."""
    if phone is not None:
        phone = " ".join(phone.split())
        if not re.fullmatch(r"\+?[0-9][0-9 -]{2,23}", phone):
            raise InputError(
                _("'{phone}' is not a phone number").format(phone=phone),
                hint=_("write digits, spaces and an optional leading +, e.g. +47 912 34 567"),
            )
    if email is not None:
        email = email.strip().lower()
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email) or len(email) > 200:
            raise InputError(
                _("'{email}' is not an email address").format(email=email),
                hint=_("write it as name@example.no"),
            )
    return phone or None, email or None


def refer_to_team(case: Case, act: Act, *, team: str, for_parents: bool) -> Change:
    """Report the case to a team (seed 004): recorded in the case and in its log. The rules decide
    whether a valid consent covers the team's services (BTI730)."""
    from bti.i18n import translations
    from bti.models import Referral

    if case.status != "open":
        raise InputError(
            _("case {id} is closed, so it cannot be reported to a team").format(id=case.id)
        )
    new = _copy(case)
    referral = Referral(team=team, date=act.today, by=act.email, for_parents=for_parents)
    new.referrals = [*(new.referrals or []), referral]
    t = translations(act.lang)
    text = (
        t.gettext("Reported to {team} on behalf of the guardians.")
        if for_parents
        else t.gettext("Reported to {team}.")
    ).format(team=team)
    _log(new, act, text, event="referred")
    return Change(new, _("case reported to {team}").format(team=team))


def add_entry(case: Case, act: Act, text: str, kind: EntryKind) -> Change:
    new = _copy(case)
    _log(new, act, text, kind)
    if kind == "voice":
        return Change(new, _("voice entry added"))
    if kind == "meeting":
        return Change(new, _("meeting entry added"))
    return Change(new, _("entry added"))


def add_consent(
    case: Case,
    act: Act,
    *,
    given_by: list[str],
    services: list[str],
    purpose: str,
    given: dt.date,
    expires: dt.date | None,
    form: SignedForm | None = None,
) -> Change:
    from bti.rules.consent import basis_of

    new = _copy(case)
    consent = Consent(
        id=next_id("c", [c.id for c in case.consents]),
        given_by=given_by,
        services=services,
        purpose=purpose,
        given=given,
        expires=expires,
        recorded_by=act.email,
        basis=basis_of(case, given_by, given),
        form=form,
    )
    new.consents.append(consent)
    _log(
        new,
        act,
        events.text(
            "consent", act.lang, id=consent.id, services=", ".join(services), purpose=purpose
        ),
    )
    notes = []
    if expires is not None and expires < act.today:
        # Recorded, not refused: a consent that was given and has run out is a true part of the
        # case's history. It lets no one share, which the holder must hear now, not later.
        notes.append(
            _(
                "consent {id} expired on {date}, so it lets no service share information — ask "
                "for a new consent and record it with 'bti consent add'"
            ).format(id=consent.id, date=expires.isoformat())
        )
    summary = _("consent {id} recorded ({services})").format(
        id=consent.id, services=", ".join(services)
    )
    return Change(new, summary, notes)


def withdraw_consent(
    case: Case, act: Act, consent_id: str, reason: str | None, *, still_covered: bool
) -> Change:
    """Record the withdrawal; unless other consents still cover the case, bring it to level 0."""
    consent = case.consent(consent_id)
    if consent is None:
        raise InputError(
            _("case {case} has no consent {id}").format(case=case.id, id=consent_id),
            hint=_("'bti case show ID' lists the consents"),
        )
    if consent.withdrawn is not None:
        raise InputError(
            _("consent {id} was already withdrawn {date}").format(
                id=consent_id, date=consent.withdrawn.date.isoformat()
            )
        )
    new = _copy(case)
    target = new.consent(consent_id)
    assert target is not None
    target.withdrawn = Withdrawal(date=act.today, by=act.email, reason=reason)
    notes = []
    effect = ""
    if not still_covered and new.status == "open" and new.level > 0:
        new.level, new.step = 0, 1
        new.services = [new.owner_service]
        effect = events.text("to_level0", act.lang)
        notes.append(
            _("the case is now at level 0, inside {service} only").format(service=new.owner_service)
        )
    shown = f" ({reason})" if reason else ""
    text = events.text("withdrawn", act.lang, id=consent_id, reason=shown, effect=effect)
    _log(new, act, text, event="level:0" if effect else None)
    if effect:
        summary = _("consent {id} withdrawn; level 0").format(id=consent_id)
    else:
        summary = _("consent {id} withdrawn").format(id=consent_id)
    return Change(new, summary, notes)


def cancel_offers(change: Change, act: Act, may_receive: Callable[[str], bool]) -> Change:
    """Take back, in the same change, a pending offer to someone who may no longer receive the
    baton (a consent was withdrawn and their service is no longer covered)."""
    new = change.case
    notes = list(change.notes)
    for handover in new.handovers:
        if handover.status != "offered" or may_receive(handover.to):
            continue
        handover.status = "declined"
        handover.answered = act.time
        handover.answer_note = events.text("offer_cancelled", act.lang)
        reason = f" {handover.answer_note}"
        _log(new, act, events.text("retracted", act.lang, to=handover.to, reason=reason))
        notes.append(
            _(
                "the offer {id} to {to} is cancelled: their service is no longer covered by consent"
            ).format(id=handover.id, to=handover.to)
        )
    return Change(new, change.summary, notes)


def release_baton(change: Change, act: Act, may_hold: Callable[[str], bool]) -> Change:
    """A consent withdrawal that leaves the holder outside the case (at level 0 only the owner
    service may hold it) hands the baton back to the owner service, in the same change: the case
    waits, unheld, for a holder there to take it up ('bti handover take'). A withdrawal is never
    refused, so this is how the holder always stays inside a service that may read the case."""
    new = change.case
    if new.holder is None or may_hold(new.holder):
        return change
    holder, new.holder = new.holder, None
    _log(new, act, events.text("released", act.lang, service=new.owner_service, holder=holder))
    note = _(
        "the baton returns to {service}: a holder there takes the case up with "
        "'bti handover take {case}'"
    ).format(service=new.owner_service, case=new.id)
    return Change(new, change.summary, [*change.notes, note])


def take_up(case: Case, act: Act) -> Change:
    """Take up an unheld case at level 0 (one whose baton came back to the owner service)."""
    if case.holder is not None:
        raise InputError(
            _("case {case} has a holder ({holder})").format(case=case.id, holder=case.holder),
            hint=_("the baton moves only when the holder offers it: 'bti handover offer'"),
        )
    new = _copy(case)
    new.holder = act.email
    _log(new, act, events.text("taken_up", act.lang, who=act.email))
    return Change(new, _("case taken up"))


def add_service(case: Case, act: Act, service: str) -> Change:
    if service in case.services:
        raise InputError(
            _("{service} is already involved in case {case}").format(service=service, case=case.id)
        )
    new = _copy(case)
    new.services.append(service)
    _log(new, act, events.text("service_added", act.lang, service=service))
    return Change(new, _("service {service} added").format(service=service))


def remove_service(case: Case, act: Act, service: str) -> Change:
    if service not in case.services:
        raise InputError(
            _("{service} is not involved in case {case}").format(service=service, case=case.id)
        )
    if service == case.owner_service:
        raise InputError(
            _("{service} owns the case and cannot leave it").format(service=service),
            hint=_("hand the case over or close it instead"),
        )
    new = _copy(case)
    new.services.remove(service)
    _log(new, act, events.text("service_removed", act.lang, service=service))
    return Change(new, _("service {service} removed").format(service=service))


def set_level(case: Case, act: Act, level: int, reason: str, step: int | None) -> Change:
    if level == case.level and (step is None or step == case.step):
        raise InputError(
            _("case {case} is already at level {level}").format(case=case.id, level=level)
        )
    new = _copy(case)
    new.level = level
    new.step = step if step is not None else (1 if level != case.level else case.step)
    text = events.text("level", act.lang, old=case.level, new=level, reason=reason)
    _log(new, act, text, event=f"level:{level}")
    return Change(new, _("level {old} → {new}").format(old=case.level, new=level))


def set_step(case: Case, act: Act, step: int, reason: str) -> Change:
    """The step (trinn) within the present level; the reason goes into the log with an event."""
    if step == case.step:
        raise InputError(_("case {case} is already at step {step}").format(case=case.id, step=step))
    new = _copy(case)
    new.step = step
    text = events.text("step", act.lang, old=case.step, new=step, reason=reason)
    _log(new, act, text, event=f"step:{step}")
    return Change(new, _("step {old} → {new}").format(old=case.step, new=step))


def add_measure(
    case: Case,
    act: Act,
    *,
    text: str,
    responsible: str,
    service: str,
    evaluate_by: dt.date,
    start: dt.date | None,
) -> Change:
    new = _copy(case)
    measure = Measure(
        id=next_id("m", [m.id for m in case.measures]),
        text=text,
        service=service,
        responsible=responsible,
        start=start or act.today,
        evaluate_by=evaluate_by,
        added_by=act.email,
    )
    new.measures.append(measure)
    _log(
        new,
        act,
        events.text(
            "measure",
            act.lang,
            id=measure.id,
            service=service,
            by=evaluate_by.isoformat(),
            text=text,
        ),
    )
    return Change(new, _("measure {id} added").format(id=measure.id))


def evaluate_measure(
    case: Case,
    act: Act,
    measure_id: str,
    *,
    outcome: str,
    note: str,
    voice: str | None,
    next_by: dt.date | None,
) -> Change:
    measure = case.measure(measure_id)
    if measure is None:
        raise InputError(
            _("case {case} has no measure {id}").format(case=case.id, id=measure_id),
            hint=_("'bti case show ID' lists the measures"),
        )
    if measure.ended:
        raise InputError(_("measure {id} has already ended").format(id=measure_id))
    new = _copy(case)
    target = new.measure(measure_id)
    assert target is not None
    target.evaluations.append(
        Evaluation(
            date=act.today,
            outcome=outcome,
            note=note,
            voice=voice,
            next_by=next_by,
            by=act.email,
        )
    )
    if voice:
        _log(new, act, voice, "voice")
    label = events.outcome_name(outcome, act.lang)
    _log(new, act, events.text("evaluated", act.lang, id=measure_id, outcome=label, note=note))
    notes = []
    if outcome in ("continue", "adjust") and next_by is None:
        notes.append(
            _("{id} goes on without a new evaluate-by date; give one with --next-by").format(
                id=measure_id
            )
        )
    from bti.words import value_word

    summary = _("measure {id} evaluated: {outcome}").format(
        id=measure_id, outcome=value_word("outcome", outcome)
    )
    return Change(new, summary, notes)


def offer_handover(case: Case, act: Act, to: str, reason: str | None) -> Change:
    new = _copy(case)
    handover = Handover(
        id=next_id("h", [h.id for h in case.handovers]),
        to=to,
        offered_by=act.email,
        offered=act.time,
        reason=reason,
    )
    new.handovers.append(handover)
    shown = f" {reason}" if reason else ""
    _log(new, act, events.text("offered", act.lang, to=to, reason=shown))
    return Change(new, _("handover {id} offered").format(id=handover.id))


def answer_handover(case: Case, act: Act, accept: bool, note: str | None) -> Change:
    pending = case.pending_handover()
    if pending is None:
        raise InputError(_("case {case} has no pending handover offer").format(case=case.id))
    new = _copy(case)
    target = next(h for h in new.handovers if h.id == pending.id)
    target.status = "accepted" if accept else "declined"
    target.answered = act.time
    target.answer_note = note
    if accept:
        new.holder = pending.to
        _log(new, act, events.text("accepted", act.lang, to=pending.to))
    else:
        shown = f" {note}" if note else ""
        retracted = act.email != pending.to  # the offering person takes the offer back
        key = "retracted" if retracted else "declined"
        _log(new, act, events.text(key, act.lang, to=pending.to, reason=shown))
    if accept:
        return Change(new, _("handover {id} accepted").format(id=pending.id))
    return Change(new, _("handover {id} declined").format(id=pending.id))


def record_meeting(
    case: Case,
    act: Act,
    *,
    kind: MeetingKind,
    day: dt.date,
    participants: list[str],
    summary: str | None,
) -> Change:
    new = _copy(case)
    meeting = Meeting(
        id=next_id("mt", [m.id for m in case.meetings]),
        kind=kind,
        date=day,
        participants=participants,
        summary=summary,
        recorded_by=act.email,
    )
    new.meetings.append(meeting)
    from bti.words import held_text

    _log(new, act, held_text(kind, day, act.lang, summary), "meeting")
    return Change(new, _("meeting {id} recorded").format(id=meeting.id))
