"""What needs doing, soonest first: pure functions from the cases to dated items.

Evaluations due or overdue, consents expiring or expired, handover offers waiting for an answer,
level-0 concerns left unclarified, and breaks in follow-up. Items name cases by id only: the list is
read on screens and in calendars that others see. Besides the deadlines, a sealed case that is not
yet sealed for everyone who may read it is shown to whoever can fix that (sealing_items).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bti.models import Case, Config, Consent

if TYPE_CHECKING:
    from bti.checks import Parsed
    from bti.rules import Context
from bti.render import Deadline
from bti.words import plain_date

KINDS = ("evaluation", "consent", "handover", "level0", "followup")

_WHAT: dict[str, dict[str, str]] = {
    "evaluation": {
        "nb": "Tiltak {ref} skal evalueres",
        "nn": "Tiltak {ref} skal evaluerast",
        "en": "Evaluate measure {ref}",
    },
    "consent": {
        "nb": "Samtykke {ref} går ut – forny det, eller sett saken til nivå 0",
        "nn": "Samtykke {ref} går ut – forny det, eller set saka til nivå 0",
        "en": "Consent {ref} expires – renew it, or set the case to level 0",
    },
    "expired": {
        "nb": "Samtykke {ref} har gått ut – forny det, sett saken til nivå 0 eller avslutt den",
        "nn": "Samtykke {ref} har gått ut – forny det, set saka til nivå 0 eller avslutt ho",
        "en": "Consent {ref} has expired – renew it, set the case to level 0, or close it",
    },
    "handover": {
        "nb": "Stafettpinnen ({ref}) er tilbudt og venter på svar: ta imot eller takk nei",
        "nn": "Stafettpinnen ({ref}) er tilboden og ventar på svar: ta imot eller sei nei takk",
        "en": "The baton ({ref}) is offered and awaits an answer: accept or decline",
    },
    "level0": {
        "nb": "På nivå 0 siden {since}: avklar uroen – gå videre til nivå 1 eller avslutt saken",
        "nn": "På nivå 0 sidan {since}: avklar uroa – gå vidare til nivå 1 eller avslutt saka",
        "en": "At level 0 since {since}: clarify the concern – go on to level 1 or close the case",
    },
    "followup": {
        "nb": "Brudd i oppfølgingen: ingenting er loggført siden {since}",
        "nn": "Brot i oppfølginga: ingenting er loggført sidan {since}",
        "en": "Break in follow-up: nothing logged since {since}",
    },
}

_WHEN: dict[str, tuple[str, str, str, str, str]] = {
    # today, in one day, in n days, one day overdue, n days overdue
    "nb": ("i dag", "om 1 dag", "om {n} dager", "1 dag over fristen", "{n} dager over fristen"),
    "nn": ("i dag", "om 1 dag", "om {n} dagar", "1 dag over fristen", "{n} dagar over fristen"),
    "en": ("today", "in 1 day", "in {n} days", "1 day overdue", "{n} days overdue"),
}

_NOTHING = {
    "nb": "Ingenting forfaller de neste {days} dagene.",
    "nn": "Ingenting forfell dei neste {days} dagane.",
    "en": "Nothing is due in the next {days} days.",
}

_CALENDAR = {"nb": "BTI-frister", "nn": "BTI-fristar", "en": "BTI deadlines"}
_DESCRIPTION = {
    "nb": "Stafettlogg {case}. Frist {day}.",
    "nn": "Stafettlogg {case}. Frist {day}.",
    "en": "Relay log {case}. Due {day}.",
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
    return _NOTHING[lang].format(days=days)


def when(day: dt.date, today: dt.date, lang: str) -> str:
    now, one, many, one_late, many_late = _WHEN[lang]
    n = (day - today).days
    if n == 0:
        return now
    if n > 0:
        return one if n == 1 else many.format(n=n)
    return one_late if n == -1 else many_late.format(n=-n)


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
        what = _WHAT[kind][lang].format(ref=ref, to=to, **words)
        shown = "consent" if kind == "expired" else kind
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
    if case.level == 0:
        day = case.opened + dt.timedelta(days=config.rules.level0_days)
        if day <= horizon:
            yield item(day, "level0", since=plain_date(lang, case.opened))
    else:
        last = max((e.time.date() for e in case.log), default=case.opened)
        day = last + dt.timedelta(days=config.rules.followup_days)
        if day <= horizon:
            yield item(day, "followup", since=plain_date(lang, last))


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
    return _CALENDAR[lang]


def deadlines(found: list[Item], lang: str) -> list[Deadline]:
    return [
        Deadline(
            uid=i.uid,
            day=i.day,
            summary=f"{i.case_id}: {i.what}",
            description=_DESCRIPTION[lang].format(case=i.case_id, day=plain_date(lang, i.day)),
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
                f"Not yet readable by {', '.join(behind)} — the next change made with bti "
                "seals it for them ('bti seal' does it now)",
            )
        )
    keyless = sorted(
        email for email in may_read if (p := ctx.people.get(email)) is not None and not p.key
    )
    if keyless:
        found.append(
            item(
                "key",
                f"{', '.join(keyless)} may read it but {'has' if len(keyless) == 1 else 'have'} "
                "no key in people.yaml yet — they run 'bti key init'",
            )
        )
    return found
