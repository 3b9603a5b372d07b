"""BTI2xx: the holder keeps the baton until a successor has received and accepted it."""

from __future__ import annotations

from collections.abc import Iterator

from bti.i18n import N_, _
from bti.models import Case, Directory, Handover
from bti.rules.core import Context, Finding, change_rule, state_rule


def holder_or_leader(
    case: Case, who: str | None, people: Directory, *, owner_too: bool = False
) -> bool:
    """`who` is the holder, or a leader of the holder's service (of the owner service while no
    holder is named; with `owner_too`, of the owner service always). The one answer to "holder or
    their leader" for offering, coordinating, correcting, closing and reopening."""
    if not who:
        return False
    if who == case.holder:
        return True
    person = people.get(who)
    if person is None or "leader" not in person.roles:
        return False
    holder = people.get(case.holder)
    services = {holder.service if holder else case.owner_service}
    if owner_too:
        services.add(case.owner_service)
    return person.service in services


def may_offer(case: Case, who: str | None, people: Directory) -> bool:
    """The current holder, or a leader of the holder's service, may offer the baton."""
    return holder_or_leader(case, who, people)


@state_rule("BTI201", "error", N_("level 1 or higher needs a holder with the holder role"))
def needs_holder(case: Case, ctx: Context) -> Iterator[Finding]:
    if case.status != "open" or case.level < 1:
        return
    if case.holder is None:
        yield Finding(
            ("level",),
            _(
                "case is at level {level} without a holder (stafettholder) — a holder is named "
                "from level 1"
            ).format(level=case.level),
        )
        return
    person = ctx.people.get(case.holder)
    if person is not None and "holder" not in person.roles:
        yield Finding(
            ("holder",),
            _(
                "{holder} does not have the holder role — a leader can add it with 'bti person "
                "add … --role holder'"
            ).format(holder=case.holder),
        )


@state_rule(
    "BTI205", "error", N_("more than one handover offer is pending, or an offer is to the holder")
)
def one_pending_offer(case: Case, ctx: Context) -> Iterator[Finding]:
    pending = [i for i, h in enumerate(case.handovers) if h.status == "offered"]
    for i in pending[1:]:
        yield Finding(
            ("handovers", i),
            _(
                "another handover offer is still pending — decline or accept it before offering "
                "again"
            ),
        )
    for i in pending:
        if case.handovers[i].to == case.holder:
            yield Finding(("handovers", i, "to"), _("the offer is to the current holder"))


@state_rule("BTI206", "error", N_("a handover is offered to someone without the holder role"))
def offer_to_holder_role(case: Case, ctx: Context) -> Iterator[Finding]:
    for i, handover in enumerate(case.handovers):
        if handover.status != "offered":
            continue
        person = ctx.people.get(handover.to)
        if person is not None and "holder" not in person.roles:
            yield Finding(
                ("handovers", i, "to"),
                _(
                    "{person} does not have the holder role — offer the baton to someone who has it"
                ).format(person=handover.to),
            )


def released_by_withdrawal(before: Case, after: Case, ctx: Context) -> bool:
    """A consent withdrawn in this change brought the case to level 0, and the holder works
    outside the owner service: the baton goes back to the owner service (the case is unheld)."""
    if before.level == 0 or after.level != 0:
        return False
    old = {c.id: c for c in before.consents}
    withdrawn = any(
        c.withdrawn is not None and c.id in old and old[c.id].withdrawn is None
        for c in after.consents
    )
    holder = ctx.people.get(before.holder)
    return withdrawn and (holder is None or holder.service != after.owner_service)


