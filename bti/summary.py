"""A case as a person reads it at a glance (`bti case show`): who, where it stands, who holds the
baton, what is agreed, and what happened last. The full file stays `--format yaml`."""

from __future__ import annotations

import datetime as dt

from bti import words
from bti.models import Case, Config, Consent, Directory

LAST_ENTRIES = 5


def _who(people: Directory, email: str | None) -> str:
    if email is None:
        return "nobody"
    person = people.get(email)
    return f"{person.name} <{email}>" if person is not None else email


def _consent_state(consent: Consent, today: dt.date) -> str:
    if consent.withdrawn is not None and consent.withdrawn.date <= today:
        return f"withdrawn {consent.withdrawn.date.isoformat()}"
    if consent.given > today:
        return f"from {consent.given.isoformat()}"
    if consent.expires is None:
        return "valid, no end date"
    if consent.expires < today:
        return f"expired {consent.expires.isoformat()}"
    return f"valid until {consent.expires.isoformat()}"


def case_summary(
    case: Case, config: Config, people: Directory, today: dt.date, entries: int = LAST_ENTRIES
) -> str:
    """The readable summary of `case` on `today`, in the repository's words for levels and steps."""
    lang = config.language

    def service(sid: str) -> str:
        found = config.service(sid)
        return f"{found.name} ({sid})" if found is not None else sid

    subject = case.subject
    lines = [
        f"case {case.id} · {case.status} · opened {case.opened.isoformat()}",
        f"subject:   {subject.name}, {subject.kind}, born {subject.born.isoformat()}",
        f"level:     {case.level} — {words.level_name(case.level, lang)}",
        f"step:      {case.step} — {words.step_name(case.level, case.step, lang)}",
        f"holder:    {_who(people, case.holder)}",
    ]
    offer = case.pending_handover()
    if offer is not None:
        lines.append(f"offered:   to {_who(people, offer.to)} since {offer.offered.date()}")
    lines.append(f"owner:     {service(case.owner_service)}")
    involved = ", ".join(service(s) for s in case.services) or "none"
    lines.append(f"services:  {involved}")
    if case.guardians:
        lines.append("guardians:")
        for g in case.guardians:
            extra = "" if g.responsibility else ", without parental responsibility"
            lines.append(f"  {g.name} ({g.relation}{extra})")
    lines.append("consents:" if case.consents else "consents:  none")
    for c in case.consents:
        lines.append(
            f"  {c.id}  {', '.join(c.services)} — {_consent_state(c, today)} "
            f"(given by {', '.join(c.given_by)})"
        )
    open_measures = [m for m in case.measures if not m.ended]
    lines.append("open measures:" if open_measures else "open measures: none")
    for m in open_measures:
        due = m.due
        when = "no evaluation date" if due is None else f"evaluate by {due.isoformat()}"
        if due is not None and due < today:
            when += " (overdue)"
        lines.append(
            f"  {m.id}  {m.text} — {service(m.service)}, {_who(people, m.responsible)}, {when}"
        )
    shown = case.log[-entries:] if entries else []
    if shown:
        left = len(case.log) - len(shown)
        more = f" (of {len(case.log)}; 'bti audit log {case.id}' shows the story)" if left else ""
        lines.append(f"last log entries{more}:")
        for e in shown:
            author = people.get(e.author)
            lines.append(
                f"  {e.time.date().isoformat()}  {author.name if author else e.author}: {e.text}"
            )
    return "\n".join(lines)
