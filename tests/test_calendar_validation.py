"""Årshjul templates with mistakes: file:line:col, what is wrong — what to do, exit 2, no traceback."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bti.calendar import generate, render
from bti.calendar.rules import Period
from bti.calendar.template import parse
from bti.cli import main
from bti.errors import BtiError

HEAD = "title: T\nyear: school\n"

CASES = [
    # (template text, line, col, words the message must contain)
    (
        HEAD + "meetings:\n  - name: A\n    when: {date: 2027-01-04, weekday: monday}\n",
        5,
        30,
        "unknown key 'weekday'",
    ),
    (
        HEAD + "meetings:\n  - name: A\n    when: {dato: 2027-01-04}\n",
        5,
        12,
        "is not a kind of rule",
    ),
    (HEAD + "meetings:\n  - name: A\n    when: {date: 2027-02-30}\n", 5, 12, "not a date"),
    (HEAD + 'meetings:\n  - name: A\n    when: {date: "02-30"}\n', 5, 12, "not a day of the year"),
    (
        HEAD + "meetings:\n  - name: A\n    when: {nth_weekday: {n: 6, weekday: monday}}\n",
        5,
        26,
        "from -5 to 5",
    ),
    (
        HEAD + "meetings:\n  - name: A\n    when: {nth_weekday: {n: 0, weekday: monday}}\n",
        5,
        26,
        "n: 0",
    ),
    (
        HEAD + "meetings:\n  - name: A\n    when: {nth_weekday: {n: 5, weekday: monday}}\n",
        5,
        26,
        "no 5th Monday",
    ),
    (
        HEAD + "meetings:\n  - name: A\n    when: {nth_weekday: {n: 1, weekday: tusday}}\n",
        5,
        32,
        "'tusday' is not a weekday",
    ),
    (
        HEAD + "meetings:\n  - name: A\n    when: {iso_week: 9, weekday: mondag}\n",
        5,
        25,
        "not a weekday",
    ),
    (
        HEAD + "meetings:\n  - name: A\n    when: {iso_week: 54, weekday: monday}\n",
        5,
        12,
        "from 1 to 53",
    ),
    (HEAD + "meetings:\n  - name: A\n    when: {iso_week: 9}\n", 5, 12, "needs a weekday"),
    (
        HEAD
        + "breaks:\n  - {name: X, from: 2027-03-10, to: 2027-03-01}\nmeetings:\n  - name: A\n    when: {easter: -4}\n",
        4,
        33,
        "ends (2027-03-01) before",
    ),
    (
        HEAD
        + 'breaks:\n  - {name: X, from: "06-20", to: "06-10"}\nmeetings:\n  - name: A\n    when: {easter: -4}\n',
        4,
        30,
        "before it starts",
    ),
    (
        HEAD
        + 'breaks:\n  - {name: X, weeks: [40], from: "06-20"}\nmeetings:\n  - name: A\n    when: {easter: -4}\n',
        4,
        28,
        "not both",
    ),
    (HEAD + 'meetings:\n  - name: A\n    when: {rrule: "FREQ=SOMETIMES"}\n', 5, 12, "RRULE"),
    (
        HEAD + "meetings:\n  - name: A\n    when: {every: {weeks: 2, months: 1}}\n",
        5,
        12,
        "weeks: N or months: N",
    ),
    (
        HEAD + "meetings:\n  - name: A\n    when: {every: {weeks: 2, start: 2026-13-01}}\n",
        5,
        30,
        "not a date",
    ),
    (HEAD + "meetings:\n  - name: A\n    when: {month: 7}\n", 5, 12, "July is not part"),
    (HEAD + "meetings:\n  - name: A\n    when: {times_per_year: 0}\n", 5, 12, "from 1 to 52"),
    (
        HEAD + "meetings:\n  - name: A\n    colour: red\n    when: {easter: 0}\n",
        5,
        5,
        "unknown key 'colour'",
    ),
    (
        HEAD
        + "meetings:\n  - name: A\n    when: {easter: 0}\n  - name: A\n    when: {easter: 1}\n",
        6,
        5,
        "two meetings are called 'A'",
    ),
    (
        HEAD + "meetings:\n  - name: A\n    time: '25:00'\n    when: {easter: 0}\n",
        5,
        5,
        "not a time of day",
    ),
    (HEAD + "meetings:\n  - name: A\n", 4, 5, "has no when"),
    (HEAD + "meetings:\n  - when: {easter: 0}\n", 4, 5, "needs a name"),
    (HEAD + "meetings: []\n", 3, 1, "has no meetings"),
    ("year: skoleår\nmeetings:\n  - name: A\n    when: {easter: 0}\n", 1, 1, "school"),
    (
        "title: T\nfoo: 1\nmeetings:\n  - name: A\n    when: {easter: 0}\n",
        2,
        1,
        "unknown key 'foo'",
    ),
    (HEAD + "meetings:\n  - name: A\n    when: {easter: 0\n", 6, 1, "YAML syntax"),
    (HEAD + "meetings:\n  - name: A\n    when: {easter: 0, easter: 1}\n", 5, 23, "appears twice"),
]


def test_a_break_on_the_29th_of_february_works_in_every_year(tmp_path: Path) -> None:
    """Found by hypothesis: a break that ran over New Year to 02-29 crashed in 2025."""
    path = tmp_path / "arshjul.yaml"
    text = (
        "title: T\nyear: school\nbreaks:\n  - {name: Vinter, from: '12-21', to: '02-29'}\n"
        "meetings:\n  - name: A\n    when: {easter: 0}\n"
    )
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["calendar", "generate", "--from", str(path), "--school-year", "2025"]
    )
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert "before it starts" in result.output  # more than two months over New Year
    path.write_text(text.replace("'12-21'", "'02-20'"), encoding="utf-8")
    result = CliRunner().invoke(
        main, ["calendar", "generate", "--from", str(path), "--school-year", "2025"]
    )
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("text", "line", "col", "words"), CASES, ids=[c[3] for c in CASES])
def test_a_bad_template_gives_its_place_and_what_to_do(
    tmp_path: Path, text: str, line: int, col: int, words: str
) -> None:
    path = tmp_path / "arshjul.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["calendar", "generate", "--from", str(path), "--school-year", "2026"]
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    first = result.output.splitlines()[0]
    assert first.startswith(f"{path}:{line}:{col}: "), first
    assert words in result.output
    assert " — " in result.output or "→" in result.output  # what to do


def test_a_missing_template_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["calendar", "generate", "--from", str(tmp_path / "none.yaml")]
    )
    assert result.exit_code == 2
    assert "file not found" in result.output


# -- random templates: output or a clear error, never anything else ---------------------------

_names = st.sampled_from(["Møte", "TOT", "Ressursteam", "Fagdag", "A", "Æ Ø Å"])
_weekdays = st.sampled_from(["monday", "friday", "sunday", "tysdag", "lørdag", "noday", 3])
_ints = st.integers(-8, 60)
_dates = st.one_of(
    st.dates(dt.date(2024, 1, 1), dt.date(2029, 12, 31)),
    st.sampled_from(["12-21", "01-02", "02-29", "13-01", "2027-02-30", "x"]),
)
_rules = st.one_of(
    st.fixed_dictionaries({"date": _dates}),
    st.fixed_dictionaries(
        {"nth_weekday": st.fixed_dictionaries({"n": _ints, "weekday": _weekdays})},
        optional={"months": st.lists(st.integers(0, 13), max_size=4)},
    ),
    st.fixed_dictionaries(
        {
            "every": st.fixed_dictionaries(
                {},
                optional={"weeks": _ints, "months": _ints, "weekday": _weekdays, "start": _dates},
            )
        }
    ),
    st.fixed_dictionaries({"times_per_year": _ints}, optional={"weekday": _weekdays}),
    st.fixed_dictionaries({"iso_week": _ints}, optional={"weekday": _weekdays}),
    st.fixed_dictionaries({"easter": st.integers(-200, 200)}),
    st.fixed_dictionaries({"month": _ints}, optional={"weekday": _weekdays}),
    st.fixed_dictionaries(
        {
            "rrule": st.sampled_from(
                [
                    "FREQ=WEEKLY;BYDAY=MO",
                    "FREQ=DAILY",
                    "FREQ=HOURLY",
                    "FREQ=MONTHLY;BYMONTHDAY=31",
                    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
                    "FREQ=BAD",
                    "",
                    "FREQ=MONTHLY;COUNT=3",
                    "FREQ=WEEKLY;UNTIL=20261001",
                ]
            )
        }
    ),
    st.dictionaries(st.sampled_from(["date", "easter", "weekday", "other"]), _ints, max_size=3),
)
_breaks = st.lists(
    st.one_of(
        st.fixed_dictionaries({"name": _names, "weeks": st.lists(_ints, max_size=3)}),
        st.fixed_dictionaries({"name": _names, "from": _dates, "to": _dates}),
    ),
    max_size=3,
)
_templates = st.fixed_dictionaries(
    {"meetings": st.lists(st.fixed_dictionaries({"name": _names, "when": _rules}), max_size=4)},
    optional={
        "year": st.sampled_from(["school", "calendar", "x"]),
        "breaks": _breaks,
        "summer_break": st.booleans(),
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_templates, year=st.integers(2025, 2028), school=st.booleans())
def test_random_templates_give_output_or_a_clear_error(
    data: dict[str, object], year: int, school: bool
) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    try:
        template = parse(text, "t.yaml")
        period = Period.school(year) if school else Period.calendar(year)
        meetings, _ = generate(template, period)
        stamp = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
        for fmt in ("md", "csv", "json", "ics", "svg"):
            assert render(template, period, meetings, fmt, "nn", stamp)
    except BtiError as err:
        assert re.match(r"t\.yaml:\d+:\d+: ", err.render()), err.render()
        assert " — " in err.render()
        return
    for m in meetings:
        assert m.date in period
        assert m.date.weekday() < 5


@settings(max_examples=100, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("meetings:name-when{}[]: \n\"'2027-01#æ")), max_size=120)
)
def test_random_text_is_read_or_refused_with_a_place(text: str) -> None:
    try:
        parse(text, "t.yaml")
    except BtiError as err:
        assert re.match(r"t\.yaml:\d+:\d+: ", err.render()), err.render()
