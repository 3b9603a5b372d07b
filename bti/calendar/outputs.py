"""Dated meetings as a Markdown table by month, CSV, JSON (DESIGN §5) and iCalendar."""

from __future__ import annotations

import datetime as dt
import json
from itertools import groupby
from typing import Any

from bti.calendar import texts as t
from bti.calendar.rules import Period
from bti.calendar.schedule import SUMMER, Meeting, Reason
from bti.calendar.template import Template

FORMATS = ("md", "csv", "json", "ics", "svg")
COLUMNS = (
    "date",
    "weekday",
    "time",
    "name",
    "participants",
    "responsible",
    "purpose",
    "place",
    "moved_from",
    "reason",
    "series",
    "uid",
)


def period_label(period: Period, lang: str) -> str:
    if period.kind == "school":
        return t.word(lang, "school_year", a=period.first.year, b=period.last.year)
    return t.word(lang, "calendar_year", a=period.first.year)


def break_name(name: str, lang: str) -> str:
    return t.word(lang, "summer") if name == SUMMER else name


def reason_text(reason: Reason, lang: str) -> str:
    if reason.kind == "holiday":
        return t.word(lang, "holiday", name=t.holiday_name(lang, reason.name))
    if reason.kind == "weekend":
        return t.word(lang, "weekend", day=t.day_name(lang, int(reason.name)))
    return t.word(lang, "break", name=break_name(reason.name, lang))


def moved_text(meeting: Meeting, lang: str) -> str:
    if meeting.reason is None:
        return ""
    return t.word(
        lang,
        "moved",
        date=t.short_date(lang, meeting.planned),
        reason=reason_text(meeting.reason, lang),
    )


def rows(meetings: list[Meeting], lang: str) -> list[dict[str, Any]]:
    return [
        {
            "date": m.date.isoformat(),
            "weekday": t.weekday_name(lang, m.date),
            "time": m.series.time.strftime("%H:%M") if m.series.time else None,
            "name": m.series.name,
            "participants": list(m.series.participants),
            "responsible": m.series.responsible,
            "purpose": m.series.purpose,
            "place": m.series.place,
            "moved_from": m.planned.isoformat() if m.reason else None,
            "reason": reason_text(m.reason, lang) if m.reason else None,
            "series": m.series.id,
            "uid": m.uid,
        }
        for m in meetings
    ]


def to_json(meetings: list[Meeting], lang: str) -> str:
    return json.dumps(rows(meetings, lang), ensure_ascii=False, indent=2) + "\n"


def to_csv(meetings: list[Meeting], lang: str) -> str:
    from bti.output import render_rows

    return render_rows(rows(meetings, lang), COLUMNS, "csv") + "\n"


def to_markdown(template: Template, period: Period, meetings: list[Meeting], lang: str) -> str:
    from tabulate import tabulate

    heads = [
        t.word(lang, k) for k in ("date", "day", "meeting", "participants", "responsible", "note")
    ]
    out = [f"# {template.title} — {period_label(period, lang)}", ""]
    if not meetings:
        out += [t.word(lang, "none"), ""]
    for (year, month), group in groupby(meetings, key=lambda m: (m.date.year, m.date.month)):
        table = [
            [
                f"{m.date:%d.%m.}" + (f" {m.series.time:%H:%M}" if m.series.time else ""),
                t.weekday_name(lang, m.date),
                m.series.name,
                ", ".join(m.series.participants),
                m.series.responsible or "",
                moved_text(m, lang),
            ]
            for m in group
        ]
        out += [
            f"## {t.month_name(lang, month).capitalize()} {year}",
            "",
            tabulate(table, headers=heads, tablefmt="github"),
            "",
        ]
    series = len({m.series.id for m in meetings})
    out.append(t.word(lang, "count", n=len(meetings), m=series))
    return "\n".join(out) + "\n"


def _description(meeting: Meeting, lang: str) -> str:
    s = meeting.series
    lines = []
    if s.purpose:
        lines.append(f"{t.word(lang, 'purpose')}: {s.purpose}")
    if s.participants:
        lines.append(f"{t.word(lang, 'participants')}: {', '.join(s.participants)}")
    if s.responsible:
        lines.append(f"{t.word(lang, 'responsible')}: {s.responsible}")
    if meeting.reason:
        lines.append(moved_text(meeting, lang) + ".")
    return "\n".join(lines)


def to_ics(
    template: Template, period: Period, meetings: list[Meeting], lang: str, stamp: dt.datetime
) -> str:
    """One VEVENT per meeting: all-day, or in Europe/Oslo (with its VTIMEZONE) when timed."""
    from zoneinfo import ZoneInfo

    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//bti//årshjul//NO")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{template.title} — {period_label(period, lang)}")
    cal.add("x-wr-timezone", "Europe/Oslo")
    oslo = ZoneInfo("Europe/Oslo")
    utc_stamp = stamp.astimezone(dt.UTC)
    for m in meetings:
        event = Event()
        event.add("uid", m.uid)
        event.add("dtstamp", utc_stamp)
        event.add("summary", m.series.name)
        if m.series.time is None:
            event.add("dtstart", m.date)
            event.add("dtend", m.date + dt.timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        else:
            start = dt.datetime.combine(m.date, m.series.time, tzinfo=oslo)
            event.add("dtstart", start)
            event.add("dtend", start + dt.timedelta(minutes=m.series.minutes))
        description = _description(m, lang)
        if description:
            event.add("description", description)
        if m.series.place:
            event.add("location", m.series.place)
        event.add("categories", ["BTI"])
        cal.add_component(event)
    if any(m.series.time for m in meetings):
        cal.add_missing_timezones(
            first_date=dt.date(period.first.year, 1, 1),
            last_date=dt.date(period.last.year + 1, 1, 1),
        )
    return str(cal.to_ical().decode("utf-8"))
