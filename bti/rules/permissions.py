"""BTI210–BTI219: who may write what in a case (issue 11, DESIGN §8 "Write permission").

Each change is read from before → after as the actions a command would take: a case opened, log
entries written, a guardian, consent, service, level, measure or meeting recorded, a measure
evaluated, the case closed or reopened, the baton offered or taken. Each action has one rule and one
code, so a refusal says which action the person may not take and whom to ask.

A command writes its own log entry with every action; that entry is part of the action and judged
with it. Only a change that does nothing but add log entries is judged as "writing in the log".

Who may work in a case follows consent: at level 0 the owner service alone (other services are
asked only anonymously); from level 1 the involved services that a valid consent covers. The holder
and anyone offered the baton must belong to one of those services. Handover offers and answers are
BTI203/BTI204, corrections BTI306, settings and templates BTI009: not repeated here.
"""

from __future__ import annotations

from collections.abc import Iterator

from bti.models import Case, Directory
from bti.rules.consent import covering
from bti.rules.core import Context, Finding, change_rule
from bti.rules.holder import holder_or_leader, may_offer, newly_accepted


def working_services(case: Case, ctx: Context) -> list[str]:
    """The services whose staff may work in the case: the owner service at level 0, otherwise the
    involved services that a valid consent covers (expiry is BTI106/BTI107's to judge)."""
    if case.level == 0:
        return [case.owner_service]
    covered = {s for c in covering(case, ctx, honour_expiry=False) for s in c.services}
    return [s for s in case.services if s in covered]


def may_hold(case: Case, who: str | None, ctx: Context) -> bool:
    """Whether `who` belongs to a service that may work in the case (and so may hold the baton)."""
    person = ctx.people.get(who)
    return person is not None and person.service in working_services(case, ctx)


def may_write(case: Case, who: str | None, ctx: Context) -> bool:
    """The holder, or staff of a service that may work in the case, write in its log."""
    return _same(who, case.holder) or may_hold(case, who, ctx)


def may_coordinate(case: Case, who: str | None, people: Directory) -> bool:
    """The holder, or a leader of the holder's service (as for offering the baton)."""
    return may_offer(case, who.lower() if who else who, people)


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.lower() == b.lower()


def _acting(ctx: Context) -> bool:
    """Whether there is an author in the directory to judge: one outside it is BTI010's."""
    return ctx.people.get(ctx.author) is not None


def _holder(case: Case) -> str:
    return f" ({case.holder})" if case.holder else ""


def _where(case: Case, ctx: Context) -> str:
    services = working_services(case, ctx)
    shown = ", ".join(services) if services else "none"
    if case.level == 0:
        return f"at level 0 only staff of the owner service ({shown}) work in the case"
    return f"the services involved and covered by consent are: {shown}"


