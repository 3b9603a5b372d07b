"""State rules, judged purely: one version of a case in, violations out. No git, no CLI.

Each rule gets a case where it fires (code, severity, place, and the words that tell the user what
to do) and a close-by lawful case where it stays silent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tests.rulekit import (
    CASE_ID,
    CONFIG_16,
    EXTERNAL,
    FATHER,
    HOLDER,
    LEADER,
    MOTHER,
    NID,
    NID_2,
    NID_3,
    NOW,
    NURSE,
    REVIEWER,
    STRANGER,
    SUBJECT_NAME,
    TEACHER,
    TODAY,
    at,
    clean,
    codes,
    consent,
    entry,
    errors,
    having,
    level0,
    level1,
    level2,
    level3,
    measure,
    only,
    state,
    words,
)

TOMORROW = "2026-09-16"


def offer(hid: str = "h1", to: str = TEACHER, status: str = "offered", by: str = HOLDER) -> dict:
    return {
        "id": hid,
        "to": to,
        "offered_by": by,
        "offered": at("2026-09-10"),
        "status": status,
        "answered": None if status == "offered" else at("2026-09-11"),
    }


def evaluation(outcome: str = "continue", next_by: str | None = "2026-12-01") -> dict:
    return {
        "date": "2026-09-14",
        "outcome": outcome,
        "note": "Litt bedre, men ikke i mål.",
        "next_by": next_by,
        "by": HOLDER,
    }


# -- the builders themselves are lawful -----------------------------------------------------------


@pytest.mark.parametrize("build", [level0, level1, level2, level3])
def test_the_lawful_builders_are_clean(build: Callable[[], dict]) -> None:
    clean(state(build()))


# -- BTI003 unknown person ------------------------------------------------------------------------


def test_bti003_unknown_holder() -> None:
    d = level0()
    d["holder"] = STRANGER
    v = only(state(d), "BTI003")
    assert v.severity == "error"
    assert v.loc == ("holder",)
    words(v.message, STRANGER, "not in people.yaml", "bti person add")


def test_bti003_unknown_concern_owner() -> None:
    d = level0()
    d["concern"]["by"] = STRANGER
    assert only(state(d), "BTI003").loc == ("concern", "by")


def test_bti003_unknown_receiver_of_a_pending_offer_but_not_of_an_answered_one() -> None:
    d = level1()
    d["handovers"] = [offer(to=STRANGER)]
    assert only(state(d), "BTI003").loc == ("handovers", 0, "to")
    d["handovers"] = [offer(to=STRANGER, status="declined")]
    clean(state(d))


def test_bti003_unknown_responsible_of_a_running_measure_but_not_of_an_ended_one() -> None:
    d = level1()
    d["measures"][0]["responsible"] = STRANGER
    assert only(state(d), "BTI003").loc == ("measures", 0, "responsible")
    d["measures"][0]["evaluations"] = [evaluation("end", None)]
    clean(state(d))


def test_bti003_history_may_name_people_who_left() -> None:
    d = level1()
    d["log"].append(entry("Notat fra tidligere ansatt.", author=STRANGER))
    d["consents"][0]["recorded_by"] = STRANGER
    d["measures"][0]["added_by"] = STRANGER
    clean(state(d))


# -- BTI004 unknown service -----------------------------------------------------------------------


def test_bti004_unknown_owner_service_lists_the_known_ones() -> None:
    d = level0()
    d["owner_service"] = "sykehus"
    d["services"] = ["sykehus"]
    found = having(state(d), "BTI004")
    assert [v.loc for v in found] == [("owner_service",), ("services", 0)]
    v = found[0]
    assert v.severity == "error"
    words(v.message, "unknown service 'sykehus'", "bti service define", "barnevern, bup")


@pytest.mark.parametrize(
    ("edit", "loc"),
    [
        (lambda d: d["consents"][0]["services"].append("sykehus"), ("consents", 0, "services", 1)),
        (lambda d: d["measures"][0].update(service="sykehus"), ("measures", 0, "service")),
    ],
)
def test_bti004_unknown_service_in_a_consent_or_measure(
    edit: Callable[[dict], Any], loc: tuple
) -> None:
    d = level1()
    edit(d)
    assert only(state(d), "BTI004").loc == loc


def test_bti004_an_external_service_defined_in_bti_yaml_is_known() -> None:
    clean(state(level3()))


# -- BTI005 file name is the id -------------------------------------------------------------------


def test_bti005_file_named_otherwise() -> None:
    v = only(state(level0(), path="cases/ola-testesen.yaml"), "BTI005")
    assert v.severity == "error"
    assert v.loc == ("id",)
    assert v.path == "cases/ola-testesen.yaml"
    words(v.message, "ola-testesen.yaml", CASE_ID, "<id>.yaml", "never rename")


def test_bti005_file_named_by_its_id() -> None:
    clean(state(level0(), path=f"cases/{CASE_ID}.yaml"))


# -- BTI006 duplicate ids -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("consents", lambda: consent("c1", given="2026-09-03")),
        ("measures", lambda: measure("m1")),
        ("handovers", lambda: offer("h1", status="declined")),
    ],
)
def test_bti006_two_records_share_an_id(name: str, build: Callable[[], dict]) -> None:
    d = level1()
    if name == "handovers":
        d["handovers"] = [offer("h1", status="declined")]
    d[name].append(build())
    v = only(state(d), "BTI006")
    assert v.severity == "error"
    assert v.loc == (name, len(d[name]) - 1, "id")
    words(v.message, name, "more than one record with id", "next free id")


def test_bti006_distinct_ids_pass() -> None:
    d = level1()
    d["consents"].append(consent("c2", given="2026-09-03"))
    d["measures"].append(measure("m2"))
    clean(state(d))


def test_bti006_a_service_listed_twice() -> None:
    d = level1()
    d["services"] = ["skole", "skole"]
    v = only(state(d), "BTI006")
    assert v.loc == ("services", 1)
    words(v.message, "'skole' is listed twice", "remove one")


# -- BTI101 consent needed from level 1 -----------------------------------------------------------


def test_bti101_level1_without_consent() -> None:
    d = level1()
    d["consents"] = []
    v = only(state(d), "BTI101")
    assert v.severity == "error"
    assert v.loc == ("level",)
    words(v.message, "level 1 without a valid consent", "bti consent add", "level 0")


def test_bti101_only_consent_withdrawn() -> None:
    d = level1()
    d["consents"][0]["withdrawn"] = {"date": "2026-09-10", "by": HOLDER}
    assert "BTI101" in codes(state(d))


def test_bti101_consent_given_in_the_future_is_not_yet_valid() -> None:
    d = level1()
    d["consents"][0]["given"] = TOMORROW
    assert {"BTI101", "BTI304"} <= set(codes(state(d)))


def test_bti101_not_at_level0_nor_on_a_closed_case() -> None:
    clean(state(level0()))
    d = level1()
    d["consents"] = []
    d["status"] = "closed"
    clean(state(d))


def test_bti101_an_expired_consent_is_only_the_bti106_warning() -> None:
    d = level1()
    d["consents"][0]["expires"] = "2026-09-14"
    assert codes(state(d)) == ["BTI106"]


# -- BTI102 authority to consent ------------------------------------------------------------------


def test_bti102_guardian_without_parental_responsibility() -> None:
    d = level1()
    d["consents"][0]["given_by"] = [FATHER]
    found = state(d)
    v = only(found, "BTI102")
    assert v.severity == "error"
    assert v.loc == ("consents", 0, "given_by", 0)
    words(v.message, "consent c1", FATHER, "no parental responsibility")
    # the consent does not count: the case has no valid consent
    assert "BTI101" in codes(found)


def test_bti102_someone_who_is_not_a_guardian() -> None:
    d = level1()
    d["consents"][0]["given_by"] = ["Mormor Testesen"]
    v = only(state(d), "BTI102")
    words(v.message, "'Mormor Testesen' is not a guardian", "bti guardian add")


def test_bti102_the_second_giver_is_pointed_at() -> None:
    d = level1()
    d["consents"][0]["given_by"] = [MOTHER, FATHER]
    assert only(state(d), "BTI102").loc == ("consents", 0, "given_by", 1)


def test_bti102_guardian_with_parental_responsibility_passes() -> None:
    d = level1()
    d["guardians"][1]["responsibility"] = True
    d["consents"][0]["given_by"] = [MOTHER, FATHER]
    clean(state(d))


def test_bti102_a_withdrawn_consent_is_not_judged_for_authority() -> None:
    d = level0()
    d["consents"] = [consent(given_by=[FATHER])]
    d["consents"][0]["withdrawn"] = {"date": "2026-09-10", "by": HOLDER}
    clean(state(d))


# Consent given 2026-09-10. Born 2011-09-11: 14 that day; 2011-09-10: 15 that very day.
AGES = {14: "2011-09-11", 15: "2011-09-10", 16: "2010-09-10", 17: "2009-01-01"}


def _self_consent(age: int, giver: str = "subject") -> dict:
    d = level1()
    d["subject"].update(kind="youth", born=AGES[age])
    d["consents"] = [consent(given_by=[giver], given="2026-09-10")]
    return d


@pytest.mark.parametrize(
    ("age", "limit", "lawful"),
    [
        (14, 15, False),
        (15, 15, True),
        (16, 15, True),
        (14, 16, False),
        (15, 16, False),
        (16, 16, True),
        (17, 16, True),
    ],
)
def test_bti102_the_subject_consents_from_the_configured_age(
    age: int, limit: int, lawful: bool
) -> None:
    cfg = CONFIG_16 if limit == 16 else None
    found = state(_self_consent(age), **({"cfg": cfg} if cfg else {}))
    if lawful:
        clean(found)
    else:
        v = only(found, "BTI102")
        assert v.loc == ("consents", 0, "given_by", 0)
        words(v.message, f"the subject was {age} on 2026-09-10", f"from {limit}", "guardians")
        assert "BTI101" in codes(found)


def test_bti102_the_subject_named_by_name_is_the_subject() -> None:
    clean(state(_self_consent(15, giver=SUBJECT_NAME)))
    assert "BTI102" in codes(state(_self_consent(14, giver=SUBJECT_NAME)))


def test_bti102_age_is_taken_on_the_day_the_consent_was_given() -> None:
    # 14 when consenting, 15 today: the consent stays without authority
    d = _self_consent(14)
    d["subject"]["born"] = "2011-09-12"
    assert "BTI102" in codes(state(d))


@pytest.mark.parametrize("born", ["2012-05-01", "2008-05-01"])
def test_bti102_a_pregnant_subject_consents_herself_at_any_age(born: str) -> None:
    d = level1()
    d["subject"].update(kind="pregnant", born=born)
    d["consents"] = [consent(given_by=["subject"])]
    clean(state(d))
    clean(state(d, cfg=CONFIG_16))


# -- BTI103 every involved service is covered -----------------------------------------------------


def test_bti103_a_service_without_covering_consent() -> None:
    d = level1()
    d["services"] = ["skole", "helsestasjon"]
    v = only(state(d), "BTI103")
    assert v.severity == "error"
    assert v.loc == ("services", 1)
    words(
        v.message, "'helsestasjon' is involved", "no valid consent covers it", "bti service remove"
    )


def test_bti103_covered_by_a_second_consent() -> None:
    d = level1()
    d["services"] = ["skole", "helsestasjon"]
    d["consents"].append(consent("c2", services=["helsestasjon"], given="2026-09-04"))
    clean(state(d))


def test_bti103_covered_only_by_a_withdrawn_consent() -> None:
    d = level2()
    d["consents"].append(consent("c2", services=["skole"], given="2026-09-04"))
    d["consents"][0]["withdrawn"] = {"date": "2026-09-10", "by": HOLDER}
    v = only(state(d), "BTI103")
    assert v.loc == ("services", 1)


def test_bti103_covered_only_by_someone_without_authority() -> None:
    d = level2()
    d["consents"] = [
        consent("c1", services=["skole"]),
        consent("c2", services=["helsestasjon"], given_by=[FATHER]),
    ]
    found = state(d)
    assert only(found, "BTI103").loc == ("services", 1)
    assert only(found, "BTI102").loc == ("consents", 1, "given_by", 0)


def test_bti103_the_owner_service_needs_consent_too() -> None:
    d = level1()
    d["consents"] = [consent(services=["helsestasjon"])]
    assert only(state(d), "BTI103").loc == ("services", 0)


def test_bti103_not_on_a_closed_case() -> None:
    d = level1()
    d["services"] = ["skole", "helsestasjon"]
    d["status"] = "closed"
    clean(state(d))


# -- BTI104 level 0 stays inside the owner service ------------------------------------------------


def test_bti104_another_service_at_level0() -> None:
    d = level0()
    d["services"] = ["skole", "ppt"]
    found = state(d)
    v = only(found, "BTI104")
    assert v.severity == "error"
    assert v.loc == ("services", 1)
    words(v.message, "owner service (skole)", "'ppt'", "anonymously", "go to level 1")
    assert "BTI103" not in codes(found)


def test_bti104_owner_only_or_closed_passes() -> None:
    clean(state(level0()))
    d = level0()
    d["services"] = ["skole", "ppt"]
    d["status"] = "closed"
    clean(state(d))


# -- BTI106 an expired consent is a warning -------------------------------------------------------


def test_bti106_expired_consent_warns() -> None:
    d = level1()
    d["consents"][0]["expires"] = "2026-09-14"
    found = state(d)
    v = only(found, "BTI106")
    assert v.severity == "warning"
    assert not v.is_error
    assert v.loc == ("consents", 0, "expires")
    words(v.message, "consent c1 expired 2026-09-14 (skole)", "bti consent add", "level 0")
    assert errors(found) == []


def test_bti106_a_consent_expiring_today_is_still_valid() -> None:
    d = level1()
    d["consents"][0]["expires"] = TODAY.isoformat()
    clean(state(d))


def test_bti106_names_only_the_lapsed_services() -> None:
    d = level2()
    d["consents"] = [
        consent("c1", services=["skole", "helsestasjon"], expires="2026-09-01"),
        consent("c2", services=["skole"], given="2026-09-03"),
    ]
    v = only(state(d), "BTI106")
    words(v.message, "(helsestasjon)")
    assert "skole" not in v.message.split("(")[1]


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d["consents"].append(consent("c2", given="2026-09-10", expires=None)),
        lambda d: d.update(level=0),
        lambda d: d.update(status="closed"),
        lambda d: d["consents"][0].update(withdrawn={"date": "2026-09-10", "by": HOLDER}),
    ],
    ids=["renewed", "level0", "closed", "withdrawn"],
)
def test_bti106_silent_when_renewed_at_level0_closed_or_withdrawn(
    edit: Callable[[dict], Any],
) -> None:
    d = level1()
    d["consents"][0]["expires"] = "2026-09-14"
    edit(d)
    assert "BTI106" not in codes(state(d))


def test_bti106_an_expired_consent_for_a_service_no_longer_involved() -> None:
    d = level1()
    d["consents"].append(consent("c2", services=["ppt"], expires="2026-09-10"))
    clean(state(d))


# -- BTI201 a holder from level 1 -----------------------------------------------------------------


def test_bti201_level1_without_holder() -> None:
    d = level1()
    d["holder"] = None
    v = only(state(d), "BTI201")
    assert v.severity == "error"
    assert v.loc == ("level",)
    words(v.message, "level 1 without a holder", "stafettholder", "from level 1")


def test_bti201_holder_without_the_holder_role() -> None:
    d = level1()
    d["holder"] = REVIEWER
    d["measures"][0]["responsible"] = REVIEWER
    v = only(state(d), "BTI201")
    assert v.loc == ("holder",)
    words(v.message, REVIEWER, "does not have the holder role", "--role holder")


def test_bti201_level0_may_be_unheld_and_a_closed_case_needs_no_holder() -> None:
    d = level0()
    d["holder"] = None
    clean(state(d))
    d = level1()
    d["holder"] = None
    d["status"] = "closed"
    clean(state(d))


def test_bti201_a_leader_with_the_holder_role_may_hold() -> None:
    d = level1()
    d["holder"] = LEADER
    clean(state(d))


# -- BTI205 one pending offer, never to the holder ------------------------------------------------


def test_bti205_two_pending_offers() -> None:
    d = level1()
    d["handovers"] = [offer("h1", TEACHER), offer("h2", NURSE)]
    v = only(state(d), "BTI205")
    assert v.severity == "error"
    assert v.loc == ("handovers", 1)
    words(v.message, "another handover offer is still pending", "decline or accept it")


def test_bti205_an_offer_to_the_current_holder() -> None:
    d = level1()
    d["handovers"] = [offer("h1", HOLDER)]
    v = only(state(d), "BTI205")
    assert v.loc == ("handovers", 0, "to")
    words(v.message, "current holder")


def test_bti205_one_pending_after_answered_ones_passes() -> None:
    d = level1()
    d["handovers"] = [offer("h1", TEACHER, "declined"), offer("h2", NURSE)]
    clean(state(d))


# -- BTI206 offers go to people with the holder role ----------------------------------------------


def test_bti206_offer_to_someone_without_the_holder_role() -> None:
    d = level1()
    d["handovers"] = [offer("h1", REVIEWER)]
    v = only(state(d), "BTI206")
    assert v.severity == "error"
    assert v.loc == ("handovers", 0, "to")
    words(v.message, REVIEWER, "does not have the holder role", "someone who has it")


def test_bti206_an_answered_offer_is_history() -> None:
    d = level1()
    d["handovers"] = [offer("h1", REVIEWER, "declined")]
    clean(state(d))


def test_bti206_an_unknown_receiver_is_bti003_not_bti206() -> None:
    d = level1()
    d["handovers"] = [offer("h1", STRANGER)]
    assert codes(state(d)) == ["BTI003"]


# -- BTI304 nothing in the future -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "loc", "what"),
    [
        (lambda d: d.update(opened=TOMORROW), ("opened",), "the opening date is 2026-09-16"),
        (
            lambda d: d["concern"].update(noted=TOMORROW),
            ("concern", "noted"),
            "the concern's date",
        ),
        (
            lambda d: d["consents"][0].update(given=TOMORROW),
            ("consents", 0, "given"),
            "consent c1's date",
        ),
        (
            lambda d: d["consents"][0].update(withdrawn={"date": TOMORROW, "by": HOLDER}),
            ("consents", 0, "withdrawn", "date"),
            "the withdrawal of c1",
        ),
        (
            lambda d: d["measures"][0]["evaluations"].append(evaluation() | {"date": TOMORROW}),
            ("measures", 0, "evaluations", 0, "date"),
            "the evaluation of m1",
        ),
        (
            lambda d: d["meetings"].append(
                {"id": "mt1", "kind": "coordination", "date": TOMORROW, "recorded_by": HOLDER}
            ),
            ("meetings", 0, "date"),
            "meeting mt1",
        ),
    ],
)
def test_bti304_a_date_after_today(edit: Callable[[dict], Any], loc: tuple, what: str) -> None:
    d = level1()
    edit(d)
    v = only(state(d), "BTI304")
    assert v.severity == "error"
    assert v.loc == loc
    words(v.message, what, "after today", "when they have happened")


def test_bti304_dates_of_today_and_planned_dates_are_fine() -> None:
    d = level1()
    today = TODAY.isoformat()
    d["consents"][0]["given"] = today
    d["meetings"] = [{"id": "mt1", "kind": "evaluation", "date": today, "recorded_by": HOLDER}]
    d["measures"][0]["evaluate_by"] = "2027-03-01"  # a plan, not a record
    d["measures"][0]["start"] = "2026-10-01"
    d["consents"][0]["expires"] = "2028-06-30"
    clean(state(d))


@pytest.mark.parametrize(
    ("minutes", "fires"), [(0, False), (9, False), (10, False), (11, True), (600, True)]
)
def test_bti304_a_log_time_with_ten_minutes_of_clock_skew(minutes: int, fires: bool) -> None:
    d = level1()
    moment = NOW + dt.timedelta(minutes=minutes)
    d["log"].append(entry("Samtale med eleven.", moment.isoformat()))
    found = state(d)
    if fires:
        v = only(found, "BTI304")
        assert v.loc == ("log", len(d["log"]) - 1, "time")
        words(v.message, f"log entry #{len(d['log'])}", "in the future", "clock")
    else:
        clean(found)


def test_bti304_a_handover_time_in_the_future() -> None:
    d = level1()
    d["handovers"] = [offer("h1", TEACHER) | {"offered": "2026-09-15T13:00:00+02:00"}]
    v = only(state(d), "BTI304")
    assert v.loc == ("handovers", 0, "offered")
    words(v.message, "handover h1 is offered at", "in the future")


def test_bti304_compares_instants_not_wall_clocks() -> None:
    d = level1()
    # 11:05 UTC is 13:05 in Norway: in the future; 10:05 UTC is 12:05 here: fine
    d["log"].append(entry("Sent fra en maskin i UTC.", "2026-09-15T10:05:00+00:00"))
    clean(state(d))
    d["log"].append(entry("Sent fra en maskin i UTC.", "2026-09-15T11:05:00+00:00"))
    assert only(state(d), "BTI304").loc == ("log", len(d["log"]) - 1, "time")


# -- BTI402 level 2 needs two services ------------------------------------------------------------


def test_bti402_level2_with_one_service() -> None:
    d = level1()
    d["level"] = 2
    v = only(state(d), "BTI402")
    assert v.severity == "error"
    assert v.loc == ("level",)
    words(v.message, "only 1 is involved", "bti service add", "choose level 1")


def test_bti402_a_service_listed_twice_counts_once() -> None:
    d = level1()
    d["level"] = 2
    d["services"] = ["skole", "skole"]
    assert codes(state(d)) == ["BTI006", "BTI402"]


def test_bti402_two_services_pass_and_closed_is_exempt() -> None:
    clean(state(level2()))
    d = level1()
    d["level"] = 2
    d["status"] = "closed"
    clean(state(d))


# -- BTI403 level 3 needs three services or an external one ---------------------------------------


def test_bti403_level3_with_two_municipal_services() -> None:
    d = level2()
    d["level"] = 3
    v = only(state(d), "BTI403")
    assert v.severity == "error"
    assert v.loc == ("level",)
    words(v.message, "at least 3 services", "external", "choose level 2")


def test_bti403_two_services_and_an_external_one_pass() -> None:
    d = level3()
    assert d["services"] == ["skole", "helsestasjon", EXTERNAL]
    clean(state(d))
    d["services"] = ["skole", EXTERNAL]
    d["consents"] = [consent(services=["skole", EXTERNAL])]
    clean(state(d))


def test_bti403_three_municipal_services_pass() -> None:
    d = level3()
    d["services"] = ["skole", "helsestasjon", "ppt"]
    d["consents"] = [consent(services=["skole", "helsestasjon", "ppt"])]
    clean(state(d))


# -- BTI404 measures are complete from level 1 ----------------------------------------------------


def test_bti404_measure_without_responsible() -> None:
    d = level1()
    d["measures"][0]["responsible"] = None
    v = only(state(d), "BTI404")
    assert v.severity == "error"
    assert v.loc == ("measures", 0)
    words(v.message, "measure m1 has no responsible person", "responsible:")


def test_bti404_measure_without_evaluate_by() -> None:
    d = level1()
    d["measures"][0]["evaluate_by"] = None
    v = only(state(d), "BTI404")
    assert v.loc == ("measures", 0)
    words(v.message, "measure m1 has no evaluate-by date", "evaluate_by: YYYY-MM-DD")


def test_bti404_both_missing_are_two_findings() -> None:
    d = level2()
    d["measures"].append(measure("m2", responsible=None, evaluate_by=None))
    found = having(state(d), "BTI404")
    assert [v.loc for v in found] == [("measures", 1), ("measures", 1)]


def test_bti404_an_ended_measure_is_exempt() -> None:
    d = level1()
    d["measures"][0].update(responsible=None, evaluate_by=None)
    d["measures"][0]["evaluations"] = [evaluation("end", None)]
    clean(state(d))


def test_bti404_a_next_by_from_an_evaluation_is_a_date() -> None:
    d = level1()
    d["measures"][0]["evaluate_by"] = None
    d["measures"][0]["evaluations"] = [evaluation("continue", "2026-12-01")]
    clean(state(d))


def test_bti404_not_at_level0() -> None:
    d = level0()
    d["measures"] = [measure(responsible=None, evaluate_by=None)]
    clean(state(d))


# -- BTI501 no national id in free text -----------------------------------------------------------


def _put(path: tuple, text: str) -> Callable[[dict], None]:
    def edit(d: dict) -> None:
        target: Any = d
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = text

    return edit


FREE_TEXT = [
    ("log", 0, "text"),
    ("concern", "text"),
    ("subject", "name"),
    ("guardians", 0, "relation"),
    ("consents", 0, "purpose"),
    ("measures", 0, "text"),
]


@pytest.mark.parametrize("loc", FREE_TEXT, ids=lambda loc: ".".join(map(str, loc)))
def test_bti501_a_national_id_in_free_text(loc: tuple) -> None:
    d = level1()
    _put(loc, f"Se fødselsnummer {NID} i papirene.")(d)
    v = only(state(d), "BTI501")
    assert v.severity == "error"
    assert v.loc == loc
    words(v.message, "098217*****", "free text", "remove it", "subject.national_id")
    assert NID not in v.message
    assert NID[6:] not in v.message


@pytest.mark.parametrize(
    ("where", "loc"),
    [
        ("evaluation", ("measures", 0, "evaluations", 0, "note")),
        ("meeting", ("meetings", 0, "summary")),
        ("handover", ("handovers", 0, "reason")),
        ("withdrawal", ("consents", 1, "withdrawn", "reason")),
    ],
)
def test_bti501_in_nested_records(where: str, loc: tuple) -> None:
    d = level1()
    text = f"Notat: {NID_2}"
    if where == "evaluation":
        d["measures"][0]["evaluations"] = [evaluation() | {"note": text}]
    elif where == "meeting":
        d["meetings"] = [
            {
                "id": "mt1",
                "kind": "other",
                "date": "2026-09-10",
                "summary": text,
                "recorded_by": HOLDER,
            }
        ]
    elif where == "handover":
        d["handovers"] = [offer() | {"reason": text}]
    else:
        withdrawn = {"date": "2026-09-10", "by": HOLDER, "reason": text}
        d["consents"].append(consent("c2", given="2026-09-03") | {"withdrawn": withdrawn})
    v = only(state(d), "BTI501")
    assert v.loc == loc
    words(v.message, "309114*****")
    assert NID_2 not in v.message


def test_bti501_a_synthetic_d_number() -> None:
    d_number = "42831510093"  # day + 40 (D-number), month + 80 (synthetic)
    d = level0()
    d["log"].append(entry(f"D-nummer {d_number}"))
    v = only(state(d), "BTI501")
    words(v.message, "428315*****")
    assert d_number not in v.message


@pytest.mark.parametrize("written", [f"{NID_3[:6]} {NID_3[6:]}", f"{NID_3[:6]}-{NID_3[6:]}"])
def test_bti501_a_national_id_written_with_a_separator(written: str) -> None:
    d = level0()
    d["log"].append(entry(f"fnr. {written}"))
    v = only(state(d), "BTI501")
    assert NID_3 not in v.message
    assert NID_3[6:] not in v.message


def test_bti501_each_id_is_reported_once() -> None:
    d = level0()
    d["log"].append(entry(f"{NID} og {NID_2}"))
    found = having(state(d), "BTI501")
    assert len(found) == 2
    assert {v.loc for v in found} == {("log", 1, "text")}


def test_bti501_the_subjects_national_id_field_is_the_place_for_it() -> None:
    d = level1()
    d["subject"]["national_id"] = NID
    clean(state(d))


@pytest.mark.parametrize(
    "text",
    [
        "Ring mor på 91234567.",  # a phone number
        "Saksnummer 12345678901 i arkivet.",  # eleven digits that are no national id
        f"Saken er {CASE_ID}.",
        f"Tolv siffer: {NID}1 er ikke et fødselsnummer.",
    ],
)
def test_bti501_numbers_that_are_no_national_id(text: str) -> None:
    d = level0()
    d["log"].append(entry(text))
    clean(state(d))


# -- the engine --------------------------------------------------------------------------------


def test_a_violation_renders_like_a_linter() -> None:
    d = level1()
    d["holder"] = None
    v = only(state(d, path=f"cases/{CASE_ID}.yaml"), "BTI201")
    assert v.render().startswith(f"cases/{CASE_ID}.yaml:1:1: BTI201 error: case is at level 1")
    assert v.as_dict()["code"] == "BTI201"


def test_a_nurse_may_hold_a_school_case() -> None:
    d = level2()
    d["holder"] = NURSE
    clean(state(d))