@change_rule(
    "BTI202", "error", N_("the holder changes only through an accepted handover to that person")
)
def holder_by_handover(before: Case | None, after: Case | None, ctx: Context) -> Iterator[Finding]:
    if before is None or after is None or before.holder == after.holder:
        return
    if before.holder is None and before.level == 0 and after.holder == ctx.author:
        return  # taking up an unheld level-0 concern: the author names themself
    old = {h.id: h for h in before.handovers}
    accepted = [
        h
        for h in after.handovers
        if h.status == "accepted"
        and h.to == after.holder
        and (h.id not in old or old[h.id].status == "offered")
    ]
    if not accepted and after.holder is None and released_by_withdrawal(before, after, ctx):
        return
    if not accepted and after.holder is None:
        yield Finding(
            ("holder",),
            _(
                "the holder ({holder}) was removed — the holder keeps the baton until a new holder "
                "accepts it; run 'bti handover offer'"
            ).format(holder=before.holder),
        )
    elif not accepted:
        yield Finding(
            ("holder",),
            _(
                "holder changed to {holder} without an accepted handover — run 'bti handover "
                "offer', and let the new holder run 'bti handover accept'"
            ).format(holder=after.holder),
        )


@change_rule(
    "BTI203",
    "error",
    N_("a handover is offered only by the holder or a leader of the holder's service"),
)
def offer_by_holder(before: Case | None, after: Case | None, ctx: Context) -> Iterator[Finding]:
    if before is None or after is None:
        return
    known = {h.id for h in before.handovers}
    for i, handover in enumerate(after.handovers):
        if handover.id in known:
            continue
        if handover.offered_by != ctx.author:
            yield Finding(
                ("handovers", i, "offered_by"),
                _(
                    "the offer names {named} as offering it but was made by {author} — an offer "
                    "is recorded by the person who makes it"
                ).format(named=handover.offered_by, author=ctx.author),
            )
        elif not may_offer(before, ctx.author, ctx.people):
            yield Finding(
                ("handovers", i),
                _(
                    "{author} is neither the holder nor a leader of the holder's service and "
                    "cannot offer the baton"
                ).format(author=ctx.author),
            )


@change_rule(
    "BTI204", "error", N_("a handover is accepted or declined only by the person it is offered to")
)
def answer_by_receiver(before: Case | None, after: Case | None, ctx: Context) -> Iterator[Finding]:
    if after is None:
        return
    old = {h.id: h for h in before.handovers} if before else {}
    for i, handover in enumerate(after.handovers):
        previous = old.get(handover.id)
        answered_now = handover.status != "offered" and (
            previous is None or previous.status == "offered"
        )
        retracted = handover.status == "declined" and ctx.author in (
            handover.offered_by,
            before.holder if before else None,
        )
        if retracted is False and answered_now and before is not None:
            retracted = handover.status == "declined" and _cancelled(before, after, handover, ctx)
        if answered_now and handover.to != ctx.author and not retracted:
            message = (
                _(
                    "handover {id} was accepted by {author}, but only {to} can answer it — they "
                    "run 'bti handover accept' themselves"
                )
                if handover.status == "accepted"
                else _(
                    "handover {id} was declined by {author}, but only {to} can answer it — they "
                    "run 'bti handover accept' themselves"
                )
            )
            yield Finding(
                ("handovers", i, "status"),
                message.format(id=handover.id, author=ctx.author, to=handover.to),
            )


def _cancelled(before: Case, after: Case, handover: Handover, ctx: Context) -> bool:
    """An offer taken back with the withdrawal of the consent that let its receiver work in the
    case ('bti consent withdraw' does it), by someone who may withdraw it."""
    from bti.rules.permissions import may_coordinate, may_hold

    withdrawn = any(
        c.withdrawn is not None
        and (old := before.consent(c.id)) is not None
        and old.withdrawn is None
        for c in after.consents
    )
    return (
        withdrawn
        and may_coordinate(before, ctx.author, ctx.people)
        and not may_hold(after, handover.to, ctx)
    )


def newly_accepted(before: Case, after: Case) -> list[Handover]:
    """Handovers that this change accepted."""
    old = {h.id: h.status for h in before.handovers}
    return [h for h in after.handovers if h.status == "accepted" and old.get(h.id) == "offered"]
