"""Årshjul: known dates, moving off holidays and breaks, and the iCalendar file."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from bti.cli import main

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "examples" / "arshjul-vindafjord.yaml"
NOW = "2026-11-20T10:00:00+01:00"


def run(*args: str, cwd: Path | None = None) -> Result:
    old = Path.cwd()
    os.chdir(cwd or old)
    try:
        return CliRunner().invoke(main, list(args), env={"BTI_NOW": NOW})
    finally:
        os.chdir(old)


def meetings(tmp_path: Path, text: str, *period: str, lang: str = "nb") -> list[dict[str, Any]]:
    path = tmp_path / "arshjul.yaml"
    path.write_text(text, encoding="utf-8")
    result = run(
        "calendar", "generate", "--from", str(path), *period, "--format", "json", "--lang", lang
    )
    assert result.exit_code == 0, result.output
    data: list[dict[str, Any]] = json.loads(result.stdout)
    return data


def by_name(data: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [m for m in data if m["name"] == name]


def dates(data: list[dict[str, Any]], name: str) -> list[str]:
    return [m["date"] for m in by_name(data, name)]


CALENDAR_2027 = """
title: Test
year: calendar
breaks:
  - {name: Høstferie, weeks: [40, 41]}
  - {name: Juleferie, from: "12-21", to: "01-02"}
meetings:
  - name: Ung på hjul
    when: {easter: -4}
  - name: Introduksjon
    when: {iso_week: 9, weekday: monday}
  - name: Nasjonaldag
    when: {date: 2027-05-17}
  - name: Himmelfart
    when: {nth_weekday: {n: 1, weekday: thursday}, months: [5]}
  - name: Siste fredag
    when: {nth_weekday: {n: -1, weekday: fredag}, months: [1]}
  - name: Høstmøte
    when: {date: 2027-10-06}
  - name: Romjul
    when: {date: "12-28"}
  - name: Laurdag
    when: {date: 2027-01-09}
  - name: Treffpunkt
    when: {month: 10, weekday: tuesday}
  - name: Gjennomgang
    when: {rrule: "FREQ=YEARLY;BYMONTH=10;BYDAY=2MO"}
  - name: Månedsslutt
    when: {every: {months: 1, start: 2027-01-31}}
