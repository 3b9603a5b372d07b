"""BTI3xx: history is never rewritten. Records are appended; a correction is a new entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import BaseModel

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
LABELS = {
    "consents": "consent",
    "handovers": "handover",
    "measures": "measure",
    "meetings": "meeting",
    "log": "log entry",
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
    return f"{LABELS[name]} {ident}" if ident else f"{LABELS[name]} #{index + 1}"


@change_rule("BTI301", "error", "an earlier record was edited or removed (history is append-only)")
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
                    f"{label} was removed — records are never deleted; "
                    "restore it and add a correcting entry instead",
                )
                break
            fields = _record_changes(name, record, new[i])
            if fields:
                yield Finding(
                    (name, i, fields[0]),
                    f"{label} was edited ({', '.join(fields)}) — earlier records are "
                    "never changed; restore it and add a new entry that corrects it",
                )
    for field in ("opened", "concern"):
        if getattr(before, field) != getattr(after, field):
            yield Finding(
                (field,),
                f"'{field}' was changed — the concern and the opening date are "
                "history; write a correction as a log entry",
            )


@change_rule("BTI302", "error", "a case file is deleted, renamed or given another id")
def never_deleted(before: Case | None, after: Case | None, ctx: Context) -> Iterator[Finding]:
    if before is not None and after is None:
        yield Finding(
            (),
            f"case {before.id} was deleted — a case is never deleted; restore the "
            "file and close the case with 'bti case close'",
        )
    elif before is not None and after is not None and before.id != after.id:
        yield Finding(
            ("id",), f"the case id changed from {before.id} to {after.id} — an id never changes"
        )


@change_rule("BTI303", "error", "a closed case changes only by reopening it with a reason")
def closed_stays_closed(before: Case | None, after: Case | None, ctx: Context) -> Iterator[Finding]:
    if before is None or after is None or before.status != "closed" or before == after:
        return
    if after.status == "closed":
        yield Finding(
            ("status",),
            "the case is closed — reopen it with 'bti case reopen ID "
            "--reason …' before changing it",
        )
    elif len(after.log) <= len(before.log):
        yield Finding(
            ("status",),
            "the case was reopened without a reason — use 'bti case reopen ID --reason …'",
        )


@state_rule("BTI304", "error", "a time or date lies in the future")
def not_in_future(case: Case, ctx: Context) -> Iterator[Finding]:
    limit = ctx.time + CLOCK_SKEW
    today = ctx.today

    def late(day: dt.date | None, loc: tuple[str | int, ...], what: str) -> Iterator[Finding]:
        if day is not None and day > today:
            yield Finding(
                loc,
                f"{what} is {day.isoformat()}, after today — record things when they have happened",
            )

    yield from late(case.opened, ("opened",), "the opening date")
    yield from late(case.concern.noted, ("concern", "noted"), "the concern's date")
    for i, consent in enumerate(case.consents):
        yield from late(consent.given, ("consents", i, "given"), f"consent {consent.id}'s date")
        if consent.withdrawn:
            yield from late(
                consent.withdrawn.date,
                ("consents", i, "withdrawn", "date"),
                f"the withdrawal of {consent.id}",
            )
    for i, measure in enumerate(case.measures):
        for j, evaluation in enumerate(measure.evaluations):
            yield from late(
                evaluation.date,
                ("measures", i, "evaluations", j, "date"),
                f"the evaluation of {measure.id}",
            )
    for i, meeting in enumerate(case.meetings):
        yield from late(meeting.date, ("meetings", i, "date"), f"meeting {meeting.id}")
    for i, handover in enumerate(case.handovers):
        for field in ("offered", "answered"):
            moment = getattr(handover, field)
            if moment is not None and moment > limit:
                yield Finding(
                    ("handovers", i, field),
                    f"handover {handover.id} is {field} at {moment.isoformat()}, in the future",
                )
    for i, entry in enumerate(case.log):
        if entry.time > limit:
            yield Finding(
                ("log", i, "time"),
                f"log entry #{i + 1} is dated {entry.time.isoformat()}"
                ", in the future — fix the computer's clock",
            )


@change_rule("BTI307", "error", "a new log entry is dated before the newest entry of the case")
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
                f"log entry #{i + 1} is dated {entry.time.isoformat()}, before the newest entry "
                f"already in the case ({newest.isoformat()}) — entries are written when things "
                "happen, in order; check the computer's clock",
            )


@change_rule("BTI308", "error", "a new log entry is written in someone else's name")
def own_name(before: Case | None, after: Case | None, ctx: Context) -> Iterator[Finding]:
    if after is None or not ctx.author:
        return
    for i in range(len(before.log) if before else 0, len(after.log)):
        entry = after.log[i]
        if entry.author.lower() != ctx.author.lower():
            yield Finding(
                ("log", i, "author"),
                f"log entry #{i + 1} is written as {entry.author} but committed by {ctx.author} — "
                "each person writes their own entries, as themselves",
            )
