"""Who may write what (issue 11): BTI210–BTI218, pure — case dicts in, violations out.

Each row of the table is tried refused for the wrong person and lawful for the right one. The cases
come from tests/rulekit.py: the holder is HOLDER (skole); at level 2 helsestasjon is involved and
covered, ppt is neither.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.rulekit import (
    HOLDER,
    LEADER,
    NURSE,
    NURSE_LEADER,
    PPT,
    REVIEWER,
    TEACHER,
    at,
    change,
    clean,
    codes,
    copy_of,
    entry,
    errors,
    having,
    level0,
    level1,
    level2,
    measure,
    only,
    words,
)

LATER = at("2026-09-15", "11:00")


def _with(d: dict[str, Any], who: str, text: str = "Samtale.", kind: str = "note") -> dict:
    after = copy_of(d)
    after["log"].append({**entry(text, LATER, who), "kind": kind})
    return after


def _lawful(before: dict[str, Any] | None, after: dict[str, Any], who: str) -> None:
    clean(errors(change(before, after, author=who)))


# -- BTI210: open a case -------------------------------------------------------------------------


def test_a_holder_opens_a_case_in_their_own_service() -> None:
    _lawful(None, level0(), HOLDER)


@pytest.mark.parametrize("who", [REVIEWER, NURSE_LEADER])
def test_someone_without_the_holder_role_cannot_open_a_case(who: str) -> None:
    case = level0()
    case["holder"] = who
    case["concern"]["by"] = who
    case["log"][0]["author"] = who
    v = only(change(None, case, author=who), "BTI210")
    words(v.message, "holder role")


def test_a_case_is_opened_in_ones_own_service_only() -> None:
    case = level0()
    case["holder"] = NURSE
    v = only(change(None, case, author=NURSE), "BTI210")
    words(v.message, "helsestasjon", "--service helsestasjon")


# -- BTI211: log entries and the child's voice ---------------------------------------------------


@pytest.mark.parametrize("who", [HOLDER, TEACHER, NURSE])
def test_staff_of_an_involved_covered_service_write_entries(who: str) -> None:
    _lawful(level2(), _with(level2(), who), who)


def test_staff_of_a_service_outside_the_case_cannot_write() -> None:
    v = only(change(level2(), _with(level2(), PPT), author=PPT), "BTI211")
    words(v.message, "ask the holder", HOLDER, "skole, helsestasjon")


def test_the_childs_voice_from_outside_the_case_is_refused() -> None:
    after = _with(level2(), PPT, "Jeg vil være med de andre.", kind="voice")
    words(only(change(level2(), after, author=PPT), "BTI211").message, "the child's voice")


def test_at_level_0_only_the_owner_service_writes() -> None:
    only(change(level0(), _with(level0(), NURSE), author=NURSE), "BTI211")
    _lawful(level0(), _with(level0(), TEACHER), TEACHER)


def test_a_service_without_consent_does_not_write() -> None:
    # level 1: the consent covers skole only
    only(change(level1(), _with(level1(), NURSE), author=NURSE), "BTI211")


def test_the_holder_writes_even_when_outside_the_covered_services() -> None:
    before = level1()
    before["holder"] = PPT  # a file from before the rules: the holder still writes
    _lawful(before, _with(before, PPT), PPT)


# -- BTI212: guardians, consents, services, level, measures, meetings -----------------------------


def _guardian(d: dict[str, Any], who: str) -> dict:
    after = _with(d, who, "Foresatt registrert.")
    after["guardians"].append({"name": "Siv Testesen", "relation": "tante"})
    return after


def _consent(d: dict[str, Any], who: str) -> dict:
    from tests.rulekit import consent

    after = _with(d, who, "Samtykke c2.")
    after["consents"].append({**consent("c2", ["skole"]), "recorded_by": who})
    return after


def _level(d: dict[str, Any], who: str) -> dict:
    after = _with(d, who, "Nivå 2 → 2, trinn 2.")
    after["step"] = 2
    return after


def _measure(d: dict[str, Any], who: str, responsible: str = HOLDER) -> dict:
    after = _with(d, who, "Tiltak m2.")
    after["measures"].append(
        {**measure("m2", "skole", responsible), "start": "2026-09-15", "added_by": who}
    )
    return after


def _meeting(d: dict[str, Any], who: str) -> dict:
    after = _with(d, who, "Samarbeidsmøte holdt.", kind="meeting")
    after["meetings"].append(
        {"id": "mt1", "kind": "coordination", "date": "2026-09-15", "recorded_by": who}
    )
    return after


def _service(d: dict[str, Any], who: str) -> dict:
    after = _with(d, who, "Tjeneste fjernet.")
    after["services"] = ["skole"]
    after["level"] = 1
    return after


ACTIONS = [_guardian, _consent, _level, _measure, _meeting, _service]


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("who", [HOLDER, LEADER])
def test_the_holder_or_their_leader_coordinates(action: Any, who: str) -> None:
    before = level2()
    _lawful(before, action(before, who), who)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("who", [TEACHER, NURSE, NURSE_LEADER])
def test_others_do_not_coordinate(action: Any, who: str) -> None:
    before = level2()
    found = having(change(before, action(before, who), author=who), "BTI212")
    assert found, action
    words(found[0].message, "ask the holder", HOLDER)


def test_a_leader_of_the_holders_service_coordinates_a_nurses_case() -> None:
    before = level2()
    before["holder"] = NURSE
    _lawful(before, _guardian(before, NURSE_LEADER), NURSE_LEADER)
    only(change(before, _guardian(before, LEADER), author=LEADER), "BTI212")


def test_a_withdrawal_is_the_holders_to_record() -> None:
    before = level2()
    after = _with(before, TEACHER, "Samtykke c1 trukket.")
    after["consents"][0]["withdrawn"] = {"date": "2026-09-15", "by": TEACHER}
    after.update(level=0, step=1, services=["skole"])
    assert "BTI212" in codes(change(before, after, author=TEACHER))
    after["consents"][0]["withdrawn"]["by"] = HOLDER
    for e in after["log"][len(before["log"]) :]:
        e["author"] = HOLDER
    _lawful(before, after, HOLDER)


# -- BTI213: measure evaluate --------------------------------------------------------------------


def _evaluated(who: str) -> tuple[dict, dict]:
    before = level2()
    before["measures"].append({**measure("m2", "helsestasjon", NURSE)})
    after = _with(before, who, "Tiltak m2 evaluert.")
    after["measures"][1]["evaluations"].append(
        {
            "date": "2026-09-15",
            "outcome": "continue",
            "note": "Går bra.",
            "next_by": "2026-11-01",
            "by": who,
        }
    )
    return before, after


@pytest.mark.parametrize("who", [HOLDER, NURSE])
def test_the_holder_or_the_responsible_evaluates(who: str) -> None:
    _lawful(*_evaluated(who), who)


@pytest.mark.parametrize("who", [TEACHER, LEADER, NURSE_LEADER])
def test_others_do_not_evaluate(who: str) -> None:
    v = only(change(*_evaluated(who), author=who), "BTI213")
    words(v.message, "m2", NURSE, HOLDER)


# -- BTI214: close and reopen --------------------------------------------------------------------


def _closed(d: dict[str, Any], who: str) -> dict:
    after = _with(d, who, "Avsluttet.")
    after["status"] = "closed"
    after["log"][-1]["event"] = "closed"
    return after


@pytest.mark.parametrize("who", [HOLDER, LEADER])
def test_the_holder_or_a_leader_closes(who: str) -> None:
    _lawful(level2(), _closed(level2(), who), who)


def test_a_leader_of_the_owner_service_closes_a_nurses_case() -> None:
    before = level2()
    before["holder"] = NURSE
    _lawful(before, _closed(before, LEADER), LEADER)
    _lawful(before, _closed(before, NURSE_LEADER), NURSE_LEADER)


@pytest.mark.parametrize("who", [TEACHER, NURSE, NURSE_LEADER])
def test_others_do_not_close(who: str) -> None:
    v = only(change(level2(), _closed(level2(), who), author=who), "BTI214")
    words(v.message, "cannot close", "ask the holder")


def test_a_former_holder_does_not_reopen() -> None:
    before = _closed(level2(), HOLDER)
    after = _with(before, NURSE, "Gjenåpnet.")
    after["status"] = "open"
    words(only(change(before, after, author=NURSE), "BTI214").message, "cannot reopen")
    after = _with(before, HOLDER, "Gjenåpnet.")
    after["status"] = "open"
    _lawful(before, after, HOLDER)


# -- BTI215–BTI217: the baton stays inside the case ----------------------------------------------


def _offered(d: dict[str, Any], to: str, by: str = HOLDER) -> dict:
    after = _with(d, by, f"Tilbudt til {to}.")
    after["handovers"].append(
        {"id": "h1", "to": to, "offered_by": by, "offered": LATER, "status": "offered"}
    )
    return after


def _accepted(before: dict[str, Any], to: str) -> dict:
    after = _with(before, to, "Akseptert.")
    after["handovers"][-1].update(status="accepted", answered=LATER)
    after["holder"] = to
    return after


def test_the_baton_is_offered_inside_the_case() -> None:
    _lawful(level2(), _offered(level2(), NURSE), HOLDER)
    v = only(change(level2(), _offered(level2(), PPT), author=HOLDER), "BTI216")
    words(v.message, PPT, "bti service add")


def test_at_level_0_the_baton_stays_in_the_owner_service() -> None:
    _lawful(level0(), _offered(level0(), TEACHER), HOLDER)
    only(change(level0(), _offered(level0(), NURSE), author=HOLDER), "BTI216")


def test_an_offer_outside_the_case_cannot_be_accepted() -> None:
    before = _offered(level1(), NURSE)  # consent covers skole only
    v = only(change(before, _accepted(before, NURSE), author=NURSE), "BTI215")
    words(v.message, NURSE, "skole")
    lawful = _offered(level2(), NURSE)
    _lawful(lawful, _accepted(lawful, NURSE), NURSE)


def test_the_holders_service_is_not_removed_under_them() -> None:
    before = level2()
    before["holder"] = NURSE
    after = _service(before, NURSE)
    only(change(before, after, author=NURSE), "BTI215")


def test_a_withdrawal_is_never_refused_for_the_holders_sake() -> None:
    before = level2()
    before["holder"] = NURSE
    after = _with(before, NURSE, "Samtykke c1 trukket.")
    after["consents"][0]["withdrawn"] = {"date": "2026-09-15", "by": NURSE}
    after.update(level=0, step=1, services=["skole"])
    assert "BTI215" not in codes(change(before, after, author=NURSE))


def _withdrawn(before: dict[str, Any]) -> dict:
    after = _with(before, HOLDER, "Samtykke c1 trukket.")
    after["consents"][0]["withdrawn"] = {"date": "2026-09-15", "by": HOLDER}
    after.update(level=0, step=1, services=["skole"])
    return after


def test_a_withdrawal_does_not_leave_an_offer_pending_outside_the_case() -> None:
    before = _offered(level2(), NURSE)
    v = only(change(before, _withdrawn(before), author=HOLDER), "BTI217")
    words(v.message, "h1", NURSE, "bti consent withdraw")
    after = _withdrawn(before)
    after["handovers"][0].update(status="declined", answered=LATER)
    _lawful(before, after, HOLDER)


def test_a_leader_who_withdraws_may_cancel_the_offer() -> None:
    before = _offered(level2(), NURSE)
    after = _withdrawn(before)
    for e in after["log"][len(before["log"]) :]:
        e["author"] = LEADER
    after["consents"][0]["withdrawn"]["by"] = LEADER
    after["handovers"][0].update(status="declined", answered=LATER)
    _lawful(before, after, LEADER)


# -- BTI218: a new measure's responsible person --------------------------------------------------


def test_a_measure_is_given_to_staff_inside_the_case() -> None:
    _lawful(level2(), _measure(level2(), HOLDER, NURSE), HOLDER)
    v = only(change(level2(), _measure(level2(), HOLDER, PPT), author=HOLDER), "BTI218")
    words(v.message, PPT)
    only(change(level1(), _measure(level1(), HOLDER, NURSE), author=HOLDER), "BTI218")