"""


@pytest.fixture(scope="module")
def calendar_2027(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    return meetings(tmp_path_factory.mktemp("c"), CALENDAR_2027, "--year", "2027")


def test_easter_relative_is_the_wednesday_before_easter(
    calendar_2027: list[dict[str, Any]],
) -> None:
    # Easter Sunday 2027 is 28 March.
    assert dates(calendar_2027, "Ung på hjul") == ["2027-03-24"]


def test_iso_week_9_of_2027_starts_on_1_march(calendar_2027: list[dict[str, Any]]) -> None:
    assert dates(calendar_2027, "Introduksjon") == ["2027-03-01"]


def test_17_may_moves_to_the_next_working_day_and_says_why(
    calendar_2027: list[dict[str, Any]],
) -> None:
    (meeting,) = by_name(calendar_2027, "Nasjonaldag")
    assert meeting["date"] == "2027-05-18"
    assert meeting["moved_from"] == "2027-05-17"
    # In 2027 17 May is also Whit Monday: both are named.
    assert meeting["reason"] == "offentlig fridag: 17. mai og 2. pinsedag"


def test_ascension_day_2027_is_the_first_thursday_of_may(
    calendar_2027: list[dict[str, Any]],
) -> None:
    (meeting,) = by_name(calendar_2027, "Himmelfart")
    assert (meeting["date"], meeting["moved_from"]) == ("2027-05-07", "2027-05-06")
    assert meeting["reason"] == "offentlig fridag: Kristi himmelfartsdag"


def test_last_weekday_of_a_month(calendar_2027: list[dict[str, Any]]) -> None:
    assert dates(calendar_2027, "Siste fredag") == ["2027-01-29"]


def test_autumn_break_weeks_move_to_the_monday_after(
    calendar_2027: list[dict[str, Any]],
) -> None:
    # ISO weeks 40 and 41 of 2027: 4 to 17 October.
    (meeting,) = by_name(calendar_2027, "Høstmøte")
    assert (meeting["date"], meeting["moved_from"]) == ("2027-10-18", "2027-10-06")
    assert meeting["reason"] == "ferie: Høstferie"


def test_a_break_across_new_year(calendar_2027: list[dict[str, Any]]) -> None:
    # 28 December 2027 is in the Christmas break; so are 1 and 2 January 2027: the first
    # working day after the break that started in December 2026 is Monday 4 January, and
    # 28 December 2027 moves into January 2028, outside the year, so it moves back instead.
    (meeting,) = by_name(calendar_2027, "Romjul")
    assert meeting["moved_from"] == "2027-12-28"
    assert meeting["date"] == "2027-12-20"


def test_weekend_moves_to_monday(calendar_2027: list[dict[str, Any]]) -> None:
    (meeting,) = by_name(calendar_2027, "Laurdag")
    assert (meeting["date"], meeting["reason"]) == ("2027-01-11", "helg")


def test_once_a_year_in_a_month_and_rrule(calendar_2027: list[dict[str, Any]]) -> None:
    # October 2027 begins on a Friday: the first Tuesday is the 5th (in the autumn break,
    # weeks 40-41, so it moves to the 18th); the second Monday is the 11th (also in the break).
    (treff,) = by_name(calendar_2027, "Treffpunkt")
    assert treff["moved_from"] == "2027-10-05"
    assert treff["date"] == "2027-10-18"
    (gjennomgang,) = by_name(calendar_2027, "Gjennomgang")
    assert gjennomgang["moved_from"] == "2027-10-11"


def test_every_month_from_the_31st_keeps_the_end_of_short_months(
    calendar_2027: list[dict[str, Any]],
) -> None:
    planned = [m["moved_from"] or m["date"] for m in by_name(calendar_2027, "Månedsslutt")]
    assert planned[:4] == ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30"]
    assert len(planned) == 12


def test_json_is_sorted_and_has_the_contract_fields(calendar_2027: list[dict[str, Any]]) -> None:
    assert [m["date"] for m in calendar_2027] == sorted(m["date"] for m in calendar_2027)
    for m in calendar_2027:
        assert {"name", "date", "moved_from", "reason", "participants"} <= set(m)
        day = dt.date.fromisoformat(m["date"])
        assert day.weekday() < 5


SCHOOL = """
year: school
breaks:
  - {name: Haustferie, weeks: [40]}
  - {name: Juleferie, from: "12-21", to: "01-02"}
  - {name: Slutt, from: "06-25", to: "06-30"}
meetings:
  - name: Ung på hjul
    when: {easter: -4}
  - name: Introduksjonsprogram
    when: {iso_week: 9, weekday: monday}
  - name: Samhandling
    when: {times_per_year: 2, weekday: tuesday}
  - name: Ressursteam
    when: {every: {weeks: 4, weekday: wednesday, start: 2026-08-19}}
  - name: Tredje måndag
    when: {nth_weekday: {n: 3, weekday: monday}, months: [5]}
  - name: Sommar
    when: {date: "06-28"}
  - name: Kvar månad
    when: {nth_weekday: {n: 1, weekday: monday}}
  - name: Ofte
    when: {times_per_year: 10}
