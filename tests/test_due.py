"""`bti due`: what needs doing, soonest first — through the CLI on the meeting story (golden tables in
three languages, the holder filter, the calendar file), and the pure rules of what falls due."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bti import due
from bti.models import Case
from tests import rulekit as rk
from tests.conftest import HOLDER, LEADER, NURSE
from tests.test_meetings import LANGS, NOW, Story, _golden, story  # noqa: F401

NAMES = ("Sara Lund", "Emil Nes", "Lea Berg", "Noah Dal", "Ida Vik", "Mia Lund", "Kari Nes")


@pytest.mark.parametrize("lang", LANGS)
def test_due_all_matches_golden(story: Story, lang: str) -> None:  # noqa: F811
    _golden(f"due.{lang}.txt", story.run("due", "--all", "--lang", lang))


def test_due_json_is_soonest_first_and_names_no_one(story: Story) -> None:  # noqa: F811
    out = story.run("due", "--all", "--format", "json", "--lang", "nb")
    rows = json.loads(out)
    assert [(r["case"], r["kind"], r["ref"]) for r in rows] == [
        ("2026-CASEB", "followup", None),
        ("2026-CASEA", "handover", "h1"),
        ("2026-CASEC", "level0", None),
        ("2026-CASED", "level0", None),
        ("2026-CASEA", "evaluation", "m1"),
        ("2026-CASEB", "evaluation", "m1"),
        ("2026-CASEB", "consent", "c1"),
    ]
    assert rows[0]["days"] == -41 and rows[0]["when"] == "41 dager over fristen"
    assert [r["due"] for r in rows] == sorted(r["due"] for r in rows)
    for name in NAMES:
        assert name not in out
    assert "2026-CASEE" not in out  # closed


def test_due_defaults_to_the_acting_holder(story: Story) -> None:  # noqa: F811
    mine = json.loads(story.run("due", "--format", "json", who=HOLDER))
    assert {r["case"] for r in mine} == {"2026-CASEA", "2026-CASEB", "2026-CASEC"}
    # The nurse holds D, the baton of A is offered to her (she must answer it), and she is
    # responsible for a measure in A (she evaluates it).
    nurse = json.loads(story.run("due", "--format", "json", who=NURSE))
    assert [(r["case"], r["kind"]) for r in nurse] == [
        ("2026-CASEA", "handover"),
        ("2026-CASED", "level0"),
        ("2026-CASEA", "evaluation"),
    ]
    same = json.loads(story.run("due", "--holder", NURSE.upper(), "--format", "json"))
    assert same == nurse


def test_due_by_service_and_window(story: Story) -> None:  # noqa: F811
    rows = json.loads(story.run("due", "--all", "--service", "helsestasjon", "--format", "json"))
    assert {r["case"] for r in rows} == {"2026-CASEA", "2026-CASED"}
    rows = json.loads(story.run("due", "--all", "--days", "0", "--format", "json"))
    assert [r["kind"] for r in rows] == ["followup"] and all(r["days"] <= 0 for r in rows)


def test_due_with_nothing_says_so(story: Story) -> None:  # noqa: F811
    assert story.run("due", who=LEADER) == "Nothing is due in the next 14 days.\n"
    assert (
        story.run("due", "--lang", "nb", who=LEADER) == "Ingenting forfaller de neste 14 dagene.\n"
    )
    assert story.run("due", "--lang", "nn", who=LEADER).startswith("Ingenting forfell")
    assert story.run("due", "--format", "json", who=LEADER).strip() == "[]"


def test_due_expired_consent(story: Story) -> None:  # noqa: F811
    out = story.run(
        "due", "--all", "--format", "csv", "--lang", "nb", now="2026-12-05T10:00:00+01:00"
    )
    assert (
        '2026-12-01,2026-CASEB,consent,c1,-4,4 dager over fristen,"Samtykke c1 har gått ut' in out
    )


def test_due_usage_errors(story: Story) -> None:  # noqa: F811
    out = story.run("due", "--all", "--holder", NURSE, code=2)
    assert "exclude each other" in out
    assert "not in the range" in story.run("due", "--days", "-1", code=2)


def test_due_ics_all_day_with_stable_uids(story: Story, tmp_path: Path) -> None:  # noqa: F811
    from icalendar import Calendar

    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    story.run("due", "--all", "--ics", str(first))
    story.run("due", "--all", "--ics", str(second), now="2026-11-21T08:00:00+01:00")
    cal = Calendar.from_ical(first.read_bytes())
    events = cal.walk("VEVENT")
    assert len(events) == 7
    for event in events:
        assert isinstance(event["DTSTART"].dt, dt.date)
        assert not isinstance(event["DTSTART"].dt, dt.datetime)
        assert event["DTEND"].dt - event["DTSTART"].dt == dt.timedelta(days=1)
        assert str(event["UID"]).endswith("@bti")
        assert event["DTSTAMP"].dt.isoformat() == "2026-11-20T09:00:00+00:00"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Oslo"]
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    again = [str(e["UID"]) for e in Calendar.from_ical(second.read_bytes()).walk("VEVENT")]
    assert again == uids
    text = first.read_text("utf-8")
    for name in NAMES:
        assert name not in text


# -- pure: what falls due ------------------------------------------------------------------------


def _items(data: dict, today: str = "2026-11-20", days: int = 14) -> list[due.Item]:  # type: ignore[type-arg]
    case = Case.model_validate(data)
    return due.items([case], rk.CONFIG, dt.date.fromisoformat(today), days, "nb")


def test_ended_measures_and_closed_cases_are_not_due() -> None:
    data = rk.level1()
    data["measures"][0]["evaluations"] = [
        {"date": "2026-10-30", "outcome": "end", "note": "Målet er nådd.", "by": rk.HOLDER}
    ]
    data["log"].append(rk.entry("Tiltak m1 evaluert.", "2026-11-10T09:00:00+01:00"))
    assert _items(data) == []
    data = rk.level1()
    data["status"] = "closed"
    assert _items(data) == []


def test_a_continued_measure_is_due_at_its_next_date() -> None:
    data = rk.level1()
    data["measures"][0]["evaluations"] = [
        {
            "date": "2026-10-30",
            "outcome": "continue",
            "note": "Bedre.",
            "next_by": "2026-11-25",
            "by": rk.HOLDER,
        }
    ]
    data["log"].append(rk.entry("Tiltak m1 evaluert.", "2026-11-10T09:00:00+01:00"))
    (item,) = _items(data)
    assert (item.kind, item.ref, item.day) == ("evaluation", "m1", dt.date(2026, 11, 25))
    assert due.when(item.day, dt.date(2026, 11, 20), "nn") == "om 5 dagar"


def test_a_renewed_consent_is_not_reported() -> None:
    data = rk.level1()
    data["consents"] = [
        rk.consent("c1", expires="2026-11-25"),
        rk.consent("c2", given="2026-11-01", expires="2027-11-01"),
    ]
    data["measures"] = []
    data["log"].append(rk.entry("Samtykke c2.", "2026-11-10T09:00:00+01:00"))
    assert _items(data) == []
    data["consents"] = [rk.consent("c1", expires="2026-11-25")]
    (item,) = _items(data)
    assert (item.kind, item.ref) == ("consent", "c1")
    assert item.what.startswith("Samtykke c1 går ut")


def test_level0_and_followup_deadlines() -> None:
    data = rk.level0()  # opened 1 September, level-0 limit 14 days
    (item,) = _items(data, today="2026-09-10")
    assert (item.kind, item.day) == ("level0", dt.date(2026, 9, 15))
    data = rk.level1()  # last entry 3 September, follow-up limit 30 days
    data["measures"] = []
    (item,) = _items(data, today="2026-10-01")
    assert (item.kind, item.day) == ("followup", dt.date(2026, 10, 3))
    assert "3. september 2026" in item.what
    assert _items(data, today="2026-10-01", days=1) == []


def test_due_names_no_staff_either(story: Story) -> None:  # noqa: F811
    out = story.run("due", "--all")
    assert "@" not in out


def test_my_tasks_include_measures_i_am_responsible_for() -> None:
    data = rk.level1()
    data["measures"][0]["responsible"] = rk.NURSE  # the nurse, not the holder, runs measure m1
    found = _items(data, today="2026-11-20", days=60)
    mine = due.select(found, holder=rk.NURSE, service=None)
    assert [(i.kind, i.ref) for i in mine] == [("evaluation", "m1")]
    # The holder still sees it among the case's tasks.
    assert ("evaluation", "m1") in [
        (i.kind, i.ref) for i in due.select(found, holder=rk.HOLDER, service=None)
    ]
