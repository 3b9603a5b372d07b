"""Reading an årshjul template (DESIGN §5) into typed series; every problem at file:line:col.

Municipalities write these files by hand, so each message says what is wrong and what to do. The
checks are written out rather than left to a schema library: the messages are the product here.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bti import yamlio
from bti.calendar import rules as r
from bti.calendar.checks import Checker, load
from bti.i18n import _

_KINDS = ("date", "nth_weekday", "every", "times_per_year", "iso_week", "easter", "month", "rrule")
_BESIDE = {  # keys allowed next to each rule kind in `when`
    "date": (),
    "nth_weekday": ("months",),
    "every": (),
    "times_per_year": ("weekday",),
    "iso_week": ("weekday",),
    "easter": (),
    "month": ("weekday",),
    "rrule": (),
}
_TOP = ("title", "year", "summer_break", "breaks", "meetings")
_MEETING = (
    "name",
    "id",
    "participants",
    "responsible",
    "purpose",
    "place",
    "time",
    "minutes",
    "when",
)


@dataclass(frozen=True)
class Break:
    name: str
    weeks: tuple[int, ...] = ()
    start: tuple[int, int] | dt.date | None = None  # (month, day) every year, or one date
    end: tuple[int, int] | dt.date | None = None


@dataclass(frozen=True)
class Series:
    name: str
    id: str
    rule: r.Rule
    participants: tuple[str, ...] = ()
    responsible: str | None = None
    purpose: str | None = None
    place: str | None = None
    time: dt.time | None = None
    minutes: int = 60


@dataclass(frozen=True)
class Template:
    source: str
    text: str = field(repr=False, compare=False)
    title: str
    year: str  # school | calendar
    summer_break: bool
    breaks: tuple[Break, ...]
    series: tuple[Series, ...]


def read(path: Path, shown: str | None = None) -> Template:
    name = shown or str(path)
    return parse(yamlio.read_text(path, name, follow=True), name)  # a file the user named


def parse(text: str, name: str) -> Template:
    return _Reader(text, name).template(load(text, name))


def slug(name: str) -> str:
    """An ASCII id for a series: 'TOT ungdomsskule' -> 'tot-ungdomsskule'; æøå spelled out."""
    plain = name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    plain = unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "meeting"


class _Reader(Checker):
    def template(self, data: Any) -> Template:
        if data is None:
            self.fail((), _("the template is empty — start from templates/arshjul.yaml"))
        data = self.mapping(data, (), _("the template"))
        self.keys(data, (), _TOP, _("the template"))
        year = data.get("year", "school")
        if year not in ("school", "calendar"):
            self.fail(
                ("year",),
                _(
                    "year should be school or calendar, not {value} — school runs August–June, "
                    "calendar January–December"
                ).format(value=repr(year)),
            )
        summer = data.get("summer_break", year == "school")
        if not isinstance(summer, bool):
            self.fail(
                ("summer_break",),
                _(
                    "summer_break should be true or false — July is a break in a school year "
                    "unless this says false"
                ),
            )
        title = self.text_value(data.get("title", "Årshjul"), ("title",), "title")
        breaks = data.get("breaks") or []
        if not isinstance(breaks, list):
            self.fail(
                ("breaks",),
                _("breaks should be a list — start each break on a new line with '- '"),
            )
        meetings = data.get("meetings")
        if not isinstance(meetings, list) or not meetings:
            self.fail(
                ("meetings",),
                _(
                    "the template has no meetings — add meetings: a list of the recurring "
                    "meetings, each with a name and a when"
                ),
            )
        series = tuple(self.series(m, ("meetings", i)) for i, m in enumerate(meetings))
        seen: dict[str, int] = {}
        for index, item in enumerate(series):
            if item.id in seen:
                self.fail(
                    ("meetings", index, "name"),
                    _(
                        "two meetings are called '{name}' (also item {item}) — give each its own "
                        "name or id"
                    ).format(name=item.name, item=seen[item.id] + 1),
                )
            seen[item.id] = index
        return Template(
            source=self.name,
            text=self.text,
            title=title,
            year=year,
            summer_break=summer,
            breaks=tuple(self.pause(b, ("breaks", i)) for i, b in enumerate(breaks)),
            series=series,
        )

    def pause(self, value: Any, loc: tuple[str | int, ...]) -> Break:
        data = self.mapping(value, loc, _("a break"))
        self.keys(data, loc, ("name", "weeks", "from", "to"), _("a break"))
        name = self.text_value(data.get("name"), (*loc, "name"), _("the break's name"))
        if "weeks" in data:
            if "from" in data or "to" in data:
                self.fail(
                    (*loc, "from"),
                    _("a break has either weeks or from/to, not both — make two breaks"),
                )
            weeks = data["weeks"] if isinstance(data["weeks"], list) else [data["weeks"]]
            if not weeks:
                self.fail(
                    (*loc, "weeks"),
                    _(
                        "the break '{name}' lists no weeks — write the ISO week numbers, for "
                        "example weeks: [40]"
                    ).format(name=name),
                )
            return Break(
                name,
                weeks=tuple(
                    self.integer(w, (*loc, "weeks", i), _("an ISO week"), 1, 53)
                    for i, w in enumerate(weeks)
                ),
            )
        if "from" not in data or "to" not in data:
            self.fail(
                loc,
                _(
                    "the break '{name}' needs weeks: [..] or both from: and to: — for example "
                    '{{from: "12-21", to: "01-02"}}'
                ).format(name=name),
            )
        start = self.date(data["from"], (*loc, "from"), yearly=True)
        end = self.date(data["to"], (*loc, "to"), yearly=True)
        if isinstance(start, dt.date) != isinstance(end, dt.date):
            self.fail(
                (*loc, "to"),
                _(
                    "from and to are written differently — write both as YYYY-MM-DD or both as "
                    "MM-DD"
                ),
            )
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            self.fail(
                (*loc, "to"),
                _("the break ends ({end}) before it starts ({start}) — swap from and to").format(
                    end=end, start=start
                ),
            )
        if isinstance(start, tuple) and isinstance(end, tuple) and end < start:
            # Across New Year; counted from the first of each month, so 02-29 needs no leap year.
            length = (_month_day(2025, end) - _month_day(2024, start)).days
            if length > 60:
                self.fail(
                    (*loc, "to"),
                    _(
                        "the break ends ({end}) before it starts ({start}) — swap from and to (a "
                        "break may run over New Year, but not for more than two months)"
                    ).format(end=f"{end[0]:02}-{end[1]:02}", start=f"{start[0]:02}-{start[1]:02}"),
                )
        return Break(name, start=start, end=end)

    def series(self, value: Any, loc: tuple[str | int, ...]) -> Series:
        data = self.mapping(value, loc, _("a meeting"))
        self.keys(data, loc, _MEETING, _("a meeting"))
        if "name" not in data:
            self.fail(loc, _("a meeting needs a name — add name: …"))
        name = self.text_value(data["name"], (*loc, "name"), _("the meeting's name"))
        if "when" not in data:
            self.fail(
                (*loc, "name"),
                _(
                    "the meeting '{name}' has no when — add a rule such as "
                    "when: {{nth_weekday: {{n: 1, weekday: tuesday}}}}"
                ).format(name=name),
            )
        ident = slug(self.text_value(data["id"], (*loc, "id"), "id") if "id" in data else name)
        people = data.get("participants") or []
        people = people if isinstance(people, list) else [people]
        optional = {
            key: self.text_value(data[key], (*loc, key), key) if data.get(key) is not None else None
            for key in ("responsible", "purpose", "place")
        }
        return Series(
            name=name,
            id=ident,
            rule=self.rule(data["when"], (*loc, "when")),
            participants=tuple(
                self.text_value(p, (*loc, "participants", i), _("a participant"))
                for i, p in enumerate(people)
            ),
            time=self.clock(data["time"], (*loc, "time")) if "time" in data else None,
            minutes=self.integer(data.get("minutes", 60), (*loc, "minutes"), "minutes", 5, 720),
            **optional,
        )

    def rule(self, value: Any, loc: tuple[str | int, ...]) -> r.Rule:
        data = self.mapping(value, loc, "when")
        kinds = [k for k in data if k in _KINDS]
        strange = [k for k in data if k not in _KINDS and k not in ("months", "weekday")]
        if not kinds and strange:
            self.fail(
                (*loc, strange[0]),
                _("'{key}' is not a kind of rule — use one of {kinds}").format(
                    key=strange[0], kinds=", ".join(_KINDS)
                ),
            )
        if len(kinds) != 1:
            where = (*loc, kinds[1]) if kinds else loc
            if kinds:
                said = _("when needs exactly one rule, found {n} ({found}) — use one of {kinds}")
            else:
                said = _("when needs exactly one rule, found {n} — use one of {kinds}")
            self.fail(
                where, said.format(n=len(kinds), found=", ".join(kinds), kinds=", ".join(_KINDS))
            )
        kind = kinds[0]
        self.keys(data, loc, (kind, *_BESIDE[kind]), _("a {kind} rule").format(kind=kind))
        at = (*loc, kind)
        body = data[kind]
        if kind == "date":
            when = self.date(body, at, yearly=True)
            return r.FixedDate(
                when if isinstance(when, dt.date) else None,
                when if isinstance(when, tuple) else None,
            )
        if kind == "nth_weekday":
            body = self.mapping(body, at, "nth_weekday")
            self.keys(body, at, ("n", "weekday"), "nth_weekday")
            for key in ("n", "weekday"):
                if key not in body:
                    self.fail(
                        at,
                        _(
                            "nth_weekday needs {key} — for example {{n: 1, weekday: thursday}}"
                        ).format(key=key),
                    )
            n = self.integer(
                body["n"],
                (*at, "n"),
                "n",
                -5,
                5,
                _("1 is the first, 5 the fifth, -1 the last of the month"),
            )
            if n == 0:
                self.fail(
                    (*at, "n"),
                    _("n: 0 is not a week of the month — 1 is the first, -1 the last"),
                )
            months = None
            if "months" in data:
                raw = data["months"] if isinstance(data["months"], list) else [data["months"]]
                months = tuple(
                    self.integer(m, (*loc, "months", i), _("a month"), 1, 12)
                    for i, m in enumerate(raw)
                )
            return r.NthWeekday(
                n, self.weekday(body["weekday"], (*at, "weekday")), months, self.place((*at, "n"))
            )
        if kind == "every":
            return self.every(body, at)
        weekday = self.weekday(data["weekday"], (*loc, "weekday")) if "weekday" in data else None
        if kind == "times_per_year":
            return r.TimesPerYear(self.integer(body, at, "times_per_year", 1, 52), weekday)
        if kind == "iso_week":
            if weekday is None:
                self.fail(
                    at,
                    _(
                        "iso_week needs a weekday beside it — for example "
                        "{{iso_week: 9, weekday: monday}}"
                    ),
                )
            return r.IsoWeek(self.integer(body, at, "iso_week", 1, 53), weekday)
        if kind == "easter":
            return r.Easter(
                self.integer(
                    body,
                    at,
                    "easter",
                    -180,
                    180,
                    _("days from Easter Sunday: -4 is the Wednesday before"),
                )
            )
        if kind == "month":
            return r.InMonth(self.integer(body, at, "month", 1, 12), weekday, self.place(at))
        text = self.text_value(body, at, "rrule")
        try:
            r.parse_rrule(text, dt.date(2026, 1, 1))
        except ValueError as err:
            self.fail(
                at,
                _(
                    "the RRULE cannot be read ({problem}) — write it as in RFC 5545, for example "
                    "FREQ=MONTHLY;BYDAY=1TU"
                ).format(problem=err),
            )
        return r.RRule(text, self.place(at))

    def every(self, body: Any, at: tuple[str | int, ...]) -> r.Every:
        body = self.mapping(body, at, "every")
        self.keys(body, at, ("weeks", "months", "weekday", "start"), "every")
        if ("weeks" in body) == ("months" in body):
            self.fail(
                at,
                _(
                    "every needs weeks: N or months: N (one of them) — for example "
                    "{{weeks: 4, weekday: wednesday, start: 2026-08-19}}"
                ),
            )
        unit = "weeks" if "weeks" in body else "months"
        count = self.integer(body[unit], (*at, unit), unit, 1, 52 if unit == "weeks" else 12)
        start = self.date(body["start"], (*at, "start"), yearly=False) if "start" in body else None
        if isinstance(start, dt.date) and not 1900 <= start.year <= 2200:
            self.fail(
                (*at, "start"),
                _("start {start} is far from any school year — check the year").format(start=start),
            )
        weekday = self.weekday(body["weekday"], (*at, "weekday")) if "weekday" in body else None
        return r.Every(
            count if unit == "weeks" else None,
            count if unit == "months" else None,
            weekday,
            start if isinstance(start, dt.date) else None,
        )


def _month_day(year: int, month_day: tuple[int, int]) -> dt.date:
    """The day MM-DD in `year`, counted from the first of the month (02-29 in any year)."""
    month, day = month_day
    return dt.date(year, month, 1) + dt.timedelta(days=day - 1)