"""


@pytest.fixture(scope="module")
def school_2026(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    return meetings(tmp_path_factory.mktemp("s"), SCHOOL, "--school-year", "2026", lang="nn")


def test_school_year_runs_august_to_june(school_2026: list[dict[str, Any]]) -> None:
    assert school_2026[0]["date"] >= "2026-08-01"
    assert school_2026[-1]["date"] <= "2027-06-30"
    assert dates(school_2026, "Ung på hjul") == ["2027-03-24"]
    assert dates(school_2026, "Introduksjonsprogram") == ["2027-03-01"]


def test_school_year_17_may_in_nynorsk(school_2026: list[dict[str, Any]]) -> None:
    (meeting,) = by_name(school_2026, "Tredje måndag")
    assert (meeting["date"], meeting["moved_from"]) == ("2027-05-18", "2027-05-17")
    assert meeting["reason"] == "offentleg fridag: 17. mai og 2. pinsedag"


def test_times_per_year_spread_over_the_school_year(school_2026: list[dict[str, Any]]) -> None:
    autumn, spring = dates(school_2026, "Samhandling")
    assert "2026-09-01" <= autumn <= "2026-12-20"
    assert "2027-01-10" <= spring <= "2027-05-31"
    assert all(dt.date.fromisoformat(d).weekday() == 1 for d in (autumn, spring))
    often = dates(school_2026, "Ofte")
    assert len(often) == 10
    assert len({d[:7] for d in often}) == 10  # ten meetings, ten different months
    assert not any(d[5:7] == "07" for d in often)


def test_every_four_weeks_and_a_break_week(school_2026: list[dict[str, Any]]) -> None:
    got = dates(school_2026, "Ressursteam")
    assert got[:5] == ["2026-08-19", "2026-09-16", "2026-10-14", "2026-11-11", "2026-12-09"]
    # 6 January 2027 is after the Christmas break; 30 June would be in summer: never.
    assert "2027-01-06" in got


def test_a_meeting_at_the_end_of_june_moves_back_not_into_summer(
    school_2026: list[dict[str, Any]],
) -> None:
    (meeting,) = by_name(school_2026, "Sommar")
    assert meeting["moved_from"] == "2027-06-28"
    assert meeting["date"] == "2027-06-24"
    assert meeting["reason"] == "ferie: Slutt"


def test_monthly_in_a_school_year_has_eleven_meetings(school_2026: list[dict[str, Any]]) -> None:
    got = dates(school_2026, "Kvar månad")
    assert len(got) == 11
    # The first Monday of January 2027 is the 4th (after the break); of October 2026 the 5th.
    assert "2027-01-04" in got and "2026-10-05" in got


def test_ics_has_one_event_per_meeting_with_the_json_dates(tmp_path: Path) -> None:
    from icalendar import Calendar

    for fmt_args in (["--school-year", "2026"], ["--year", "2027"]):
        data = meetings(tmp_path, SHIPPED.read_text(encoding="utf-8"), *fmt_args)
        result = run("calendar", "generate", "--from", str(SHIPPED), *fmt_args, "--format", "ics")
        assert result.exit_code == 0, result.output
        cal = Calendar.from_ical(result.stdout)
        events = list(cal.walk("VEVENT"))
        assert len(events) == len(data)
        assert sorted(str(e.decoded("dtstart")) for e in events) == [m["date"] for m in data]
        uids = [str(e["uid"]) for e in events]
        assert len(set(uids)) == len(uids)
        assert {m["uid"] for m in data} == set(uids)
        for event in events:
            assert "dtstamp" in event
            assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(days=1)


def test_ics_uids_are_stable_across_runs_and_years() -> None:
    a = run(
        "calendar", "generate", "--from", str(SHIPPED), "--school-year", "2026", "--format", "ics"
    )
    b = run(
        "calendar", "generate", "--from", str(SHIPPED), "--school-year", "2026", "--format", "ics"
    )
    assert a.stdout == b.stdout
    c = run("calendar", "generate", "--from", str(SHIPPED), "--year", "2027", "--format", "ics")
    uid = "ung-pa-hjul-20270324@bti"
    assert uid in a.stdout and uid in c.stdout


def test_timed_meetings_carry_europe_oslo_with_a_vtimezone(tmp_path: Path) -> None:
    from icalendar import Calendar

    path = tmp_path / "a.yaml"
    path.write_text(
        "meetings:\n  - name: Leiarmøte\n    time: '09:30'\n    minutes: 90\n"
        "    place: Rådhuset, møterom 2\n"
        "    when: {nth_weekday: {n: 1, weekday: monday}}\n",
        encoding="utf-8",
    )
    result = run(
        "calendar", "generate", "--from", str(path), "--school-year", "2026", "--format", "ics"
    )
    assert result.exit_code == 0, result.output
    assert "BEGIN:VTIMEZONE" in result.stdout and "TZID:Europe/Oslo" in result.stdout
    event = next(iter(Calendar.from_ical(result.stdout).walk("VEVENT")))
    start = event.decoded("dtstart")
    assert (start.hour, start.minute, str(start.tzinfo)) == (9, 30, "Europe/Oslo")
    assert event.decoded("dtend") - start == dt.timedelta(minutes=90)
    assert str(event["location"]) == "Rådhuset, møterom 2"


def test_the_repository_template_and_language_are_the_defaults(tmp_path: Path) -> None:
    (tmp_path / "bti.yaml").write_text("municipality: Fjordvik\nlanguage: en\n", encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "arshjul.yaml").write_text(
        "meetings:\n  - name: Team\n    when: {date: 2027-05-17}\n", encoding="utf-8"
    )
    sub = tmp_path / "cases"
    sub.mkdir()
    result = run("calendar", "generate", "--format", "json", cwd=sub)
    assert result.exit_code == 0, result.output
    (meeting,) = json.loads(result.stdout)
    assert meeting["reason"] == "public holiday: Constitution Day and Pentecost Monday"
    assert meeting["date"] == "2027-05-18"  # NOW is in the school year 2026-2027


def test_without_a_repository_the_message_asks_for_from(tmp_path: Path) -> None:
    result = run("calendar", "generate", cwd=tmp_path)
    assert result.exit_code == 2
    assert "--from" in result.output and "bti.yaml" in result.output


def test_out_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "arshjul.md"
    result = run(
        "calendar", "generate", "--from", str(SHIPPED), "--school-year", "2026", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("# Årshjul BTI Vindafjord — skoleåret")


def test_year_and_school_year_together_is_a_usage_error() -> None:
    result = run(
        "calendar", "generate", "--from", str(SHIPPED), "--year", "2027", "--school-year", "2026"
    )
    assert result.exit_code == 2
    assert "not both" in result.output


def test_the_shipped_template_covers_every_series_of_seed_004() -> None:
    from bti.calendar.template import read

    template = read(SHIPPED)
    assert len(template.series) >= 18
    kinds = {type(s.rule).__name__ for s in template.series}
    assert kinds == {"NthWeekday", "TimesPerYear", "InMonth", "Every", "RRule", "Easter", "IsoWeek"}


DESIGN_EXAMPLE = """
title: Årshjul BTI
year: school                 # school (August–June) | calendar
breaks:                      # school breaks: no meetings; ISO weeks or date ranges (MM-DD)
  - {name: Haustferie, weeks: [40]}
  - {name: Juleferie, from: "12-21", to: "01-02"}
