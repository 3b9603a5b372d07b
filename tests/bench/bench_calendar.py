"""Benchmark: an årshjul template with 25 series, one school year, every output format.

Run: .venv/bin/python tests/bench/bench_calendar.py    Budget (DESIGN §6 style): under 1 s in all.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

RULES = [
    "{nth_weekday: {n: 1, weekday: monday}}",
    "{nth_weekday: {n: -1, weekday: friday}, months: [9, 10, 11, 1, 2, 3, 4, 5]}",
    "{every: {weeks: 2, weekday: wednesday, start: 2026-08-19}}",
    "{every: {months: 2, start: 2026-08-31}}",
    "{times_per_year: 4, weekday: tuesday}",
    "{iso_week: 9, weekday: monday}",
    "{easter: -4}",
    "{month: 10, weekday: thursday}",
    '{rrule: "FREQ=WEEKLY;INTERVAL=3;BYDAY=TH"}',
    "{date: 2027-05-17}",
]


def template_text(series: int = 25) -> str:
    lines = [
        "title: Benchmark",
        "year: school",
        "breaks:",
        "  - {name: Haustferie, weeks: [40]}",
        '  - {name: Juleferie, from: "12-21", to: "01-02"}',
        "  - {name: Vinterferie, weeks: [8]}",
        "meetings:",
    ]
    for i in range(series):
        lines += [
            f"  - name: Møte {i + 1}",
            "    participants: [barnehage, skule, helse, PPT, barnevern]",
            "    responsible: Kommunalsjef oppvekst",
            f"    when: {RULES[i % len(RULES)]}",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    started = time.perf_counter()
    from bti.calendar import generate, render
    from bti.calendar.rules import Period
    from bti.calendar.template import parse

    imported = time.perf_counter()
    text = template_text()
    template = parse(text, "bench.yaml")
    parsed = time.perf_counter()
    period = Period.school(2026)
    meetings, _ = generate(template, period)
    generated = time.perf_counter()
    stamp = dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)
    times = {}
    for fmt in ("md", "csv", "json", "ics", "svg"):
        t0 = time.perf_counter()
        render(template, period, meetings, fmt, "nn", stamp)
        times[fmt] = time.perf_counter() - t0
    done = time.perf_counter()
    print(f"25 series, school year 2026-2027: {len(meetings)} meetings")
    print(f"  import bti.calendar                     {1000 * (imported - started):7.1f} ms")
    print(f"  read and check the template             {1000 * (parsed - imported):7.1f} ms")
    print(f"  generate (holidays, breaks, moves)      {1000 * (generated - parsed):7.1f} ms")
    for fmt, seconds in times.items():
        print(f"  render {fmt:<4} (first call imports its lib) {1000 * seconds:7.1f} ms")
    total = done - started
    print(f"  total                                   {1000 * total:7.1f} ms  (budget 1000 ms)")
    if total >= 1.0:
        raise SystemExit("over budget")


if __name__ == "__main__":
    main()
