"""BTI1xx: consent decides who may share. Level ≥ 1 and every involved service need a valid consent.

A consent past its expiry date is only a warning while nothing happens in the case (it shows in
`bti due`); the next change to the case must renew it, bring the case to level 0, or close it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from bti.clock import age, zone
from bti.i18n import N_, _
from bti.lookup import did_you_mean
from bti.models import Basis, Case, Consent, Giver
from bti.rules.core import Context, Finding, change_rule, state_rule

SUBJECT = "subject"
# The corrections a consent's authority rests on, by the role of its giver.
RELIES_ON = {
    "subject": ("subject.kind", "subject.born", "subject.name"),
    "guardian": ("guardian.",),
}


def authority_problem(case: Case, giver: str, on: dt.date, self_age: int) -> str | None:
    """Why `giver` may not consent for this case, or None when they may."""
    subject = case.subject
    if giver in (SUBJECT, subject.name):
        if subject.kind == "pregnant":
            return None
        years = age(subject.born, on)
        if years >= self_age:
            return None
        return _(
            "the subject was {age} on {date}; young people consent on their own from {limit} — "
            "before that the guardians with parental responsibility consent"
        ).format(age=years, date=on.isoformat(), limit=self_age)
    guardian = next((g for g in case.guardians if g.name == giver), None)
    if guardian is None:
        return _(
            "'{giver}' is not a guardian in this case — add them with 'bti guardian add' or name "
            "a guardian with parental responsibility"
        ).format(giver=giver)
    if not guardian.responsibility:
        return _("{giver} has no parental responsibility and cannot consent").format(giver=giver)
    return None


def basis_of(case: Case, given_by: list[str], given: dt.date) -> Basis:
    """Who could consent as the case stands: what a consent records when it is given, and what it
    is judged by from then on (see `Basis`)."""
    givers = []
    for name in given_by:
        guardian = next((g for g in case.guardians if g.name == name), None)
        if name in (SUBJECT, case.subject.name):
            givers.append(Giver(name=name, role="subject"))
        elif guardian is not None:
            givers.append(
                Giver(
                    name=name,
                    role="guardian",
                    relation=guardian.relation,
                    responsibility=guardian.responsibility,
                )
            )
        else:
            givers.append(Giver(name=name, role="other"))
    return Basis(kind=case.subject.kind, age=max(0, age(case.subject.born, given)), givers=givers)


def giver_problem(case: Case, consent: Consent, giver: str, self_age: int) -> str | None:
    """Why `giver` could not give `consent`, or None when they could: judged by the consent's
    recorded basis, or, in files from before bases were recorded, by the case as it stands."""
    basis = consent.basis
    if basis is None:
        return authority_problem(case, giver, consent.given, self_age)
    entry = next((g for g in basis.givers if g.name == giver), None)
    if entry is None or entry.role == "other":
        near = did_you_mean(giver, [g.name for g in case.guardians])
        return _(
            "'{giver}' was not a guardian in this case when the consent was given{near} — add "
            "them with 'bti guardian add' and record a new consent, or name a guardian with "
            "parental responsibility"
        ).format(giver=giver, near=near)
    if entry.role == "guardian":
        if entry.responsibility:
            return None
        return _("{giver} had no parental responsibility when the consent was given").format(
            giver=giver
        )
    if basis.kind == "pregnant" or basis.age >= self_age:
        return None
    return _(
        "the subject was {age} on {date}; young people consent on their own from {limit} — "
        "before that the guardians with parental responsibility consent"
    ).format(age=basis.age, date=consent.given.isoformat(), limit=self_age)


def _in_force(consent: Consent, day: dt.date, *, honour_expiry: bool) -> bool:
    if consent.withdrawn is not None and consent.withdrawn.date <= day:
        return False
    if consent.given > day:
        return False
    return not honour_expiry or consent.expires is None or consent.expires >= day


def _authorised(case: Case, consent: Consent, ctx: Context) -> bool:
    age_limit = ctx.config.rules.self_consent_age
    return all(giver_problem(case, consent, g, age_limit) is None for g in consent.given_by)


def covering(case: Case, ctx: Context, *, honour_expiry: bool) -> list[Consent]:
    return [
        c
        for c in case.consents
        if _in_force(c, ctx.today, honour_expiry=honour_expiry) and _authorised(case, c, ctx)
    ]


def uncovered(case: Case, ctx: Context, *, honour_expiry: bool) -> list[str]:
    covered = {s for c in covering(case, ctx, honour_expiry=honour_expiry) for s in c.services}
    return [s for s in case.services if s not in covered]


def _active(case: Case) -> bool:
    return case.status == "open" and case.level >= 1


@state_rule(
    "BTI101", "error", N_("level 1 or higher needs a valid consent from someone with authority")
)
def needs_consent(case: Case, ctx: Context) -> Iterator[Finding]:
    if _active(case) and not covering(case, ctx, honour_expiry=False):
        yield Finding(
            ("level",),
            _(
                "case is at level {level} without a valid consent — record it with 'bti consent "
                "add' or set level 0 with 'bti level set'"
            ).format(level=case.level),
        )


@state_rule("BTI102", "error", N_("a consent is given by someone without authority to give it"))
def consent_authority(case: Case, ctx: Context) -> Iterator[Finding]:
    for i, consent in enumerate(case.consents):
        if consent.withdrawn is not None:
            continue
        for j, giver in enumerate(consent.given_by):
            problem = giver_problem(case, consent, giver, ctx.config.rules.self_consent_age)
            if problem:
                yield Finding(
                    ("consents", i, "given_by", j),
                    _("consent {id}: {problem}").format(id=consent.id, problem=problem),
                )


@state_rule("BTI103", "error", N_("an involved service is not covered by a valid consent"))
def services_covered(case: Case, ctx: Context) -> Iterator[Finding]:
    if not _active(case):
        return
    for service in uncovered(case, ctx, honour_expiry=False):
        yield Finding(
            ("services", case.services.index(service)),
            _(
                "service '{service}' is involved but no valid consent covers it — record a "
                "consent that names it, or remove it with 'bti service remove'"
            ).format(service=service),
        )


@state_rule("BTI104", "error", N_("at level 0 only the owner service is involved"))
def level0_owner_only(case: Case, ctx: Context) -> Iterator[Finding]:
    if case.level != 0 or case.status != "open":
        return
    for i, service in enumerate(case.services):
        if service != case.owner_service:
            yield Finding(
                ("services", i),
                _(
                    "level 0 is inside the owner service ({owner}); '{service}' may only be "
                    "asked anonymously — remove it, or get consent and go to level 1"
                ).format(owner=case.owner_service, service=service),
            )


@change_rule(
    "BTI105",
    "error",
    N_("a withdrawal must bring the case to level 0 or close it in the same change"),
)
def withdrawal_resolved(before: Case | None, after: Case | None, ctx: Context) -> Iterator[Finding]:
    if after is None:
        return
    earlier = {c.id: c for c in before.consents} if before else {}
    for i, consent in enumerate(after.consents):
        old = earlier.get(consent.id)
        newly = consent.withdrawn is not None and (old is None or old.withdrawn is None)
        if not newly or after.status == "closed" or after.level == 0:
            continue
        if uncovered(after, ctx, honour_expiry=True) or not covering(
            after, ctx, honour_expiry=True
        ):
            yield Finding(
                ("consents", i, "withdrawn"),
                _(
                    "consent {id} is withdrawn but the case stays at level {level} — use 'bti "
                    "consent withdraw', which sets level 0 or closes"
                ).format(id=consent.id, level=after.level),
            )


@state_rule("BTI106", "warning", N_("a consent the case relies on has expired"))
def consent_expired(case: Case, ctx: Context) -> Iterator[Finding]:
    if not _active(case):
        return
    fresh = {s for c in covering(case, ctx, honour_expiry=True) for s in c.services}
    for i, consent in enumerate(case.consents):
        if (
            consent.withdrawn is None
            and consent.expires is not None
            and consent.expires < ctx.today
        ):
            lapsed = [s for s in consent.services if s in case.services and s not in fresh]
            if lapsed:
                yield Finding(
                    ("consents", i, "expires"),
                    _(
                        "consent {id} expired {date} ({services}) — renew it with 'bti consent "
                        "add' before the next change, or bring the case to level 0"
                    ).format(
                        id=consent.id, date=consent.expires.isoformat(), services=", ".join(lapsed)
                    ),
                )


@change_rule(
    "BTI107",
    "error",
    N_(
        "a change to a case whose consent has expired must renew it or leave level ≥ 1",
    ),
)
def expired_blocks_change(
    before: Case | None, after: Case | None, ctx: Context
) -> Iterator[Finding]:
    if after is None or before == after or not _active(after):
        return
    if not covering(after, ctx, honour_expiry=False):
        return  # no consent at all: BTI101 says so
    if not covering(after, ctx, honour_expiry=True):
        yield Finding(
            ("consents",),
            _(
                "the case's consent has expired — renew it with 'bti consent add', or set level 0 "
                "or close the case in this change"
            ),
        )
        return
    lapsed = set(uncovered(after, ctx, honour_expiry=True))
    for service in lapsed - set(uncovered(after, ctx, honour_expiry=False)):
        yield Finding(
            ("services", after.services.index(service)),
            _(
                "the consent covering '{service}' has expired — renew it with 'bti consent add', "
                "or remove the service in this change"
            ).format(service=service),
        )


def _correction_relied_on(case: Case, consent: Consent) -> tuple[str, dt.date] | None:
    """The latest correction, dated after the consent was given, of a fact the consent's givers
    rely on (the subject's age or kind for the subject's own consent; the guardians for theirs)."""
    basis = consent.basis or basis_of(case, consent.given_by, consent.given)
    prefixes = tuple(p for g in basis.givers for p in RELIES_ON.get(g.role, ()))
    latest: tuple[str, dt.date] | None = None
    for entry in case.log:
        if entry.event != "corrected" or not entry.corrects:
            continue
        day = entry.time.astimezone(zone()).date()
        fields = [f for f in entry.corrects if f.startswith(prefixes)]
        if fields and day > consent.given and (latest is None or day >= latest[1]):
            latest = (", ".join(fields), day)
    return latest


@change_rule(
    "BTI108",
    "error",
    N_(
        "a correction or a new guardian gives a consent authority it did not have when it was given"
    ),
)
def no_authority_after_the_fact(
    before: Case | None, after: Case | None, ctx: Context
) -> Iterator[Finding]:
    if before is None or after is None:
        return
    earlier = {c.id: c for c in before.consents}
    for i, consent in enumerate(after.consents):
        old = earlier.get(consent.id)
        if old is None:
            late = _correction_relied_on(after, consent)
            if late is not None:
                yield Finding(
                    ("consents", i, "given"),
                    _(
                        "consent {id} is dated {date}, before {fields} was corrected on "
                        "{corrected} — a correction cannot give authority to a consent given "
                        "before it; ask again and record the consent with today's date"
                    ).format(
                        id=consent.id,
                        date=consent.given.isoformat(),
                        fields=late[0],
                        corrected=late[1].isoformat(),
                    ),
                )
        elif (
            consent.withdrawn is None
            and not _authorised(before, old, ctx)
            and _authorised(after, consent, ctx)
        ):
            yield Finding(
                ("consents", i, "given_by"),
                _(
                    "consent {id} was given by someone without authority, and this change would "
                    "give it authority after the fact — a consent is judged as it was given; "
                    "withdraw it with 'bti consent withdraw' first, and record a new consent "
                    "from someone with authority"
                ).format(id=consent.id),
            )


@change_rule(
    "BTI109", "error", N_("a new consent's record of who could consent does not match the case")
)
def basis_matches(before: Case | None, after: Case | None, ctx: Context) -> Iterator[Finding]:
    if after is None:
        return
    known = {c.id for c in before.consents} if before else set()
    for i, consent in enumerate(after.consents):
        if consent.id in known or consent.basis is None:
            continue
        if consent.basis != basis_of(after, consent.given_by, consent.given):
            yield Finding(
                ("consents", i, "basis"),
                _(
                    "consent {id}: its record of who could consent (basis) does not match the "
                    "subject and guardians in the case — record consents with 'bti consent add', "
                    "which writes it"
                ).format(id=consent.id),
            )
