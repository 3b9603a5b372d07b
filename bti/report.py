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

from bti.i18n import N_, translations
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


HIDDEN = N_("fewer than 5")
TOO_FEW = N_("too few cases")
DAYS = N_("days")

# What each row counts and for which group; English in JSON and CSV (for machines), in the
# person's language in the table (`compute`'s `lang`).
OPEN_AT_END = N_("open cases at the end of the period")
LEVEL = N_("level {level}")
OWNER = N_("owner service {service}")
ALL = N_("all")
OPENED = N_("cases opened")
CLOSED = N_("cases closed")
MEDIAN_WAIT = N_("median days from concern to level 1")
IN_TIME = N_("measures evaluated by their date")
ACCEPTED = N_("handovers accepted")
WITHDRAWN = N_("consents withdrawn")
BREAKS = N_("cases with a break in follow-up (over {days} days)")


@dataclass(frozen=True)
class Figure:
    """One figure of the report: its number (None when hidden), unit, and why it is hidden."""

    value: int | float | None
    unit: str = ""
    note: str = ""

    def text(self, lang: str = "en") -> str:
        """The figure as the table shows it, in `lang`: '12 %', '3.5 days', 'fewer than 5'."""
        tr = translations(lang)
        if self.value is None:
            return tr.gettext(self.note) if self.note else ""
        number = f"{self.value:g}" if isinstance(self.value, float) else str(self.value)
        if lang != "en" and isinstance(self.value, float):
            number = number.replace(".", ",")  # 3,5 in Norwegian
        unit = tr.gettext(self.unit) if self.unit == DAYS else self.unit
        return f"{number} {unit}".strip()


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
    cases: Iterable[Case],
    period: Period,
    followup_days: int,
    today: dt.date,
    lang: str = "en",
) -> list[dict[str, object]]:
    """The report's rows: measure, group, value (a number, or None when hidden), unit, note, and
    the value as the table shows it (shown). The words are in `lang`: English for JSON and CSV,
    the person's language for the table."""
    cases = list(cases)
    rows: list[dict[str, object]] = []
    tr = translations(lang)

    def row(measure: str, group: str, figure: Figure, **values: object) -> None:
        rows.append(
            {
                "measure": tr.gettext(measure).format(**values),
                "group": tr.gettext(group).format(**values),
                "value": figure.value,
                "unit": tr.gettext(figure.unit) if figure.unit == DAYS else figure.unit,
                "note": tr.gettext(figure.note) if figure.note else "",
                "shown": figure.text(lang),
            }
        )

    open_at_end = [c for c in cases if open_on(c, period.end)]
    by_level = Counter(level_on(c, period.end) for c in open_at_end)
    for level in range(4):
        row(OPEN_AT_END, LEVEL, shown(by_level[level]), level=level)
    by_service = Counter(c.owner_service for c in open_at_end)
    for service, count in sorted(by_service.items()):
        row(OPEN_AT_END, OWNER, shown(count), service=service)
    row(OPENED, ALL, shown(sum(c.opened in period for c in cases)))
    closed = sum(any(e == "closed" and d in period for d, e in _events(c)) for c in cases)
    row(CLOSED, ALL, shown(closed))
    waits = [
        (reached - c.concern.noted).days
        for c in cases
        if (reached := reached_level1(c)) is not None and reached in period
    ]
    median = (
        Figure(None, DAYS, TOO_FEW)
        if len(waits) < SMALL
        else Figure(float(statistics.median(waits)), DAYS)
    )
    row(MEDIAN_WAIT, ALL, median)
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
    row(IN_TIME, ALL, _share(len(in_time), len(due)))
    accepted = sum(
        1
        for c in cases
        for h in c.handovers
        if h.status == "accepted" and h.answered and h.answered.date() in period
    )
    row(ACCEPTED, ALL, shown(accepted))
    withdrawn = sum(
        1
        for c in cases
        for k in c.consents
        if k.withdrawn is not None and k.withdrawn.date in period
    )
    row(WITHDRAWN, ALL, shown(withdrawn))
    breaks = sum(_gap_in(c, period, followup_days, today) for c in cases if c.opened <= period.end)
    row(BREAKS, ALL, shown(breaks), days=followup_days)
    return rows
