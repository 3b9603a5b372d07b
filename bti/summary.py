"""A case as a person reads it at a glance (`bti case show`): who, where it stands, who holds the
baton, what is agreed, and what happened last. The full file stays `--format yaml`. Said in the
person's language (i18n.current()); the texts written in the case stay as they were written."""

from __future__ import annotations

import datetime as dt

from bti import words
from bti.i18n import _, current, pgettext
from bti.models import Case, Config, Consent, Directory

LAST_ENTRIES = 5


def _who(people: Directory, email: str | None) -> str:
    if email is None:
        return _("nobody")
    person = people.get(email)
    return f"{person.name} <{email}>" if person is not None else email


def _consent_state(consent: Consent, today: dt.date) -> str:
    if consent.withdrawn is not None and consent.withdrawn.date <= today:
        return _("withdrawn {date}").format(date=consent.withdrawn.date.isoformat())
    if consent.given > today:
        return _("from {date}").format(date=consent.given.isoformat())
    if consent.expires is None:
        return _("valid, no end date")
    if consent.expires < today:
        return _("expired {date}").format(date=consent.expires.isoformat())
    return _("valid until {date}").format(date=consent.expires.isoformat())


def _labels() -> dict[str, str]:
    """The labels at the start of the summary's lines, in the person's language."""
    return {
        "subject": pgettext("case show", "subject"),
        "level": pgettext("case show", "level"),
        "step": pgettext("case show", "step"),
        "holder": pgettext("case show", "holder"),
        "offered": pgettext("case show", "offered"),
        "owner": pgettext("case show", "owner"),
        "services": pgettext("case show", "services"),
    }


def case_summary(
    case: Case, config: Config, people: Directory, today: dt.date, entries: int = LAST_ENTRIES
) -> str:
    """The readable summary of `case` on `today`, in the person's words for levels and steps."""
    lang = current()
    labels = _labels()
    width = max(11, *(len(label) + 2 for label in labels.values()))

    def line(key: str, text: str) -> str:
        return f"{labels[key]}:".ljust(width) + text

    def service(sid: str) -> str:
        found = config.service(sid)
        return f"{found.name} ({sid})" if found is not None else sid

    subject = case.subject
    lines = [
        _("case {case} · {status} · opened {date}").format(
            case=case.id,
            status=words.value_word("status", case.status),
            date=case.opened.isoformat(),
        ),
        line(
            "subject",
            _("{name}, {kind}, born {date}").format(
                name=subject.name,
                kind=words.value_word("subject", subject.kind),
                date=subject.born.isoformat(),
            ),
        ),
        line("level", f"{case.level} — {words.level_name(case.level, lang)}"),
        line("step", f"{case.step} — {words.step_name(case.level, case.step, lang)}"),
        line("holder", _who(people, case.holder)),
    ]
    offer = case.pending_handover()
    if offer is not None:
        since = _("to {person} since {date}").format(
            person=_who(people, offer.to), date=offer.offered.date().isoformat()
        )
        lines.append(line("offered", since))
    lines.append(line("owner", service(case.owner_service)))
    lines.append(line("services", ", ".join(service(s) for s in case.services) or _("none")))
    if case.guardians:
        lines.append(_("guardians:"))
        for g in case.guardians:
            if g.responsibility:
                lines.append(f"  {g.name} ({g.relation})")
            else:
                shown = _("{relation}, without parental responsibility").format(relation=g.relation)
                lines.append(f"  {g.name} ({shown})")
    lines.append(_("consents:") if case.consents else _("consents:  none"))
    for c in case.consents:
        lines.append(
            "  "
            + _("{id}  {services} — {state} (given by {givers})").format(
                id=c.id,
                services=", ".join(c.services),
                state=_consent_state(c, today),
                givers=", ".join(c.given_by),
            )
        )
        if c.form is not None:
            lines.append(
                "    "
                + _("signed form on file: {name} (SHA-256 {digest}…)").format(
                    name=c.form.name, digest=c.form.sha256[:12]
                )
            )
    open_measures = [m for m in case.measures if not m.ended]
    lines.append(_("open measures:") if open_measures else _("open measures: none"))
    for m in open_measures:
        due = m.due
        if due is None:
            when = _("no evaluation date")
        elif due < today:
            when = _("evaluate by {date} (overdue)").format(date=due.isoformat())
        else:
            when = _("evaluate by {date}").format(date=due.isoformat())
        lines.append(
            f"  {m.id}  {m.text} — {service(m.service)}, {_who(people, m.responsible)}, {when}"
        )
    shown_entries = case.log[-entries:] if entries else []
    if shown_entries:
        if len(case.log) > len(shown_entries):
            lines.append(
                _("last log entries (of {n}; 'bti audit log {case}' shows the story):").format(
                    n=len(case.log), case=case.id
                )
            )
        else:
            lines.append(_("last log entries:"))
        for e in shown_entries:
            author = people.get(e.author)
            lines.append(
                f"  {e.time.date().isoformat()}  {author.name if author else e.author}: {e.text}"
            )
    return "\n".join(lines)
