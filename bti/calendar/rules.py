"""The rule kinds of an årshjul template, and the dates each gives in a period.

A rule gives the dates the template asks for; moving them off holidays, weekends and breaks is
`schedule`'s work. Date arithmetic is dateutil's (rrule, relativedelta, easter), never our own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from dateutil.easter import easter
from dateutil.relativedelta import relativedelta
from dateutil.rrule import FR, MO, SA, SU, TH, TU, WE, WEEKLY, YEARLY, rrule, rrulestr

from bti.errors import InputError
from bti.i18n import _

WEEKDAYS = (MO, TU, WE, TH, FR, SA, SU)
MAX_OCCURRENCES = 1000  # an RRULE may say FREQ=HOURLY; a year of meetings is never more than this
Place = tuple[str | int, ...]  # a key path in the template, for problems found while generating


class RuleProblem(InputError):
    """A rule that reads well but gives no dates in this period; `place` is in the template."""

    def __init__(self, place: Place, message: str) -> None:
        super().__init__(message)
        self.place = place


@dataclass(frozen=True)
class Period:
    kind: str  # "school" | "calendar"
    first: dt.date
    last: dt.date

    @classmethod
    def school(cls, year: int) -> Period:
        return cls("school", dt.date(year, 8, 1), dt.date(year + 1, 6, 30))

    @classmethod
    def calendar(cls, year: int) -> Period:
        return cls("calendar", dt.date(year, 1, 1), dt.date(year, 12, 31))

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.first <= day <= self.last

    def months(self) -> Iterator[tuple[int, int]]:
        """(year, month) of each month in the period, in order."""
        day = self.first.replace(day=1)
        while day <= self.last:
            yield day.year, day.month
            day += relativedelta(months=1)

    def wheel_months(self) -> list[tuple[int, int]]:
        """Twelve months from the first one: a school year's wheel shows July too (as summer)."""
        start = self.first.replace(day=1)
        return [((d := start + relativedelta(months=i)).year, d.month) for i in range(12)]


@dataclass(frozen=True)
class FixedDate:
    date: dt.date | None  # one day
    month_day: tuple[int, int] | None  # or the same day every year


@dataclass(frozen=True)
class NthWeekday:
    n: int  # 1..5, or -1..-5 counted from the end of the month
    weekday: int
    months: tuple[int, ...] | None
    n_place: Place


@dataclass(frozen=True)
class Every:
    weeks: int | None
    months: int | None
    weekday: int | None
    start: dt.date | None


@dataclass(frozen=True)
class TimesPerYear:
    times: int
    weekday: int | None


@dataclass(frozen=True)
class IsoWeek:
    week: int
    weekday: int


@dataclass(frozen=True)
class Easter:
    days: int  # relative to Easter Sunday: -4 is the Wednesday before


@dataclass(frozen=True)
class InMonth:
    month: int
    weekday: int | None
    place: Place


@dataclass(frozen=True)
class RRule:
    text: str
    place: Place


Rule = FixedDate | NthWeekday | Every | TimesPerYear | IsoWeek | Easter | InMonth | RRule
Blocked = Callable[[dt.date], bool]


def dates(rule: Rule, period: Period, blocked: Blocked, summer: bool) -> list[dt.date]:
    """The dates `rule` asks for in `period`, sorted, before any moving."""
    found = _DISPATCH[type(rule)](rule, period, blocked, summer)
    return sorted({d for d in found if d in period})


def _fixed(rule: FixedDate, period: Period, _b: Blocked, _s: bool) -> list[dt.date]:
    if rule.date is not None:
        return [rule.date]
    assert rule.month_day is not None
    month, day = rule.month_day
    out = []
    for year in range(period.first.year, period.last.year + 1):
        try:
            out.append(dt.date(year, month, day))
        except ValueError:  # 29 February in a year without it
            continue
    return out


