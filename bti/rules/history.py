"""BTI3xx: history is never rewritten. Records are appended; a correction is a new entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import BaseModel

from bti.i18n import N_, _
from bti.models import Case
from bti.rules.core import Context, Finding, change_rule, state_rule

# Fields that may be filled in once on an existing record: the rest of a record never changes.
FILL_ONCE: dict[str, frozenset[str]] = {
    "consents": frozenset({"withdrawn"}),
    "handovers": frozenset({"status", "answered", "answer_note"}),  # only when answering an offer
    "measures": frozenset({"responsible", "evaluate_by"}),  # what BTI404 asks to be named
    "meetings": frozenset(),
    "log": frozenset(),
}
# How a message names a record: by its id, or by its place in the list when it has none.
LABELS = {
    "consents": (N_("consent {id}"), N_("consent #{n}")),
    "handovers": (N_("handover {id}"), N_("handover #{n}")),
    "measures": (N_("measure {id}"), N_("measure #{n}")),
    "meetings": (N_("meeting {id}"), N_("meeting #{n}")),
    "log": (N_("log entry {id}"), N_("log entry #{n}")),
}
CLOCK_SKEW = dt.timedelta(minutes=10)


def _record_changes(name: str, old: BaseModel, new: BaseModel) -> list[str]:
    """Fields of a record that changed in a way the history rules forbid."""
    bad = []
    answering = name == "handovers" and getattr(old, "status", None) == "offered"
    for field in type(old).model_fields:
        before, after = getattr(old, field), getattr(new, field)
        if before == after:
            continue
        if name == "handovers" and not answering:
            bad.append(field)  # an answered handover is history like any other record
            continue
        if field in FILL_ONCE[name] and before in (None, "offered"):
            continue
        if name == "measures" and field == "evaluations" and after[: len(before)] == before:
            continue
        bad.append(field)
    return bad


def _label(name: str, record: Any, index: int) -> str:
    ident = getattr(record, "id", None)
    by_id, by_place = LABELS[name]
    return _(by_id).format(id=ident) if ident else _(by_place).format(n=index + 1)


@change_rule(
    "BTI301", "error", N_("an earlier record was edited or removed (history is append-only)")
)
def append_only(before: Case | None, after: Case | None, ctx: Context) -> Iterator[Finding]:
    if before is None or after is None:
        return
    for name in FILL_ONCE:
        old: Sequence[BaseModel] = getattr(before, name)
        new: Sequence[BaseModel] = getattr(after, name)
        if old == new[: len(old)]:
            continue
        for i, record in enumerate(old):
            label = _label(name, record, i)
            if i >= len(new) or getattr(record, "id", None) not in (
                None,
                getattr(new[i], "id", None),
            ):
                yield Finding(
                    (name,),
                    _(
                        "{record} was removed — records are never deleted; restore it and add a "
                        "correcting entry instead"
                    ).format(record=label),
                )
                break
            fields = _record_changes(name, record, new[i])
            if fields:
                yield Finding(
                    (name, i, fields[0]),
                    _(
                        "{record} was edited ({fields}) — earlier records are never changed; "
                        "restore it and add a new entry that corrects it"
                    ).format(record=label, fields=", ".join(fields)),
                )
    for field in ("opened", "concern"):
        if getattr(before, field) != getattr(after, field):
            yield Finding(
                (field,),
                _(
                    "'{field}' was changed — the concern and the opening date are history; "
                    "write a correction as a log entry"
                ).format(field=field),
            )


@change_rule("BTI302", "error", N_("a case file is deleted, renamed or given another id"))
def never_deleted(before: Case | None, after: Case | None, ctx: Context) -> Iterator[Finding]:
    if before is not None and after is None:
        yield Finding(
            (),
            _(
                "case {id} was deleted — a case is never deleted; restore the file and close the "
                "case with 'bti case close'"
            ).format(id=before.id),
        )
    elif before is not None and after is not None and before.id != after.id:
        yield Finding(
            ("id",),
            _("the case id changed from {old} to {new} — an id never changes").format(
                old=before.id, new=after.id
            ),
        )


@change_rule("BTI303", "error", N_("a closed case changes only by reopening it with a reason"))
def closed_stays_closed(before: Case | None, after: Case | None, ctx: Context) -> Iterator[Finding]:
    if before is None or after is None or before.status != "closed" or before == after:
        return
    if after.status == "closed":
        yield Finding(
            ("status",),
            _(
                "the case is closed — reopen it with 'bti case reopen ID --reason …' before changing it"
            ),
        )
    elif len(after.log) <= len(before.log):
        yield Finding(
            ("status",),
            _("the case was reopened without a reason — use 'bti case reopen ID --reason …'"),
        )


@state_rule("BTI304", "error", N_("a time or date lies in the future"))
def not_in_future(case: Case, ctx: Context) -> Iterator[Finding]:
    limit = ctx.time + CLOCK_SKEW
    today = ctx.today

    def late(
        day: dt.date | None, loc: tuple[str | int, ...], message: str, ident: str = ""
    ) -> Iterator[Finding]:
        """`message` (translated, with {date} and maybe {id}) when `day` is after today."""
        if day is not None and day > today:
            yield Finding(loc, message.format(date=day.isoformat(), id=ident))

    yield from late(
        case.opened,
        ("opened",),
        _("the opening date is {date}, after today — record things when they have happened"),
    )
    yield from late(
        case.concern.noted,
        ("concern", "noted"),
        _("the concern's date is {date}, after today — record things when they have happened"),
    )
    for i, consent in enumerate(case.consents):
        yield from late(
            consent.given,
            ("consents", i, "given"),
            _("consent {id}'s date is {date}, after today — record things when they have happened"),
            consent.id,
        )
        if consent.withdrawn:
            yield from late(
                consent.withdrawn.date,
                ("consents", i, "withdrawn", "date"),
                _(
                    "the withdrawal of {id} is {date}, after today — record things when they "
                    "have happened"
                ),
                consent.id,
            )
    for i, measure in enumerate(case.measures):
        for j, evaluation in enumerate(measure.evaluations):
            yield from late(
                evaluation.date,
                ("measures", i, "evaluations", j, "date"),
                _(
                    "the evaluation of {id} is {date}, after today — record things when they "
                    "have happened"
                ),
                measure.id,
            )
    for i, meeting in enumerate(case.meetings):
        yield from late(
            meeting.date,
            ("meetings", i, "date"),
            _("meeting {id} is {date}, after today — record things when they have happened"),
            meeting.id,
        )
    for i, handover in enumerate(case.handovers):
        for field in ("offered", "answered"):
            moment = getattr(handover, field)
            if moment is not None and moment > limit:
                message = (
                    _("handover {id} is offered at {time}, in the future")
                    if field == "offered"
                    else _("handover {id} is answered at {time}, in the future")
                )
                yield Finding(
                    ("handovers", i, field),
                    message.format(id=handover.id, time=moment.isoformat()),
                )
    for i, entry in enumerate(case.log):
        if entry.time > limit:
            yield Finding(
                ("log", i, "time"),
                _(
                    "log entry #{n} is dated {time}, in the future — fix the computer's clock"
                ).format(n=i + 1, time=entry.time.isoformat()),
            )


@change_rule("BTI307", "error", N_("a new log entry is dated before the newest entry of the case"))
def in_order(before: Case | None, after: Case | None, ctx: Context) -> Iterator[Finding]:
    """The case's own order is a clock nobody can set: an entry written now cannot be older than
    what the case already holds (a few minutes of difference between computers are allowed)."""
    if before is None or after is None or not before.log:
        return
    newest = max(entry.time for entry in before.log)
    for i in range(len(before.log), len(after.log)):
        entry = after.log[i]
        if entry.time < newest - CLOCK_SKEW:
            yield Finding(
                ("log", i, "time"),
                _(
                    "log entry #{n} is dated {time}, before the newest entry already in the case "
                    "({newest}) — entries are written when things happen, in order; check the "
                    "computer's clock"
                ).format(n=i + 1, time=entry.time.isoformat(), newest=newest.isoformat()),
            )


@change_rule("BTI308", "error", N_("a new log entry is written in someone else's name"))
def own_name(before: Case | None, after: Case | None, ctx: Context) -> Iterator[Finding]:
    if after is None or not ctx.author:
        return
    for i in range(len(before.log) if before else 0, len(after.log)):
        entry = after.log[i]
        if entry.author.lower() != ctx.author.lower():
            yield Finding(
                ("log", i, "author"),
                _(
                    "log entry #{n} is written as {author} but committed by {committer} — each "
                    "person writes their own entries, as themselves"
                ).format(n=i + 1, author=entry.author, committer=ctx.author),
            )
