"""From series to dated meetings: public holidays, weekends and breaks move a meeting.

A meeting that falls on a Norwegian public holiday, a weekend or in a break moves to the next
working day outside every break, and remembers where it came from and why. A meeting that would
move past the end of the period moves back to the last working day before it instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from bti.calendar import rules as r
from bti.calendar.template import Break, Series, Template
from bti.errors import FileProblem
from bti.yamlio import locate

SUMMER = (
    "\x00summer"  # the built-in July break of a school year; its name is given in each language
)


@dataclass(frozen=True)
class Reason:
    kind: str  # holiday | weekend | break
    name: str  # the holiday's English name, the break's name, or the weekday index for a weekend


@dataclass(frozen=True)
class Meeting:
    series: Series
    index: int  # the series' place in the template: its ring and colour
    date: dt.date
    planned: dt.date  # where the rule put it; equals date unless moved
    reason: Reason | None

    @property
    def uid(self) -> str:
        """Stable across runs: the series and the date the rule gave, so a re-import updates."""
        return f"{self.series.id}-{self.planned:%Y%m%d}@bti"


@dataclass(frozen=True)
class Span:
    name: str
    first: dt.date
    last: dt.date


class Calendar:
    """Which days are free of meetings in a period, and why."""

    def __init__(self, template: Template, period: r.Period) -> None:
        self.template = template
        self.period = period
        # Meetings left out: moving them would put them on another of the same series (a
        # weekly meeting in a break week), or no free day was left in the period.
        self.dropped: list[tuple[Series, dt.date, Reason]] = []

    @cached_property
    def holidays(self) -> dict[dt.date, str]:
        from holidays.countries.norway import Norway

        years = range(self.period.first.year - 1, self.period.last.year + 2)
        found = Norway(years=years, include_sundays=False, language="en_US")
        return {day: str(name) for day, name in found.items()}

    @cached_property
    def breaks(self) -> list[Span]:
        spans: list[Span] = []
        years = range(self.period.first.year - 1, self.period.last.year + 2)
        for item in self.template.breaks:
            spans.extend(_spans(item, years))
        if self.template.summer_break:
            spans.extend(Span(SUMMER, dt.date(y, 7, 1), dt.date(y, 7, 31)) for y in years)
        return sorted(spans, key=lambda s: (s.first, s.last))

    @cached_property
    def _break_days(self) -> dict[dt.date, str]:
        days: dict[dt.date, str] = {}
        for span in self.breaks:
            day = span.first
            while day <= span.last:
                days.setdefault(day, span.name)
                day += dt.timedelta(days=1)
        return days

    def reason(self, day: dt.date) -> Reason | None:
        if day in self.holidays:
            return Reason("holiday", self.holidays[day])
        if day in self._break_days:
            return Reason("break", self._break_days[day])
        if day.weekday() >= 5:
            return Reason("weekend", str(day.weekday()))
        return None

    def blocked(self, day: dt.date) -> bool:
        return self.reason(day) is not None

    def place(self, day: dt.date) -> dt.date | None:
        """The next free day from `day`, else the last free day before it, inside the period."""
        for step in (1, -1):
            probe = day
            while probe in self.period:
                if not self.blocked(probe):
                    return probe
                probe += dt.timedelta(days=step)
        return None


def _spans(item: Break, years: range) -> list[Span]:
    if item.weeks:
        out = []
        for year in years:
            for week in item.weeks:
                try:
                    monday = dt.date.fromisocalendar(year, week, 1)
                except ValueError:  # week 53 in a year that has 52
                    continue
                out.append(Span(item.name, monday, monday + dt.timedelta(days=6)))
        return out
    if isinstance(item.start, dt.date) and isinstance(item.end, dt.date):
        return [Span(item.name, item.start, item.end)]
    assert isinstance(item.start, tuple) and isinstance(item.end, tuple)
    wraps = item.end < item.start  # e.g. 12-21 to 01-02: over New Year
    return [Span(item.name, _day(year, item.start), _day(year + wraps, item.end)) for year in years]


def _day(year: int, month_day: tuple[int, int]) -> dt.date:
    month, day = month_day
    try:
        return dt.date(year, month, day)
    except ValueError:  # 02-29 in a year without it
        return dt.date(year, month, day - 1)


def generate(template: Template, period: r.Period) -> tuple[list[Meeting], Calendar]:
    """Every meeting of the template in the period, moved off closed days, sorted by date."""
    calendar = Calendar(template, period)
    meetings: list[Meeting] = []
    for index, series in enumerate(template.series):
        try:
            planned = r.dates(series.rule, period, calendar.blocked, template.summer_break)
        except r.RuleProblem as err:
            line, col = locate(template.text, err.place)
            raise FileProblem(template.source, line, col, err.message) from None
        taken: set[dt.date] = set(d for d in planned if not calendar.blocked(d))
        for day in planned:
            reason = calendar.reason(day)
            if reason is None:
                meetings.append(Meeting(series, index, day, day, None))
                continue
            moved = calendar.place(day)
            # A weekly meeting in a break week would land on top of the next one: it is dropped.
            if moved is None or moved in taken:
                calendar.dropped.append((series, day, reason))
                continue
            taken.add(moved)
            meetings.append(Meeting(series, index, moved, day, reason))
    meetings.sort(key=lambda m: (m.date, m.series.time or dt.time(), m.index))
    return meetings, calendar
