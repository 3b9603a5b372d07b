"""The årshjul as an SVG wheel for an A4 page.

The year is a circle read clockwise from the top, starting with the first month of the period. Each
series has its own ring (1 is the outermost), numbered at the top and the bottom, and its own marker — a colour
and a shape, so that 19 series are 19 markers even where colours repeat; a meeting is a marker,
hollow when it was moved, with the day of the month beside it where there is room (its full date
is the marker's tooltip). Breaks are grey across all rings. The legend below the wheel names each
ring with its marker.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from bti.calendar import texts as t
from bti.calendar.outputs import break_name, period_label
from bti.calendar.rules import Period
from bti.calendar.schedule import Calendar, Meeting
from bti.calendar.template import Template

WIDTH, HEIGHT = 840, 1188  # 4 units to the millimetre: A4 portrait
CX, CY = 420.0, 480.0
R_IN, R_OUT, R_MONTH = 95.0, 300.0, 345.0
PALETTE = (
    "#1f5fa8",
    "#c8501e",
    "#1a8a5a",
    "#a8327e",
    "#b58900",
    "#4a90c8",
    "#7a4e2d",
    "#5b5b5b",
    "#d0306a",
    "#2e7d7a",
    "#6a4bb0",
    "#8a8a1a",
)
FONT = 'font-family="Liberation Sans, Arial, Helvetica, sans-serif"'
SHAPES = ("circle", "square", "diamond", "triangle")


def style(index: int) -> tuple[str, str]:
    """The colour and shape of series `index`: the colours repeat every twelve series, and each
    repeat has another shape (neighbouring series differ in both)."""
    return PALETTE[index % len(PALETTE)], SHAPES[(index + index // len(PALETTE)) % len(SHAPES)]


def _marker(shape: str, x: float, y: float, r: float, attrs: str, inner: str = "") -> str:
    """A marker of `shape` with radius about `r` centred on (x, y)."""
    close = f">{inner}</" if inner else "/>"
    if shape == "circle":
        head = f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" {attrs}'
        return head + (f"{close}circle>" if inner else close)
    if shape == "square":
        side = r * 1.7
        head = (
            f'<rect x="{_n(x - side / 2)}" y="{_n(y - side / 2)}" width="{_n(side)}" '
            f'height="{_n(side)}" {attrs}'
        )
        return head + (f"{close}rect>" if inner else close)
    if shape == "diamond":
        d = r * 1.25
        points = f"{_n(x)},{_n(y - d)} {_n(x + d)},{_n(y)} {_n(x)},{_n(y + d)} {_n(x - d)},{_n(y)}"
    else:  # triangle, pointing up
        d = r * 1.3
        points = (
            f"{_n(x)},{_n(y - d)} {_n(x + d * 0.95)},{_n(y + d * 0.7)} "
            f"{_n(x - d * 0.95)},{_n(y + d * 0.7)}"
        )
    head = f'<polygon points="{points}" {attrs}'
    return head + (f"{close}polygon>" if inner else close)


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _point(angle: float, radius: float) -> tuple[float, float]:
    return CX + radius * math.sin(angle), CY - radius * math.cos(angle)


def _sector(a0: float, a1: float, r0: float, r1: float) -> str:
    """An annular sector from angle a0 to a1 (radians, clockwise from the top)."""
    large = 1 if a1 - a0 > math.pi else 0
    x0, y0 = _point(a0, r1)
    x1, y1 = _point(a1, r1)
    x2, y2 = _point(a1, r0)
    x3, y3 = _point(a0, r0)
    return (
        f"M{_n(x0)},{_n(y0)} A{_n(r1)},{_n(r1)} 0 {large} 1 {_n(x1)},{_n(y1)} "
        f"L{_n(x2)},{_n(y2)} A{_n(r0)},{_n(r0)} 0 {large} 0 {_n(x3)},{_n(y3)} Z"
    )


class _Wheel:
    def __init__(self, period: Period) -> None:
        self.start = period.first.replace(day=1)
        year, month = period.wheel_months()[-1]
        self.end = dt.date(year + (month == 12), month % 12 + 1, 1)
        self.days = (self.end - self.start).days

    def angle(self, day: dt.date, middle: bool = False) -> float:
        return 2 * math.pi * ((day - self.start).days + (0.5 if middle else 0)) / self.days


def wheel(template: Template, period: Period, meetings: list[Meeting], lang: str) -> str:
    w = _Wheel(period)
    rings = max(1, len(template.series))
    width = (R_OUT - R_IN) / rings
    ring_r = [R_OUT - width * (i + 0.5) for i in range(rings)]
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" {FONT}>',
        f"<title>{escape(template.title)} — {escape(period_label(period, lang))}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{WIDTH // 2}" y="58" text-anchor="middle" font-size="30" font-weight="bold" '
        f'fill="#1a1a1a">{escape(template.title)}</text>',
        f'<text x="{WIDTH // 2}" y="90" text-anchor="middle" font-size="19" fill="#444444">'
        f"{escape(period_label(period, lang).capitalize())}</text>",
    ]
    out += _months(w, lang)
    for i in range(rings):  # a faint band per ring, so the eye can follow a series round
        colour = PALETTE[i % len(PALETTE)]
        r = ring_r[i]
        out.append(
            f'<circle cx="{_n(CX)}" cy="{_n(CY)}" r="{_n(r)}" fill="none" '
            f'stroke="{colour}" stroke-opacity="0.13" stroke-width="{_n(width * 0.9)}"/>'
        )
    out += _breaks(w, Calendar(template, period), lang)
    for i in range(0, 13):  # month boundaries over the rings
        day = w.start.replace(day=1)
        year, month = divmod(day.month - 1 + i, 12)
        a = w.angle(dt.date(day.year + year, month + 1, 1)) if i < 12 else 0.0
        x0, y0 = _point(a, R_IN)
        x1, y1 = _point(a, R_MONTH)
        out.append(
            f'<line x1="{_n(x0)}" y1="{_n(y0)}" x2="{_n(x1)}" y2="{_n(y1)}" '
            f'stroke="#9a9a9a" stroke-width="1"/>'
        )
    dot = min(width * 0.42, 9.0)
    numbered = dot >= 8.0  # with room enough, the day of the month is written in the marker
    beside = _labelled(meetings, w, ring_r, dot) if not numbered else set()
    size = min(width * 0.72, 10.0)
    for k, m in enumerate(meetings):
        angle = w.angle(m.date, middle=True)
        x, y = _point(angle, ring_r[m.index])
        colour, shape = style(m.index)
        fill = "#ffffff" if m.reason else colour
        tip = f"{m.series.name}: {t.short_date(lang, m.date)}"
        attrs = f'fill="{fill}" stroke="{colour}" stroke-width="{_n(max(1.2, dot / 3))}"'
        out.append(_marker(shape, x, y, dot, attrs, f"<title>{escape(tip)}</title>"))
        if numbered:
            out.append(
                f'<text x="{_n(x)}" y="{_n(y + dot * 0.38)}" text-anchor="middle" '
                f'font-size="{_n(dot * 1.05)}" font-weight="bold" '
                f'fill="{colour if m.reason else "#ffffff"}">{m.date.day}</text>'
            )
        elif k in beside:  # the day beside the marker, clockwise along its ring
            gap = (dot + 1.5 + size * 0.6) / ring_r[m.index]
            lx, ly = _point(angle + gap, ring_r[m.index])
            out.append(
                f'<text x="{_n(lx)}" y="{_n(ly + size * 0.35)}" text-anchor="middle" '
                f'font-size="{_n(size)}" fill="#1a1a1a" stroke="#ffffff" stroke-width="2" '
                f'paint-order="stroke">{m.date.day}</text>'
            )
    for i in range(rings):  # ring numbers at the top and the bottom, on a white halo
        for half in range(2):
            x, y = _point(half * math.pi - 0.012, ring_r[i])
            out.append(
                f'<text x="{_n(x)}" y="{_n(y + min(width, 11) * 0.35)}" text-anchor="end" '
                f'font-size="{_n(min(width * 0.85, 11))}" fill="#333333" stroke="#ffffff" '
                f'stroke-width="2" paint-order="stroke">{i + 1}</text>'
            )
    label = (
        f"{period.first.year}–{period.last.year}"
        if period.kind == "school"
        else str(period.first.year)
    )
    out.append(
        f'<text x="{_n(CX)}" y="{_n(CY + 9)}" text-anchor="middle" font-size="26" '
        f'font-weight="bold" fill="#1a1a1a">{label}</text>'
    )
    out += _legend(template, meetings, lang, numbered or bool(beside))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _labelled(meetings: list[Meeting], w: _Wheel, ring_r: list[float], dot: float) -> set[int]:
    """The meetings (by position in `meetings`) whose day fits beside the marker, before the next
    marker on the same ring and clear of the ring numbers at the top and the bottom."""
    by_ring: dict[int, list[tuple[float, int]]] = {}
    for k, m in enumerate(meetings):
        by_ring.setdefault(m.index, []).append((w.angle(m.date, middle=True), k))
    room = set()
    for index, marks in by_ring.items():
        marks.sort()
        r = ring_r[index]
        need = (2 * dot + 14.0) / r  # the marker, a gap and two digits
        for j, (angle, k) in enumerate(marks):
            following = marks[j + 1][0] if j + 1 < len(marks) else marks[0][0] + 2 * math.pi
            seam = math.ceil((angle + 1e-9) / math.pi) * math.pi
            if following - angle > need and seam - angle > need:
                room.add(k)
    return room


def _months(w: _Wheel, lang: str) -> list[str]:
    out = []
    day = w.start
    for i in range(12):
        nxt = (day + dt.timedelta(days=32)).replace(day=1)
        a0, a1 = w.angle(day), w.angle(nxt) if i < 11 else 2 * math.pi
        fill = "#f3f5f8" if i % 2 == 0 else "#e6eaf0"
        out.append(f'<path d="{_sector(a0, a1, R_OUT + 4, R_MONTH)}" fill="{fill}"/>')
        middle = (a0 + a1) / 2
        x, y = _point(middle, (R_OUT + 4 + R_MONTH) / 2)
        name = t.month_name(lang, day.month).capitalize()
        if i == 0 or day.month == 1:
            name += f" {day.year}"
        turn = math.degrees(middle)  # along the circle, never upside down
        if 90 < turn < 270:
            turn -= 180
        out.append(
            f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="middle" dominant-baseline="central" '
            f'font-size="16" fill="#1a1a1a" transform="rotate({_n(turn)} {_n(x)} {_n(y)})">'
            f"{escape(name)}</text>"
        )
        day = nxt
    return out


def _breaks(w: _Wheel, calendar: Calendar, lang: str) -> list[str]:
    out = []
    for span in calendar.breaks:
        first, last = max(span.first, w.start), min(span.last, w.end - dt.timedelta(days=1))
        if first > last:
            continue
        a0, a1 = w.angle(first), w.angle(last + dt.timedelta(days=1))
        title = f"{break_name(span.name, lang)}: {first:%d.%m.}–{last:%d.%m.}"
        out.append(
            f'<path d="{_sector(a0, a1, R_IN, R_OUT)}" fill="#7a7a7a" fill-opacity="0.22">'
            f"<title>{escape(title)}</title></path>"
        )
    return out


def _legend(template: Template, meetings: list[Meeting], lang: str, numbered: bool) -> list[str]:
    """Two columns; a long name wraps onto a second line rather than shrinking or being cut."""
    count: dict[int, int] = {}
    for m in meetings:
        count[m.index] = count.get(m.index, 0) + 1
    per_column = math.ceil(len(template.series) / 2)
    entries = [
        textwrap.wrap(f"{series.name} ({count.get(i, 0)})", 54, max_lines=2, placeholder=" …")
        for i, series in enumerate(template.series)
    ]
    tallest = max(
        sum(len(e) for e in entries[:per_column]), sum(len(e) for e in entries[per_column:]), 1
    )
    line = min(20.0, (HEIGHT - 880 - 60) / tallest)
    size = min(13.0, line * 0.68)
    out = []
    y = {0: 880.0, 1: 880.0}
    for i, wrapped in enumerate(entries):
        col = i // per_column
        x = 40 + col * 400
        colour, shape = style(i)
        out.append(_marker(shape, x + 6, y[col] - size * 0.35, size * 0.42, f'fill="{colour}"'))
        for k, text in enumerate(wrapped):
            number = f'<tspan font-weight="bold">{i + 1}</tspan> ' if k == 0 else ""
            indent = 18 if k == 0 else 18 + size * 1.4
            out.append(
                f'<text x="{_n(x + indent)}" y="{_n(y[col])}" font-size="{_n(size)}" '
                f'fill="#1a1a1a">{number}{escape(text)}</text>'
            )
            y[col] += line
    notes = [t.word(lang, "legend_moved")] + ([t.word(lang, "legend_day")] if numbered else [])
    for k, note in enumerate(reversed(notes)):
        out.append(
            f'<text x="40" y="{HEIGHT - 40 - 16 * k}" font-size="12" fill="#444444">'
            f"{escape(note)}</text>"
        )
    out.append(
        f'<text x="40" y="{HEIGHT - 22}" font-size="10" fill="#777777">'
        f"{quoteattr(t.word(lang, 'generated', source=Path(template.source).name))[1:-1]}</text>"
    )
    return out
