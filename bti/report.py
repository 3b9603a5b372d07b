"""`bti report`: anonymised statistics for the municipality's evaluation forum.

Only counts, shares and medians; no names, no ids, no dates of birth. Any count from 1 to 4 is hidden
("fewer than 5"), and a share or median computed from fewer than 5 cases is not given ("too few
cases"), so that no child can be recognised — and so that a hidden figure never reads as a figure
("<5 days" would read as "under five days"). Every row has its number (an int, a float, or None
when hidden), its unit and, when hidden, why. Levels and closing dates come from the event codes
that commands write into the log.

Every figure comes from a case's structure — dates, levels, services, statuses, event codes — which
a sealed case keeps readable (bti.sealing), so a leader's report counts every case, also those
sealed for other services. No figure may use a sealed value (a name, a birth date, a text): a case
this process cannot open has stand-ins there.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bti.models import Case

SMALL = 5


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @classmethod
    def last_school_year(cls, today: dt.date) -> Period:
        year = today.year - 1 if today.month >= 8 else today.year - 2
        return cls(dt.date(year, 8, 1), dt.date(year + 1, 7, 31))

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


def _events(case: Case) -> list[tuple[dt.date, str]]:
    return [(e.time.date(), e.event) for e in case.log if e.event]


def open_on(case: Case, day: dt.date) -> bool:
    if case.opened > day:
        return False
    toggles = [(d, e) for d, e in _events(case) if e in ("closed", "reopened")]
    if not toggles:
        return case.status == "open"  # a file without event codes: only its present status
    state = True
    for when, event in toggles:
        if when > day:
            break
        state = event == "reopened"
    return state


def level_on(case: Case, day: dt.date) -> int:
    changes = [(d, e) for d, e in _events(case) if e.startswith("level:")]
    if not changes:
        return case.level  # a file without event codes: only its present level
    level = 0
    for when, event in changes:
        if when > day:
            break
        level = int(event.split(":")[1])
    return level


def reached_level1(case: Case) -> dt.date | None:
    for when, event in _events(case):
        if event.startswith("level:") and int(event.split(":")[1]) >= 1:
            return when
    return None


HIDDEN = "fewer than 5"
TOO_FEW = "too few cases"


@dataclass(frozen=True)
class Figure:
    """One figure of the report: its number (None when hidden), unit, and why it is hidden."""

    value: int | float | None
    unit: str = ""
    note: str = ""

    def text(self) -> str:
        if self.value is None:
            return self.note
        number = f"{self.value:g}" if isinstance(self.value, float) else str(self.value)
        return f"{number} {self.unit}".strip()


def shown(count: int) -> Figure:
    return Figure(None, note=HIDDEN) if 0 < count < SMALL else Figure(count)


def _share(hits: int, total: int) -> Figure:
    if total < SMALL:
        return Figure(None, "%", TOO_FEW)
    return Figure(round(100 * hits / total), "%")


def _gap_in(case: Case, period: Period, limit: int, today: dt.date) -> bool:
    """A stretch of more than `limit` days without a log entry while the case was open."""
    times = sorted(e.time.date() for e in case.log)
    end = min(period.end, today)
    points = [t for t in times if t <= end] + [end]
    for earlier, later in itertools.pairwise(points):
        if later < period.start:
            continue
        if (later - max(earlier, period.start)).days > limit and open_on(case, earlier):
            return True
    return False


def compute(
    cases: Iterable[Case], period: Period, followup_days: int, today: dt.date
) -> list[dict[str, object]]:
    """The report's rows: measure, group, value (a number, or None when hidden), unit, note."""
    cases = list(cases)
    rows: list[dict[str, object]] = []

    def row(measure: str, group: str, figure: Figure) -> None:
        rows.append(
            {
                "measure": measure,
                "group": group,
                "value": figure.value,
                "unit": figure.unit,
                "note": figure.note,
                "shown": figure.text(),
            }
        )

    open_at_end = [c for c in cases if open_on(c, period.end)]
    by_level = Counter(level_on(c, period.end) for c in open_at_end)
    for level in range(4):
        row("open cases at the end of the period", f"level {level}", shown(by_level[level]))
    by_service = Counter(c.owner_service for c in open_at_end)
    for service, count in sorted(by_service.items()):
        row("open cases at the end of the period", f"owner service {service}", shown(count))
    row("cases opened", "all", shown(sum(c.opened in period for c in cases)))
    closed = sum(any(e == "closed" and d in period for d, e in _events(c)) for c in cases)
    row("cases closed", "all", shown(closed))
    waits = [
        (reached - c.concern.noted).days
        for c in cases
        if (reached := reached_level1(c)) is not None and reached in period
    ]
    median = (
        Figure(None, "days", TOO_FEW)
        if len(waits) < SMALL
        else Figure(float(statistics.median(waits)), "days")
    )
    row("median days from concern to level 1", "all", median)
    due = [
        m
        for c in cases
        for m in c.measures
        if m.evaluate_by is not None and m.evaluate_by in period
    ]
    in_time = [
        m
        for m in due
        if m.evaluations and m.evaluate_by is not None and m.evaluations[0].date <= m.evaluate_by
    ]
    row("measures evaluated by their date", "all", _share(len(in_time), len(due)))
    accepted = sum(
        1
        for c in cases
        for h in c.handovers
        if h.status == "accepted" and h.answered and h.answered.date() in period
    )
    row("handovers accepted", "all", shown(accepted))
    withdrawn = sum(
        1
        for c in cases
        for k in c.consents
        if k.withdrawn is not None and k.withdrawn.date in period
    )
    row("consents withdrawn", "all", shown(withdrawn))
    breaks = sum(_gap_in(c, period, followup_days, today) for c in cases if c.opened <= period.end)
    row(f"cases with a break in follow-up (over {followup_days} days)", "all", shown(breaks))
    return rows