def coordination_actions(before: Case, after: Case) -> list[tuple[tuple[str | int, ...], str]]:
    """What a change does that only the holder or a leader of the holder's service may do, with
    the place in the file each is seen at."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    if len(after.guardians) > len(before.guardians):
        found.append((("guardians", len(after.guardians) - 1), "add a guardian"))
    earlier = {c.id: c for c in before.consents}
    for i, consent in enumerate(after.consents):
        old = earlier.get(consent.id)
        if old is None:
            found.append((("consents", i), f"record consent {consent.id}"))
        elif old.withdrawn is None and consent.withdrawn is not None:
            found.append((("consents", i, "withdrawn"), f"withdraw consent {consent.id}"))
    # A correction of the owner service renames it in `services` too: that is the correction's.
    kept = [after.owner_service if s == before.owner_service else s for s in before.services]
    if after.services != kept:
        found.append((("services",), "add or remove a service"))
    if before.level != after.level or before.step != after.step:
        found.append((("level",), "set the level or step"))
    known = {m.id for m in before.measures}
    found += [
        (("measures", i), f"add measure {m.id}")
        for i, m in enumerate(after.measures)
        if m.id not in known
    ]
    seen = {m.id for m in before.meetings}
    found += [
        (("meetings", i), f"record meeting {m.id}")
        for i, m in enumerate(after.meetings)
        if m.id not in seen
    ]
    return found


def _only_log(before: Case, after: Case) -> bool:
    """Whether the change does nothing but append log entries."""
    return (
        len(after.log) > len(before.log)
        and after.log[: len(before.log)] == before.log
        and after.model_copy(update={"log": before.log}) == before
    )


@change_rule(
    "BTI210", "error", "a case is opened only by someone with the holder role, in their own service"
)
def opened_by_holder(before: Case | None, after: Case | None, ctx: Context) -> Iterator[Finding]:
    if before is not None or after is None or not ctx.author or not ctx.people.people:
        return
    person = ctx.people.get(ctx.author)
    if person is None:
        return  # outside the directory: BTI010 says so
    if "holder" not in person.roles:
        yield Finding(
            ("holder",),
            f"{ctx.author} does not have the holder role and cannot open a case — share the "
            "concern with someone who has it, or ask a leader to give you the role",
        )
    elif person.service != after.owner_service:
        yield Finding(
            ("owner_service",),
            f"{ctx.author} works in {person.service} and cannot open a case owned by "
            f"{after.owner_service} — open it in your own service (--service {person.service}), "
            f"or ask staff of {after.owner_service} to open it",
        )


@change_rule(
    "BTI211",
    "error",
    "a log entry or the child's voice is written only by the holder or staff of a service "
    "involved and covered by consent (level 0: the owner service)",
)
def written_by_staff_of_case(
    before: Case | None, after: Case | None, ctx: Context
) -> Iterator[Finding]:
    if before is None or after is None or not _acting(ctx) or not _only_log(before, after):
        return
    if may_write(before, ctx.author, ctx):
        return
    for i in range(len(before.log), len(after.log)):
        what = "the child's voice" if after.log[i].kind == "voice" else "a log entry"
        yield Finding(
            ("log", i),
            f"{ctx.author} is not the holder and works in no service that may work in this case "
            f"({_where(before, ctx)}), and cannot write {what} — ask the holder"
            f"{_holder(before)} to write it, or to add your service with the guardians' consent",
        )


@change_rule(
    "BTI212",
    "error",
    "guardians, consents, services, level, measures and meetings are recorded only by the holder "
    "or a leader of the holder's service",
)
def coordinated_by_holder(
    before: Case | None, after: Case | None, ctx: Context
) -> Iterator[Finding]:
    if before is None or after is None or not _acting(ctx):
        return
    if may_coordinate(before, ctx.author, ctx.people):
        return
    for loc, action in coordination_actions(before, after):
        yield Finding(
            loc,
            f"{ctx.author} is neither the holder nor a leader of the holder's service and cannot "
            f"{action} — ask the holder{_holder(before)} or their leader",
        )


@change_rule(
    "BTI213",
    "error",
    "a measure is evaluated only by the holder or the measure's responsible person",
)
def evaluated_by_responsible(
    before: Case | None, after: Case | None, ctx: Context
) -> Iterator[Finding]:
    if before is None or after is None or not _acting(ctx) or _same(ctx.author, before.holder):
        return
    earlier = {m.id: m for m in before.measures}
    for i, measure in enumerate(after.measures):
        old = earlier.get(measure.id)
        if old is None or len(measure.evaluations) <= len(old.evaluations):
            continue
        if _same(ctx.author, old.responsible):
            continue
        responsible = f", the responsible person ({old.responsible})" if old.responsible else ""
        yield Finding(
            ("measures", i, "evaluations", len(old.evaluations)),
            f"{ctx.author} is neither the holder nor responsible for measure {measure.id} and "
            f"cannot evaluate it — ask the holder{_holder(before)}{responsible}",
        )


def may_close(case: Case, who: str, people: Directory) -> bool:
    """The holder, or a leader of the holder's or of the owner service (the table's own row:
    wider than coordinating, since the owner service answers for whether its concern is done)."""
    return holder_or_leader(case, who, people, owner_too=True)


@change_rule(
    "BTI214",
    "error",
    "a case is closed or reopened only by the holder or a leader of the holder's or the owner "
    "service",
)
def closed_by_holder(before: Case | None, after: Case | None, ctx: Context) -> Iterator[Finding]:
    if before is None or after is None or before.status == after.status or not _acting(ctx):
        return
    if may_close(before, (ctx.author or "").lower(), ctx.people):
        return
    verb = "close" if after.status == "closed" else "reopen"
    yield Finding(
        ("status",),
        f"{ctx.author} is neither the holder nor a leader of the holder's or the owner service "
        f"and cannot {verb} the case — ask the holder{_holder(before)} or a leader of "
        f"{before.owner_service}",
    )


@change_rule(
    "BTI215",
    "error",
    "the holder belongs to a service involved and covered by consent (level 0: the owner service)",
)
def holder_may_work(before: Case | None, after: Case | None, ctx: Context) -> Iterator[Finding]:
    if before is None or after is None or after.status != "open" or after.holder is None:
        return
    # A holder changed without an accepted handover is BTI202's; judged here is the one who
    # takes the baton lawfully, or takes up an unheld concern.
    changed = not _same(before.holder, after.holder) and (
        before.holder is None
        or any(_same(h.to, after.holder) for h in newly_accepted(before, after))
    )
    moved = before.services != after.services or before.level != after.level
    if not (changed or moved) or may_hold(after, after.holder, ctx):
        return  # most changes: nothing that moves the baton or the case's services
    withdrawn = any(
        c.withdrawn is not None and (old := before.consent(c.id)) and old.withdrawn is None
        for c in after.consents
    )
    # A withdrawal is never refused for the holder's sake (the guardians decide); any other
    # change that leaves the holder outside the case must hand the baton over first.
    lost = (
        moved
        and not withdrawn
        and before.owner_service == after.owner_service  # a correction is BTI305/BTI306's
        and may_hold(before, after.holder, ctx)
    )
    if changed or lost:
        yield Finding(
            ("holder",),
            f"the holder {after.holder} would work in no service that may work in this case "
            f"({_where(after, ctx)}) — add the service with consent first, or hand the baton "
            "to someone in one of them",
        )


@change_rule(
    "BTI216",
    "error",
    "the baton is offered only to staff of a service involved and covered by consent "
    "(level 0: the owner service)",
)
def offered_within_case(before: Case | None, after: Case | None, ctx: Context) -> Iterator[Finding]:
    if before is None or after is None:
        return
    known = {h.id for h in before.handovers}
    for i, handover in enumerate(after.handovers):
        if handover.id in known or handover.status != "offered":
            continue
        if ctx.people.get(handover.to) is None or may_hold(after, handover.to, ctx):
            continue
        yield Finding(
            ("handovers", i, "to"),
            f"{handover.to} works in no service that may work in this case "
            f"({_where(after, ctx)}) — add their service with consent first ('bti service add'), "
            "or offer the baton to someone in one of them",
        )


@change_rule(
    "BTI217",
    "error",
    "a change leaves an offer pending to someone whose service no longer may work in the case",
)
def no_offer_left_outside(
    before: Case | None, after: Case | None, ctx: Context
) -> Iterator[Finding]:
    if before is None or after is None:
        return
    pending = {h.id for h in before.handovers if h.status == "offered"}
    for i, handover in enumerate(after.handovers):
        if handover.id not in pending or handover.status != "offered":
            continue
        if may_hold(before, handover.to, ctx) and not may_hold(after, handover.to, ctx):
            yield Finding(
                ("handovers", i),
                f"the offer {handover.id} to {handover.to} stays pending, but their service no "
                f"longer may work in this case ({_where(after, ctx)}) — 'bti consent withdraw' "
                "cancels it in the same change; otherwise take the offer back first "
                "('bti handover decline')",
            )


@change_rule(
    "BTI218",
    "error",
    "a new measure's responsible person belongs to a service involved and covered by consent",
)
def responsible_within_case(
    before: Case | None, after: Case | None, ctx: Context
) -> Iterator[Finding]:
    if before is None or after is None:
        return
    known = {m.id for m in before.measures}
    for i, measure in enumerate(after.measures):
        if measure.id in known or measure.responsible is None:
            continue
        if ctx.people.get(measure.responsible) is None:
            continue  # an unknown person: BTI003 says so
        if not may_hold(after, measure.responsible, ctx):
            yield Finding(
                ("measures", i, "responsible"),
                f"{measure.responsible} works in no service that may work in this case "
                f"({_where(after, ctx)}) — name someone in one of them responsible, or add "
                "their service with consent first",
            )