meetings:
  - name: BTI-samhandlingsmøte
    participants: [barnehage, skule, helse, ppt, barnevern]
    responsible: Kommunalsjef oppvekst
    when: {times_per_year: 2, weekday: tuesday}
  - name: Ung på hjul
    when: {easter: -4}                         # days relative to Easter Sunday
  - name: Introduksjonsprogram
    when: {iso_week: 9, weekday: monday}
  - name: TOT ungdomsskule
    when: {nth_weekday: {n: 1, weekday: thursday}, months: [9, 10, 11, 1, 2, 3, 4]}
  - name: Tverrfagleg ressursteam
    when: {every: {weeks: 4, weekday: wednesday, start: 2026-08-19}}
  - name: Gjennomgang stafettlogg
    when: {rrule: "FREQ=YEARLY;BYMONTH=10;BYDAY=2MO"}
  - name: Fagdag
    when: {date: 2027-01-04}
"""


def test_the_design_example_template_reads_and_generates(tmp_path: Path) -> None:
    data = meetings(tmp_path, DESIGN_EXAMPLE, "--school-year", "2026")
    assert dates(data, "Fagdag") == ["2027-01-04"]
    assert dates(data, "Ung på hjul") == ["2027-03-24"]
    assert dates(data, "Introduksjonsprogram") == ["2027-03-01"]
    # First Thursday of October 2026 is the 1st, in the autumn break (week 40): Monday 5th.
    tot = by_name(data, "TOT ungdomsskule")
    assert len(tot) == 7
    assert ("2026-10-05", "2026-10-01") in [(m["date"], m["moved_from"]) for m in tot]
    # The second Monday of October 2026 is the 12th.
    assert dates(data, "Gjennomgang stafettlogg") == ["2026-10-12"]
    assert by_name(data, "BTI-samhandlingsmøte")[0]["participants"] == [
        "barnehage",
        "skule",
        "helse",
        "ppt",
        "barnevern",
    ]


def test_a_weekly_meeting_in_a_break_week_is_left_out_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        "breaks:\n  - {name: Haustferie, weeks: [40]}\nmeetings:\n  - name: Ukemøte\n"
        "    when: {every: {weeks: 1, weekday: monday, start: 2026-09-21}}\n"
        "  - name: Fagdag\n    when: {date: 2025-01-06}\n",
        encoding="utf-8",
    )
    result = run(
        "calendar", "generate", "--from", str(path), "--school-year", "2026", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    got = [m["date"] for m in json.loads(result.stdout)]
    assert got[:3] == ["2026-09-21", "2026-10-05", "2026-10-12"]  # 28 September is in week 40
    assert "'Ukemøte' on 2026-09-28 (break: Haustferie) is left out" in result.stderr
    assert "'Fagdag' has no meeting from 2026-08-01 to 2027-06-30" in result.stderr


def test_times_per_year_in_a_calendar_year_avoids_july(tmp_path: Path) -> None:
    data = meetings(
        tmp_path,
        "year: calendar\nmeetings:\n  - name: M\n"
        "    when: {times_per_year: 12, weekday: thursday}\n",
        "--year",
        "2027",
    )
    got = dates(data, "M")
    assert len(got) == 12
    assert not any(d[5:7] == "07" for d in got)
    assert all(dt.date.fromisoformat(d).weekday() == 3 for d in got)


def test_the_svg_is_well_formed_with_a_mark_per_meeting_and_all_months() -> None:
    import xml.etree.ElementTree as ET

    for lang, months in (("nb", "August 2026"), ("nn", "Januar 2027"), ("en", "July")):
        result = run(
            "calendar",
            "generate",
            "--from",
            str(SHIPPED),
            "--school-year",
            "2026",
            "--format",
            "svg",
            "--lang",
            lang,
        )
        assert result.exit_code == 0, result.output
        root = ET.fromstring(result.stdout.encode("utf-8"))
        ns = "{http://www.w3.org/2000/svg}"
        shapes = {f"{ns}circle", f"{ns}rect", f"{ns}polygon"}
        marks = [c for c in root.iter() if c.tag in shapes and c.find(f"{ns}title") is not None]
        data = json.loads(
            run(
                "calendar",
                "generate",
                "--from",
                str(SHIPPED),
                "--school-year",
                "2026",
                "--format",
                "json",
            ).stdout
        )
        assert len(marks) == len(data)
        texts = " ".join("".join(t.itertext()) for t in root.iter(f"{ns}text"))
        assert months in texts
        assert root.get("width") == "210mm" and root.get("height") == "297mm"
        # Each series has a marker of its own (colour and shape), even where colours repeat.
        looks = {(m.tag, len((m.get("points") or "").split()), m.get("stroke")) for m in marks}
        series = {m.find(f"{ns}title").text.split(":")[0] for m in marks}  # type: ignore[union-attr]
        assert len(looks) == len(series) >= 13
        # Most meetings have their day of the month beside the marker.
        days = [
            t for t in root.iter(f"{ns}text") if t.get("paint-order") and (t.text or "").isdigit()
        ]
        assert len(days) >= len(marks) * 0.8


def test_init_gives_the_municipality_its_own_arshjul(tmp_path: Path) -> None:
    from tests.conftest import Bti

    for municipality, lang, title in (
        ("Fjordvik kommune", "nn", "Årshjul BTI Fjordvik kommune"),
        ("Ås: kommune", "en", "BTI annual calendar Ås: kommune"),
    ):
        root = tmp_path / lang
        root.mkdir()
        Bti(root).ok("init", "--municipality", municipality, "--lang", lang)
        text = (root / "templates" / "arshjul.yaml").read_text("utf-8")
        assert "Vindafjord" not in text
        out = Bti(root).ok("calendar", "generate", "--school-year", "2026").output
        assert out.startswith(f"# {title} — "), out[:80]
    # Vindafjord's own table stays in the project as an example.
    assert "title: Årshjul BTI Vindafjord" in SHIPPED.read_text("utf-8")
