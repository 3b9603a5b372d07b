"""What needs doing, soonest first: pure functions from the cases to dated items.

Evaluations due or overdue, consents expiring or expired, handover offers waiting for an answer,
level-0 concerns left unclarified, and breaks in follow-up. Items name cases by id only: the list is
read on screens and in calendars that others see. Besides the deadlines, a sealed case that is not
yet sealed for everyone who may read it is shown to whoever can fix that (sealing_items).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bti.i18n import N_, _, ngettext, translations
from bti.models import Case, Config, Consent

if TYPE_CHECKING:
    from bti.checks import Parsed
    from bti.rules import Context
from bti.render import Deadline
from bti.words import plain_date

KINDS = ("evaluation", "consent", "handover", "level0", "followup", "chain")

# What each item asks for, translated in the list's language (`lang`: bti.yaml's, or --lang).
_WHAT: dict[str, str] = {
    "evaluation": N_("Evaluate measure {ref}"),
    "consent": N_("Consent {ref} expires – renew it, or set the case to level 0"),
    "expired": N_("Consent {ref} has expired – renew it, set the case to level 0, or close it"),
    "handover": N_("The baton ({ref}) is offered and awaits an answer: accept or decline"),
    "level0": N_(
        "At level 0 since {since}: clarify the concern – go on to level 1 or close the case"
    ),
    "followup": N_("Break in follow-up: nothing logged since {since}"),
    "chain": N_("Chain {ref} ({name}): step {step} of {steps} – {title}"),
    "chain_skipped": N_(
        "Chain {ref} ({name}): step {step} of {steps} – {title} (step {skipped} was skipped)"
    ),
}


@dataclass(frozen=True)
class Item:
    day: dt.date
    case_id: str
    kind: str
    ref: str
    what: str
    holder: str | None
    services: tuple[str, ...]
    to: str | None = None
    responsible: str | None = None  # of the measure an evaluation item is about

    @property
    def uid(self) -> str:
        """Stable across runs: a moved deadline updates its calendar entry, never duplicates it."""
        return f"bti-due-{self.case_id}-{self.kind}-{self.ref or 'case'}@bti".lower()


def nothing_due(days: int, lang: str) -> str:
    t = translations(lang)
    return t.ngettext(
        "Nothing is due in the next {days} day.", "Nothing is due in the next {days} days.", days
    ).format(days=days)


def when(day: dt.date, today: dt.date, lang: str) -> str:
    t = translations(lang)
    n = (day - today).days
    if n == 0:
        return t.gettext("today")
    if n > 0:
        return t.ngettext("in {n} day", "in {n} days", n).format(n=n)
    return t.ngettext("{n} day overdue", "{n} days overdue", -n).format(n=-n)


def _superseded(case: Case, consent: Consent) -> bool:
    """Another consent, in force after this one ends, covers every service this one covers."""
    assert consent.expires is not None
    needed = set(consent.services) & set(case.services)
    for other in case.consents:
        if other is consent or other.withdrawn is not None:
            continue
        if other.expires is None or other.expires > consent.expires:
            needed -= set(other.services)
    return not needed


def _case_items(
    case: Case, config: Config, today: dt.date, horizon: dt.date, lang: str
) -> Iterable[Item]:
    def item(
        day: dt.date,
        kind: str,
        ref: str = "",
        to: str | None = None,
        responsible: str | None = None,
        **words: str,
    ) -> Item:
        what = translations(lang).gettext(_WHAT[kind]).format(ref=ref, to=to, **words)
        shown = {"expired": "consent", "chain_skipped": "chain"}.get(kind, kind)
        services = tuple(case.services)
        return Item(day, case.id, shown, ref, what, case.holder, services, to, responsible)

    for measure in case.measures:
        due = measure.due
        if not measure.ended and due is not None and due <= horizon:
            yield item(due, "evaluation", measure.id, responsible=measure.responsible)
    if case.level >= 1:
        for consent in case.consents:
            expires = consent.expires
            if consent.withdrawn is not None or expires is None or expires > horizon:
                continue
            if set(consent.services) & set(case.services) and not _superseded(case, consent):
                kind = "expired" if expires < today else "consent"
                yield item(expires, kind, consent.id)
    pending = case.pending_handover()
    if pending is not None:
        day = pending.offered.date() + dt.timedelta(days=config.rules.handover_pending_days)
        if day <= horizon:
            yield item(day, "handover", pending.id, to=pending.to)
    yield from _chain_items(case, horizon, item)
    if case.level == 0:
        day = case.opened + dt.timedelta(days=config.rules.level0_days)
        if day <= horizon:
            yield item(day, "level0", since=plain_date(lang, case.opened))
    else:
        last = max((e.time.date() for e in case.log), default=case.opened)
        day = last + dt.timedelta(days=config.rules.followup_days)
        if day <= horizon:
            yield item(day, "followup", since=plain_date(lang, last))


def _chain_items(case: Case, horizon: dt.date, item: Callable[..., Item]) -> Iterator[Item]:
    """The next step of each running chain, with its date; the step before it, if skipped."""
    for chain in case.chains:
        step, due = chain.current, chain.due
        if step is None or due is None or due > horizon:
            continue
        previous = chain.records[-1] if chain.records else None
        skipped = previous is not None and previous.action == "skipped"
        yield item(
            due,
            "chain_skipped" if skipped else "chain",
            chain.id,
            name=chain.name,
            step=str(step),
            steps=str(len(chain.plan)),
            title=chain.plan[step - 1].title,
            skipped=str(previous.step) if previous is not None else "",
        )


def items(
    cases: Iterable[Case], config: Config, today: dt.date, days: int, lang: str
) -> list[Item]:
    """Every item of every open case whose deadline is at most `days` days away, soonest first."""
    horizon = today + dt.timedelta(days=days)
    found = [
        i for c in cases if c.status == "open" for i in _case_items(c, config, today, horizon, lang)
    ]
    return sorted(found, key=lambda i: (i.day, i.case_id, KINDS.index(i.kind), i.ref))


def select(found: list[Item], *, holder: str | None, service: str | None) -> list[Item]:
    """The items of cases `holder` holds, a baton offered to them and the measures they are
    responsible for, in `service`."""
    chosen = []
    for item in found:
        if holder is not None and holder not in (item.holder, item.to, item.responsible):
            continue
        if service is not None and service not in item.services:
            continue
        chosen.append(item)
    return chosen


def rows(found: list[Item], today: dt.date, lang: str) -> list[dict[str, Any]]:
    return [
        {
            "due": i.day,
            "case": i.case_id,
            "kind": i.kind,
            "ref": i.ref or None,
            "days": (i.day - today).days,
            "when": when(i.day, today, lang),
            "what": i.what,
        }
        for i in found
    ]


def calendar_name(lang: str) -> str:
    return translations(lang).gettext("BTI deadlines")


def deadlines(found: list[Item], lang: str) -> list[Deadline]:
    return [
        Deadline(
            uid=i.uid,
            day=i.day,
            summary=f"{i.case_id}: {i.what}",
            description=translations(lang)
            .gettext("Relay log {case}. Due {day}.")
            .format(case=i.case_id, day=plain_date(lang, i.day)),
        )
        for i in found
    ]


def sealing_items(parsed: Parsed, ctx: Context, today: dt.date, *, who: str | None) -> list[Item]:
    """For a sealed case this process can read: the people who may read it but cannot yet, as
    items for `who` (None: everyone) when they can fix it — its holder, or anyone who can read
    it, since any change made with bti seals it for them. Not deadlines: never in a calendar."""
    from bti.rules.sealed import allowed, missing

    case, opened = parsed.case, parsed.opened
    if case is None or opened is None or not opened.readable or case.status != "open":
        return []
    may_read = allowed(case, ctx)
    if who is not None and who != case.holder and who not in may_read:
        return []
    found = []

    def item(ref: str, what: str) -> Item:
        return Item(today, case.id, "sealing", ref, what, case.holder, tuple(case.services))

    behind = missing(case, opened, ctx)
    if behind:
        found.append(
            item(
                "",
                _(
                    "Not yet readable by {people} — the next change made with bti seals it for "
                    "them ('bti seal' does it now)"
                ).format(people=", ".join(behind)),
            )
        )
    keyless = sorted(
        email for email in may_read if (p := ctx.people.get(email)) is not None and not p.key
    )
    if keyless:
        found.append(
            item(
                "key",
                ngettext(
                    "{people} may read it but has no key in people.yaml yet — they run "
                    "'bti key init'",
                    "{people} may read it but have no key in people.yaml yet — they run "
                    "'bti key init'",
                    len(keyless),
                ).format(people=", ".join(keyless)),
            )
        )
    return found
