"""BTI700–BTI719: chains of measures (tiltakskjeder, bti/chains.py).

A chain template is a file under templates/chains/ (BTI700; changed only by a leader, BTI009). In a
case, a chain is started, its steps done or skipped and the chain ended only by the holder or staff
of a service that may work in the case (BTI701); the steps are recorded one after another, in order
(BTI702); a chain's records, like every record, are never changed or removed afterwards (BTI703);
and nothing is added to a chain in a closed case (BTI704).
"""

from __future__ import annotations

from collections.abc import Iterator

from bti.i18n import N_, _
from bti.models import Case
from bti.rules.core import Context, Finding, change_rule, declare, state_rule

CHAIN_TEMPLATE = declare(
    "BTI700",
    "error",
    N_("a chain template under templates/chains/ cannot be read or does not fit the format"),
    "file",
)


def chain_actions(before: Case, after: Case) -> list[tuple[tuple[str | int, ...], str]]:
    """What a change does to the chains (started, a step recorded, ended), with its place."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    earlier = {c.id: c for c in before.chains}
    for i, chain in enumerate(after.chains):
        old = earlier.get(chain.id)
        if old is None:
            found.append((("chains", i), _("start chain {id}").format(id=chain.id)))
            continue
        if len(chain.records) > len(old.records):
            found.append(
                (
                    ("chains", i, "records", len(old.records)),
                    _("record a step of chain {id}").format(id=chain.id),
                )
            )
        if old.ended is None and chain.ended is not None:
            found.append((("chains", i, "ended"), _("end chain {id}").format(id=chain.id)))
    return found


@change_rule(
    "BTI701",
    "error",
    N_(
        "a chain is started, its steps recorded and ended only by the holder or staff of a service "
        "involved and covered by consent (level 0: the owner service)"
    ),
)
def chain_by_staff_of_case(
    before: Case | None, after: Case | None, ctx: Context
) -> Iterator[Finding]:
    from bti.rules.permissions import _acting, _holder, _where, may_write

    if before is None or after is None or not _acting(ctx) or before.chains == after.chains:
        return
    if may_write(before, ctx.author, ctx):
        return
    for loc, action in chain_actions(before, after):
        yield Finding(
            loc,
            _(
                "{author} is not the holder and works in no service that may work in this case "
                "({where}), and cannot {action} — ask the holder{holder}, or to add your service "
                "with the guardians' consent"
            ).format(
                author=ctx.author, action=action, where=_where(before, ctx), holder=_holder(before)
            ),
        )


@state_rule(
    "BTI702",
    "error",
    N_("a chain's steps are recorded one after another, in order, within its plan and dates"),
)
def steps_in_order(case: Case, ctx: Context) -> Iterator[Finding]:
    for i, chain in enumerate(case.chains):
        last = chain.started
        for j, record in enumerate(chain.records):
            where = ("chains", i, "records", j)
            if record.step != j + 1 or record.step > len(chain.plan):
                yield Finding(
                    (*where, "step"),
                    _(
                        "chain {id} records step {step} where step {expected} comes next — steps "
                        "are recorded in order ('bti chain skip' passes a step over, with the reason)"
                    ).format(id=chain.id, step=record.step, expected=j + 1)
                    if j < len(chain.plan)
                    else _("chain {id} has {steps} steps; step {step} is not one of them").format(
                        id=chain.id, steps=len(chain.plan), step=record.step
                    ),
                )
            if record.date < last:
                yield Finding(
                    (*where, "date"),
                    _(
                        "chain {id}: step {step} is dated {date}, before the step or start it "
                        "follows ({last})"
                    ).format(
                        id=chain.id,
                        step=record.step,
                        date=record.date.isoformat(),
                        last=last.isoformat(),
                    ),
                )
            last = max(last, record.date)
        if chain.ended is not None and chain.ended.date < last:
            yield Finding(
                ("chains", i, "ended", "date"),
                _("chain {id} is ended on {date}, before its last record ({last})").format(
                    id=chain.id, date=chain.ended.date.isoformat(), last=last.isoformat()
                ),
            )


@change_rule(
    "BTI703",
    "error",
    N_("a chain, its steps and its end are never changed or removed once recorded"),
)
def chains_append_only(before: Case | None, after: Case | None, ctx: Context) -> Iterator[Finding]:
    if before is None or after is None or before.chains == after.chains:
        return
    for i, old in enumerate(before.chains):
        new = after.chains[i] if i < len(after.chains) else None
        if new is None or new.id != old.id:
            yield Finding(
                ("chains",),
                _(
                    "chain {id} was removed — records are never deleted; restore it, and end a "
                    "chain with 'bti chain end' instead"
                ).format(id=old.id),
            )
            return
        changed = [
            field
            for field in type(old).model_fields
            if field not in ("records", "ended") and getattr(old, field) != getattr(new, field)
        ]
        if new.records[: len(old.records)] != old.records:
            changed.append("records")
        if old.ended is not None and new.ended != old.ended:
            changed.append("ended")
        if changed:
            yield Finding(
                ("chains", i),
                _(
                    "chain {id} was changed afterwards ({fields}) — what is recorded stays; "
                    "write a log entry that corrects it instead"
                ).format(id=old.id, fields=", ".join(changed)),
            )


@change_rule(
    "BTI704",
    "error",
    N_("a chain is not started, stepped or ended in a closed case"),
)
def no_chain_in_closed_case(
    before: Case | None, after: Case | None, ctx: Context
) -> Iterator[Finding]:
    if before is None or after is None or before.status != "closed" or after.status != "closed":
        return
    for loc, action in chain_actions(before, after):
        yield Finding(
            loc,
            _(
                "the case is closed and nobody can {action} in it — reopen it first ('bti case "
                "reopen'), with the reason"
            ).format(action=action),
        )
