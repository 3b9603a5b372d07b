"""Who may write, through the commands (issue 11): each refused before anything is written, with
its code and what to do; lawful for the right person.

The case comes from `level1_case`: held by HOLDER (skole); the consent covers skole and
helsestasjon, but only skole is involved until the holder adds helsestasjon.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import (
    HOLDER,
    LEADER,
    NURSE,
    Bti,
    isolated_environment,
    level1_case,
    new_case,
    push,
    server_with_clone,
)


def _head(bti: Bti) -> str:
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=bti.cwd, capture_output=True, text=True, check=True
    ).stdout.strip()


def _refused(bti: Bti, code: str, *args: str, who: str) -> str:
    head = _head(bti)
    result = bti(*args, who=who)
    assert result.exit_code == 1, result.output
    assert code in result.output and "nothing was written" in result.output, result.output
    assert _head(bti) == head
    return result.output


def _show(bti: Bti, case_id: str) -> dict:
    return json.loads(bti.ok("case", "show", case_id, "--format", "json").output)


def test_a_case_is_opened_in_ones_own_service(repo: Bti) -> None:
    out = _refused(
        repo, "BTI210", "case", "new", "--service", "skole", "--name", "Ola Testesen",
        "--born", "2015-03-02", "--concern", "Virker trist.", who=NURSE,
    )  # fmt: skip
    assert "--service helsestasjon" in out
    new_case(repo, who=HOLDER)


def test_an_outsider_does_not_write_in_the_log_until_their_service_is_involved(
    repo: Bti,
) -> None:
    case_id = level1_case(repo)
    out = _refused(repo, "BTI211", "log", "add", case_id, "Samtale med eleven.", who=NURSE)
    assert "ask the holder" in out and HOLDER in out
    _refused(repo, "BTI211", "log", "add", case_id, "Jeg vil.", "--kind", "voice", who=NURSE)
    repo.ok("service", "add", case_id, "helsestasjon", who=HOLDER)
    repo.ok("log", "add", case_id, "Samtale med eleven.", who=NURSE)
    repo.ok("log", "add", case_id, "Jeg vil være med.", "--kind", "voice", who=NURSE)


def test_only_the_holder_or_their_leader_coordinates(repo: Bti) -> None:
    case_id = level1_case(repo)
    repo.ok("service", "add", case_id, "helsestasjon", who=HOLDER)
    for args in (
        ("guardian", "add", case_id, "--name", "Siv Lund", "--relation", "tante"),
        ("level", "set", case_id, "2", "--reason", "Samarbeid"),
        ("service", "remove", case_id, "helsestasjon"),
        ("consent", "withdraw", case_id, "c1"),
    ):
        out = _refused(repo, "BTI212", *args, who=NURSE)
        assert "ask the holder" in out
    repo.ok("guardian", "add", case_id, "--name", "Siv Lund", "--relation", "tante", who=LEADER)
    repo.ok("level", "set", case_id, "2", "--reason", "Samarbeid", who=HOLDER)


def test_measures_go_to_staff_inside_the_case_and_are_evaluated_by_them(repo: Bti) -> None:
    case_id = level1_case(repo)
    measure = (
        "measure", "add", case_id, "Samtaler", "--responsible", NURSE, "--service",
        "helsestasjon", "--evaluate-by", "2027-01-15",
    )  # fmt: skip
    _refused(repo, "BTI218", *measure, who=HOLDER)
    repo.ok("service", "add", case_id, "helsestasjon", who=HOLDER)
    _refused(repo, "BTI212", *measure, who=NURSE)
    repo.ok(*measure, who=HOLDER)
    evaluate = (
        "measure",
        "evaluate",
        case_id,
        "m1",
        "--outcome",
        "end",
        "--note",
        "Bra.",
        "--voice",
        "Det hjalp.",
    )
    out = _refused(repo, "BTI213", *evaluate, who=LEADER)
    assert NURSE in out
    repo.ok(*evaluate, who=NURSE)


def test_close_and_reopen_by_the_holder_or_a_leader(repo: Bti) -> None:
    case_id = level1_case(repo)
    repo.ok("service", "add", case_id, "helsestasjon", who=HOLDER)
    _refused(repo, "BTI214", "case", "close", case_id, "--reason", "Ferdig", who=NURSE)
    repo.ok("case", "close", case_id, "--reason", "Ferdig", who=LEADER)
    out = _refused(repo, "BTI214", "case", "reopen", case_id, "--reason", "Igjen", who=NURSE)
    assert "cannot reopen" in out
    repo.ok("case", "reopen", case_id, "--reason", "Igjen", who=HOLDER)


def test_the_baton_goes_only_to_staff_inside_the_case(repo: Bti) -> None:
    case_id = level1_case(repo)
    out = _refused(repo, "BTI216", "handover", "offer", case_id, "--to", NURSE, who=HOLDER)
    assert "bti service add" in out
    repo.ok("service", "add", case_id, "helsestasjon", who=HOLDER)
    repo.ok("handover", "offer", case_id, "--to", NURSE, who=HOLDER)
    repo.ok("handover", "accept", case_id, who=NURSE)
    assert _show(repo, case_id)["holder"] == NURSE


def test_withdrawing_consent_cancels_an_offer_it_leaves_outside_the_case(repo: Bti) -> None:
    case_id = level1_case(repo)
    repo.ok("service", "add", case_id, "helsestasjon", who=HOLDER)
    repo.ok("handover", "offer", case_id, "--to", NURSE, who=HOLDER)
    out = repo.ok("consent", "withdraw", case_id, "c1", "--reason", "Far vil ikke", who=HOLDER)
    assert "cancelled" in out.output
    case = _show(repo, case_id)
    assert case["level"] == 0 and case["handovers"][0]["status"] == "declined"
    late = repo("handover", "accept", case_id, who=NURSE)
    assert late.exit_code == 2 and "no pending handover offer" in late.output
    _refused(repo, "BTI214", "case", "close", case_id, "--reason", "x", who=NURSE)


def test_every_row_lawful_for_the_right_person_through_a_real_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Each row of the table done by someone it allows, with signed commits, then pushed: the
    server's pre-receive judges every commit and takes them all."""
    base = tmp_path_factory.mktemp("lawful")
    with isolated_environment(tmp_path_factory.mktemp("lawful-home")):
        _, clone = server_with_clone(base)
        bti = Bti(clone)
        case_id = new_case(bti, who=HOLDER)  # open: a holder, in their own service
        bti.ok("guardian", "add", case_id, "--name", "Mia Lund", "--relation", "mor", who=HOLDER)
        bti.ok("log", "add", case_id, "Samtale med mor.", who=HOLDER)  # the holder writes
        bti.ok(
            "consent", "add", case_id, "--given-by", "Mia Lund",
            "--services", "skole,helsestasjon", "--purpose", "Samarbeid", who=HOLDER,
        )  # fmt: skip
        bti.ok("level", "set", case_id, "1", "--reason", "Samtykke", who=HOLDER)
        bti.ok("service", "add", case_id, "helsestasjon", who=LEADER)  # the holder's leader
        bti.ok("log", "add", case_id, "Eleven forteller.", "--kind", "voice", who=NURSE)
        bti.ok(
            "measure", "add", case_id, "Samtaler", "--responsible", NURSE,
            "--service", "helsestasjon", "--evaluate-by", "2027-01-15", who=HOLDER,
        )  # fmt: skip
        bti.ok(
            "measure",
            "evaluate",
            case_id,
            "m1",
            "--outcome",
            "continue",
            "--note",
            "Bedre",
            "--voice",
            "Det hjelper",
            "--next-by",
            "2027-03-01",
            who=NURSE,
        )  # fmt: skip (the responsible person)
        bti.ok(
            "meeting", "record", case_id, "--kind", "coordination", "--date", "2026-11-19",
            "--summary", "Avtalt videre samarbeid", who=HOLDER,
        )  # fmt: skip
        bti.ok(
            "case", "correct", case_id, "--field", "subject.born", "--value", "2015-03-03",
            "--reason", "Feil dato ved registrering", who=HOLDER,
        )  # fmt: skip
        bti.ok("handover", "offer", case_id, "--to", NURSE, who=LEADER)  # the holder's leader
        bti.ok("handover", "decline", case_id, "--reason", "Ikke nå", who=NURSE)  # the receiver
        bti.ok("handover", "offer", case_id, "--to", NURSE, who=HOLDER)
        bti.ok("handover", "accept", case_id, who=NURSE)  # the receiver
        bti.ok("case", "close", case_id, "--reason", "Målene er nådd", who=NURSE)  # the holder
        bti.ok("case", "reopen", case_id, "--reason", "Ny bekymring", who=LEADER)  # owner's leader
        bti.ok("handover", "offer", case_id, "--to", HOLDER, who=NURSE)
        bti.ok("handover", "decline", case_id, "--reason", "Tatt tilbake", who=NURSE)  # take back
        # The withdrawal is honoured at once: level 0, inside the owner service (skole) only, so
        # the holder from the health station hands the baton back and a school holder takes it up.
        withdrawn = bti.ok(
            "consent", "withdraw", case_id, "c1", "--reason", "Mor trekker det", who=NURSE
        )
        assert "the baton returns to skole" in withdrawn.output
        assert _show(bti, case_id).get("holder") is None
        taken = bti("handover", "take", case_id, who=NURSE)  # no longer in the case
        assert taken.exit_code == 1 and "BTI215" in taken.output, taken.output
        bti.ok("handover", "take", case_id, who=HOLDER)
        assert _show(bti, case_id)["holder"] == HOLDER
        code, err = push(clone, who=NURSE)
        assert code == 0, err