def _nth(rule: NthWeekday, period: Period, _b: Blocked, _s: bool) -> list[dt.date]:
    out = []
    for year, month in period.months():
        if rule.months is not None and month not in rule.months:
            continue
        first = dt.date(year, month, 1)
        if rule.n > 0:
            day = first + relativedelta(weekday=WEEKDAYS[rule.weekday](rule.n))
        else:
            day = first + relativedelta(day=31, weekday=WEEKDAYS[rule.weekday](rule.n))
        if day.month != month:
            raise RuleProblem(rule.n_place, _no_nth(rule, year, month))
        out.append(day)
    return out


def _no_nth(rule: NthWeekday, year: int, month: int) -> str:
    from bti.calendar.texts import day_name, month_name
    from bti.i18n import current

    lang = current()
    k = abs(rule.n)
    # 1st, 2nd, 5th in English; 1., 2., 5. in Norwegian.
    which = f"{k}{'th' if k > 3 else ('st', 'nd', 'rd')[k - 1]}" if lang == "en" else f"{k}."
    weekday, name = day_name(lang, rule.weekday), month_name(lang, month)
    if lang == "en":
        weekday = weekday.capitalize()
    if rule.n > 0:
        said = _(
            "there is no {which} {weekday} in {month} {year} — use n: -1 for the last one of the "
            "month, or list only the months that have it"
        )
    else:
        said = _(
            "there is no {which} {weekday} from the end in {month} {year} — use n: 1 for the "
            "first one of the month, or list only the months that have it"
        )
    return said.format(which=which, weekday=weekday, month=name, year=year)


def _every(rule: Every, period: Period, _b: Blocked, _s: bool) -> list[dt.date]:
    start = rule.start or period.first

    def align(day: dt.date) -> dt.date:
        if rule.weekday is None:
            return day
        return day + relativedelta(weekday=WEEKDAYS[rule.weekday](+1))

    if rule.weeks is not None:
        first = align(start)
        found = rrule(WEEKLY, interval=rule.weeks, dtstart=first, until=period.last)
        return [d.date() for d in found]
    assert rule.months is not None
    out: list[dt.date] = []
    step = 0
    while (base := start + relativedelta(months=step * rule.months)) <= period.last:
        out.append(align(base))  # relativedelta keeps the 31st as the month's last day
        step += 1
    return out


def _spread(rule: TimesPerYear, period: Period, blocked: Blocked, _s: bool) -> list[dt.date]:
    """K dates at the middle of K equal shares of the period's working days.

    July is left out in every kind of year, break or not: it is when Norway is on holiday.
    """
    days = []
    day = period.first
    while day <= period.last:
        if day.weekday() < 5 and day.month != 7 and not blocked(day):
            days.append(day)
        day += dt.timedelta(days=1)
    if (
        period.kind == "school"
    ):  # the first and last weeks of a school year are for starting and ending
        days = [d for d in days if not _term_edge(d)]
    if not days:
        return []
    picks = [
        days[min(len(days) - 1, int((i + 0.5) * len(days) / rule.times))] for i in range(rule.times)
    ]
    if rule.weekday is None:
        return picks
    return [p + relativedelta(weekday=WEEKDAYS[rule.weekday](+1)) for p in picks]


def _term_edge(day: dt.date) -> bool:
    return (day.month == 8 and day.day < 15) or (day.month == 6 and day.day > 15)


def _iso_week(rule: IsoWeek, period: Period, _b: Blocked, _s: bool) -> list[dt.date]:
    found = rrule(
        YEARLY,
        byweekno=rule.week,
        byweekday=WEEKDAYS[rule.weekday],
        dtstart=period.first - dt.timedelta(days=7),
        until=period.last + dt.timedelta(days=7),
    )
    return [d.date() for d in found]


def _easter(rule: Easter, period: Period, _b: Blocked, _s: bool) -> list[dt.date]:
    years = range(period.first.year - 1, period.last.year + 2)
    return [easter(y) + dt.timedelta(days=rule.days) for y in years]


