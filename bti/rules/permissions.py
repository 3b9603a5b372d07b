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

from bti.i18n import N_, _
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
    """' (their email)' after "the holder" in a message, in every language."""
    return f" ({case.holder})" if case.holder else ""


def _where(case: Case, ctx: Context) -> str:
    """Who may work in the case, as a whole clause a message puts in parentheses."""
    services = working_services(case, ctx)
    shown = ", ".join(services) if services else _("none")
    if case.level == 0:
        return _("at level 0 only staff of the owner service ({services}) work in the case").format(
            services=shown
        )
    return _("the services involved and covered by consent are: {services}").format(services=shown)


def coordination_actions(before: Case, after: Case) -> list[tuple[tuple[str | int, ...], str]]:
    """What a change does that only the holder or a leader of the holder's service may do, with
    the place in the file each is seen at (the action as what a person "cannot" do, translated)."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    if len(after.guardians) > len(before.guardians):
        found.append((("guardians", len(after.guardians) - 1), _("add a guardian")))
    earlier = {c.id: c for c in before.consents}
    for i, consent in enumerate(after.consents):
        old = earlier.get(consent.id)
        if old is None:
            found.append((("consents", i), _("record consent {id}").format(id=consent.id)))
        elif old.withdrawn is None and consent.withdrawn is not None:
            found.append(
                (
                    ("consents", i, "withdrawn"),
                    _("withdraw consent {id}").format(id=consent.id),
                )
            )
    # A correction of the owner service renames it in `services` too: that is the correction's.
    kept = [after.owner_service if s == before.owner_service else s for s in before.services]
    if after.services != kept:
        found.append((("services",), _("add or remove a service")))
    if before.level != after.level or before.step != after.step:
        found.append((("level",), _("set the level or step")))
    known = {m.id for m in before.measures}
    found += [
        (("measures", i), _("add measure {id}").format(id=m.id))
        for i, m in enumerate(after.measures)
        if m.id not in known
    ]
    seen = {m.id for m in before.meetings}
    found += [
        (("meetings", i), _("record meeting {id}").format(id=m.id))
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
    "BTI210",
    "error",
    N_("a case is opened only by someone with the holder role, in their own service"),
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
            _(
                "{author} does not have the holder role and cannot open a case — share the "
                "concern with someone who has it, or ask a leader to give you the role"
            ).format(author=ctx.author),
        )
    elif person.service != after.owner_service:
        yield Finding(
            ("owner_service",),
            _(
                "{author} works in {service} and cannot open a case owned by {owner} — open it in "
                "your own service (--service {service}), or ask staff of {owner} to open it"
            ).format(author=ctx.author, service=person.service, owner=after.owner_service),
        )


@change_rule(
    "BTI211",
    "error",
    N_(
        "a log entry or the child's voice is written only by the holder or staff of a service "
        "involved and covered by consent (level 0: the owner service)"
    ),
)
def written_by_staff_of_case(
    before: Case | None, after: Case | None, ctx: Context
) -> Iterator[Finding]:
    if before is None or after is None or not _acting(ctx) or not _only_log(before, after):
        return
    if may_write(before, ctx.author, ctx):
        return
    for i in range(len(before.log), len(after.log)):
        if after.log[i].kind == "voice":
            message = _(
                "{author} is not the holder and works in no service that may work in this case "
                "({where}), and cannot write the child's voice — ask the holder{holder} to write "
                "it, or to add your service with the guardians' consent"
            )
        else:
            message = _(
                "{author} is not the holder and works in no service that may work in this case "
                "({where}), and cannot write a log entry — ask the holder{holder} to write it, or "
                "to add your service with the guardians' consent"
            )
        yield Finding(
            ("log", i),
            message.format(author=ctx.author, where=_where(before, ctx), holder=_holder(before)),
        )


@change_rule(
    "BTI212",
    "error",
    N_(
        "guardians, consents, services, level, measures and meetings are recorded only by the holder "
        "or a leader of the holder's service"
    ),
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
            _(
                "{author} is neither the holder nor a leader of the holder's service and cannot "
                "{action} — ask the holder{holder} or their leader"
            ).format(author=ctx.author, action=action, holder=_holder(before)),
        )


@change_rule(
    "BTI213",
    "error",
    N_("a measure is evaluated only by the holder or the measure's responsible person"),
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
        if old.responsible:
            message = _(
                "{author} is neither the holder nor responsible for measure {id} and cannot "
                "evaluate it — ask the holder{holder}, the responsible person ({responsible})"
            )
        else:
            message = _(
                "{author} is neither the holder nor responsible for measure {id} and cannot "
                "evaluate it — ask the holder{holder}"
            )
        yield Finding(
            ("measures", i, "evaluations", len(old.evaluations)),
            message.format(
                author=ctx.author,
                id=measure.id,
                holder=_holder(before),
                responsible=old.responsible,
            ),
        )


def may_close(case: Case, who: str, people: Directory) -> bool:
    """The holder, or a leader of the holder's or of the owner service (the table's own row:
    wider than coordinating, since the owner service answers for whether its concern is done)."""
    return holder_or_leader(case, who, people, owner_too=True)


@change_rule(
    "BTI214",
    "error",
    N_(
        "a case is closed or reopened only by the holder or a leader of the holder's or the owner "
        "service"
    ),
)
def closed_by_holder(before: Case | None, after: Case | None, ctx: Context) -> Iterator[Finding]:
    if before is None or after is None or before.status == after.status or not _acting(ctx):
        return
    if may_close(before, (ctx.author or "").lower(), ctx.people):
        return
    if after.status == "closed":
        message = _(
            "{author} is neither the holder nor a leader of the holder's or the owner service and "
            "cannot close the case — ask the holder{holder} or a leader of {owner}"
        )
    else:
        message = _(
            "{author} is neither the holder nor a leader of the holder's or the owner service and "
            "cannot reopen the case — ask the holder{holder} or a leader of {owner}"
        )
    yield Finding(
        ("status",),
        message.format(author=ctx.author, holder=_holder(before), owner=before.owner_service),
    )


@change_rule(
    "BTI215",
    "error",
    N_(
        "the holder belongs to a service involved and covered by consent (level 0: the owner service)"
    ),
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
            _(
                "the holder {holder} would work in no service that may work in this case "
                "({where}) — add the service with consent first, or hand the baton to someone in "
                "one of them"
            ).format(holder=after.holder, where=_where(after, ctx)),
        )


@change_rule(
    "BTI216",
    "error",
    N_(
        "the baton is offered only to staff of a service involved and covered by consent "
        "(level 0: the owner service)"
    ),
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
            _(
                "{person} works in no service that may work in this case ({where}) — add their "
                "service with consent first ('bti service add'), or offer the baton to someone in "
                "one of them"
            ).format(person=handover.to, where=_where(after, ctx)),
        )


@change_rule(
    "BTI217",
    "error",
    N_("a change leaves an offer pending to someone whose service no longer may work in the case"),
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
                _(
                    "the offer {id} to {person} stays pending, but their service no longer may "
                    "work in this case ({where}) — 'bti consent withdraw' cancels it in the same "
                    "change; otherwise take the offer back first ('bti handover decline')"
                ).format(id=handover.id, person=handover.to, where=_where(after, ctx)),
            )


@change_rule(
    "BTI218",
    "error",
    N_("a new measure's responsible person belongs to a service involved and covered by consent"),
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
                _(
                    "{person} works in no service that may work in this case ({where}) — name "
                    "someone in one of them responsible, or add their service with consent first"
                ).format(person=measure.responsible, where=_where(after, ctx)),
            )