def _in_month(rule: InMonth, period: Period, blocked: Blocked, _s: bool) -> list[dt.date]:
    out = []
    for year, month in period.months():
        if month != rule.month:
            continue
        day = dt.date(year, month, 1)
        if rule.weekday is not None:
            out.append(day + relativedelta(weekday=WEEKDAYS[rule.weekday](+1)))
            continue
        while day.month == month and (day.weekday() >= 5 or blocked(day)):
            day += dt.timedelta(days=1)  # the first working day of the month
        out.append(day if day.month == month else dt.date(year, month, 1))
    if not out:
        raise RuleProblem(rule.place, _month_missing(rule.month, period))
    return out


def _month_missing(month: int, period: Period) -> str:
    from bti.calendar.texts import month_name
    from bti.i18n import current

    if period.kind == "school":
        said = _(
            "{month} is not part of the school year {first} to {last} — choose a month inside "
            "it, or set year: calendar"
        )
    else:
        said = _(
            "{month} is not part of the calendar year {first} to {last} — choose a month "
            "inside it, or set year: calendar"
        )
    return said.format(
        month=month_name(current(), month).capitalize(),
        first=f"{period.first:%Y-%m-%d}",
        last=f"{period.last:%Y-%m-%d}",
    )


def parse_rrule(text: str, start: dt.date) -> rrule:
    """An RFC 5545 RRULE anchored at `start`; ValueError with dateutil's reason if it is none."""
    body = text.strip()
    if not body.upper().startswith(("RRULE:", "DTSTART")):
        body = "RRULE:" + body
    try:
        parsed = rrulestr(body, dtstart=dt.datetime.combine(start, dt.time()), ignoretz=True)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as err:
        raise ValueError(str(err) or type(err).__name__) from None
    if not isinstance(parsed, rrule):
        raise ValueError(_("give one RRULE, not a set of rules"))
    return parsed


def _rrule(rule: RRule, period: Period, _b: Blocked, _s: bool) -> list[dt.date]:
    try:
        parsed = parse_rrule(rule.text, period.first)
        if getattr(parsed, "_count", None) is None:  # bounded, so an impossible rule cannot run
            until = dt.datetime.combine(period.last, dt.time(23, 59))  # on to the year 9999
            given: dt.datetime | None = getattr(parsed, "_until", None)
            if given is None or given.replace(tzinfo=None) > until:
                parsed = parsed.replace(until=until)
        out: list[dt.date] = []
        for when in parsed:
            if when.date() > period.last:
                break
            if not out or out[-1] != when.date():
                out.append(when.date())
            if len(out) > MAX_OCCURRENCES:
                raise RuleProblem(
                    rule.place,
                    _(
                        "this RRULE gives more than 1000 meetings a year — use FREQ=WEEKLY or a "
                        "larger INTERVAL"
                    ),
                )
    except (ValueError, TypeError, OverflowError) as err:
        raise RuleProblem(
            rule.place,
            _(
                "the RRULE cannot be read ({problem}) — write it as in RFC 5545, for example "
                "FREQ=MONTHLY;BYDAY=1TU"
            ).format(problem=err),
        ) from None
    return out


_DISPATCH: dict[type, Callable[[object, Period, Blocked, bool], list[dt.date]]] = {
    FixedDate: _fixed,  # type: ignore[dict-item]
    NthWeekday: _nth,  # type: ignore[dict-item]
    Every: _every,  # type: ignore[dict-item]
    TimesPerYear: _spread,  # type: ignore[dict-item]
    IsoWeek: _iso_week,  # type: ignore[dict-item]
    Easter: _easter,  # type: ignore[dict-item]
    InMonth: _in_month,  # type: ignore[dict-item]
    RRule: _rrule,  # type: ignore[dict-item]
}
