"""The actions of DESIGN §4 through the CLI: each one commit, or refused with the rule's code and
nothing written."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import HOLDER, LEADER, NURSE, Bti, git, level1_case, new_case


def _data(repo: Bti, case_id: str) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((repo.cwd / "cases" / f"{case_id}.yaml").read_text())


def _refused(repo: Bti, code: str, *args: str, who: str = HOLDER) -> str:
    head = git(repo.cwd, "rev-parse", "HEAD")
    result = repo(*args, who=who)
    assert result.exit_code == 1, result.output
    assert code in result.output, result.output
    assert git(repo.cwd, "rev-parse", "HEAD") == head
    assert git(repo.cwd, "status", "--porcelain") == ""
    return result.output


def _level1(repo: Bti, **options: str) -> str:
    return level1_case(repo, **options)


def test_consent_needs_authority(repo: Bti) -> None:
    case_id = new_case(repo, who=HOLDER, born="2015-03-02")
    repo.ok(
        "guardian",
        "add",
        case_id,
        "--name",
        "Ole Lund",
        "--relation",
        "far",
        "--no-responsibility",
        who=HOLDER,
    )
    out = _refused(
        repo,
        "BTI102",
        "consent",
        "add",
        case_id,
        "--given-by",
        "Ole Lund",
        "--services",
        "skole",
        "--purpose",
        "x",
    )
    assert "no parental responsibility" in out
    out = _refused(
        repo,
        "BTI102",
        "consent",
        "add",
        case_id,
        "--given-by",
        "subject",
        "--services",
        "skole",
        "--purpose",
        "x",
    )
    assert "from 15" in out
    _refused(
        repo,
        "BTI102",
        "consent",
        "add",
        case_id,
        "--given-by",
        "Ukjent Person",
        "--services",
        "skole",
        "--purpose",
        "x",
    )


def test_youth_from_fifteen_and_pregnant_consent_themselves(repo: Bti) -> None:
    youth = new_case(repo, who=HOLDER, kind="youth", born="2010-04-03")
    repo.ok(
        "consent",
        "add",
        youth,
        "--given-by",
        "subject",
        "--services",
        "skole",
        "--purpose",
        "Oppfølging",
        who=HOLDER,
    )
    pregnant = new_case(repo, who=NURSE, kind="pregnant", born="2004-01-19", service="helsestasjon")
    repo.ok(
        "consent",
        "add",
        pregnant,
        "--given-by",
        "subject",
        "--services",
        "helsestasjon",
        "--purpose",
        "Oppfølging",
        who=NURSE,
    )
    repo.ok("level", "set", pregnant, "1", "--reason", "Hun samtykker", who=NURSE)


def test_self_consent_age_comes_from_the_settings(repo: Bti) -> None:
    config = repo.cwd / "bti.yaml"
    config.write_text(config.read_text().replace("self_consent_age: 15", "self_consent_age: 16"))
    git(repo.cwd, "commit", "-qam", "bti.yaml: self-consent from 16")
    case_id = new_case(repo, who=HOLDER, kind="youth", born="2011-01-01")
    out = _refused(
        repo,
        "BTI102",
        "consent",
        "add",
        case_id,
        "--given-by",
        "subject",
        "--services",
        "skole",
        "--purpose",
        "x",
    )
    assert "from 16" in out


def test_levels_need_consent_holder_and_services(repo: Bti) -> None:
    case_id = new_case(repo, who=HOLDER)
    _refused(repo, "BTI101", "level", "set", case_id, "1", "--reason", "x")
    case_id = _level1(repo)
    _refused(repo, "BTI402", "level", "set", case_id, "2", "--reason", "x")
    _refused(repo, "BTI103", "service", "add", case_id, "ppt")
    repo.ok("service", "add", case_id, "helsestasjon", who=HOLDER)
    repo.ok("level", "set", case_id, "2", "--reason", "Samarbeid", who=HOLDER)
    _refused(repo, "BTI403", "level", "set", case_id, "3", "--reason", "x")
    repo.ok(
        "consent",
        "add",
        case_id,
        "--given-by",
        "Mia Lund",
        "--services",
        "bup",
        "--purpose",
        "Utredning",
        who=HOLDER,
    )
    repo.ok("service", "add", case_id, "bup", who=HOLDER)  # external: level 3 with 3 services
    repo.ok("level", "set", case_id, "3", "--reason", "Ansvarsgruppe", who=HOLDER)
    data = _data(repo, case_id)
    assert data["level"] == 3 and data["services"] == ["skole", "helsestasjon", "bup"]
    assert data["log"][-1]["text"] == "Nivå 2 → 3: Ansvarsgruppe"


def test_level_zero_keeps_other_services_out(repo: Bti) -> None:
    case_id = new_case(repo, who=HOLDER)
    _refused(repo, "BTI104", "service", "add", case_id, "helsestasjon")


def test_withdrawal_brings_the_case_to_level_zero(repo: Bti) -> None:
    case_id = _level1(repo)
    repo.ok("service", "add", case_id, "helsestasjon", who=HOLDER)
    repo.ok("level", "set", case_id, "2", "--reason", "Samarbeid", who=HOLDER)
    result = repo.ok(
        "consent", "withdraw", case_id, "c1", "--reason", "Mor ombestemte seg", who=HOLDER
    )
    assert "level 0" in result.output
    data = _data(repo, case_id)
    assert data["level"] == 0 and data["services"] == ["skole"]
    assert data["consents"][0]["withdrawn"]["reason"] == "Mor ombestemte seg"
    assert (
        git(repo.cwd, "log", "-1", "--format=%s").strip()
        == f"{case_id}: consent c1 withdrawn; level 0"
    )
    again = repo("consent", "withdraw", case_id, "c1", who=HOLDER)
    assert again.exit_code == 2 and "already withdrawn" in again.output


def test_withdrawal_with_another_consent_covering_keeps_the_level(repo: Bti) -> None:
    case_id = _level1(repo)
    repo.ok(
        "consent",
        "add",
        case_id,
        "--given-by",
        "Mia Lund",
        "--services",
        "skole",
        "--purpose",
        "Fortsatt tiltak",
        who=HOLDER,
    )
    repo.ok("consent", "withdraw", case_id, "c1", who=HOLDER)
    assert _data(repo, case_id)["level"] == 1


def test_measures_and_the_childs_voice(repo: Bti) -> None:
    case_id = _level1(repo, born="2015-03-02")
    repo.ok(
        "measure",
        "add",
        case_id,
        "Fast samtale hver mandag",
        "--responsible",
        HOLDER,
        "--service",
        "skole",
        "--evaluate-by",
        "2027-01-15",
        who=HOLDER,
    )
    no_voice = repo(
        "measure", "evaluate", case_id, "m1", "--outcome", "continue", "--note", "Bedre", who=HOLDER
    )
    assert (
        no_voice.exit_code == 2
        and "must be heard" in no_voice.output
        and "--voice" in no_voice.output
    )
    repo.ok(
        "measure",
        "evaluate",
        case_id,
        "m1",
        "--outcome",
        "continue",
        "--note",
        "Bedre",
        "--voice",
        "Jeg liker samtalene",
        "--next-by",
        "2027-03-01",
        who=HOLDER,
    )
    data = _data(repo, case_id)
    evaluation = data["measures"][0]["evaluations"][0]
    assert (
        evaluation["voice"] == "Jeg liker samtalene" and str(evaluation["next_by"]) == "2027-03-01"
    )
    assert [e["kind"] for e in data["log"][-2:]] == ["voice", "event"]
    missing = repo(
        "measure",
        "evaluate",
        case_id,
        "m9",
        "--outcome",
        "end",
        "--note",
        "x",
        "--voice",
        "x",
        who=HOLDER,
    )
    assert missing.exit_code == 2 and "no measure m9" in missing.output


def test_young_child_needs_no_voice(repo: Bti) -> None:
    case_id = _level1(repo, born="2022-01-01")
    repo.ok(
        "measure",
        "add",
        case_id,
        "Primærkontakt",
        "--responsible",
        HOLDER,
        "--service",
        "skole",
        "--evaluate-by",
        "2027-01-15",
        who=HOLDER,
    )
    repo.ok("measure", "evaluate", case_id, "m1", "--outcome", "end", "--note", "Nådd", who=HOLDER)


def test_handover_offer_accept_decline(repo: Bti) -> None:
    case_id = _level1(repo)
    _refused(repo, "BTI203", "handover", "offer", case_id, "--to", LEADER, who=NURSE)
    repo.ok("service", "add", case_id, "helsestasjon", who=HOLDER)  # the nurse's service joins
    repo.ok("handover", "offer", case_id, "--to", NURSE, "--reason", "Helse", who=HOLDER)
    assert _data(repo, case_id)["holder"] == HOLDER
    _refused(repo, "BTI204", "handover", "accept", case_id, who=LEADER)
    repo.ok("handover", "decline", case_id, "--reason", "Har ikke kapasitet", who=NURSE)
    assert _data(repo, case_id)["holder"] == HOLDER
    # A leader of the holder's service may offer too.
    repo.ok("handover", "offer", case_id, "--to", NURSE, who=LEADER)
    repo.ok("handover", "accept", case_id, who=NURSE)
    data = _data(repo, case_id)
    assert data["holder"] == NURSE
    assert [h["status"] for h in data["handovers"]] == ["declined", "accepted"]
    none = repo("handover", "accept", case_id, who=NURSE)
    assert none.exit_code == 2 and "no pending handover" in none.output


def test_expired_consent_warns_then_blocks_the_next_change(repo: Bti) -> None:
    case_id = new_case(repo, who=HOLDER)
    repo.ok("guardian", "add", case_id, "--name", "Mia Lund", "--relation", "mor", who=HOLDER)
    repo.ok(
        "consent",
        "add",
        case_id,
        "--given-by",
        "Mia Lund",
        "--services",
        "skole",
        "--purpose",
        "Tiltak",
        "--expires",
        "2026-11-30",
        who=HOLDER,
    )
    repo.ok("level", "set", case_id, "1", "--reason", "Tiltak", who=HOLDER)
    later = "2027-01-10T10:00:00+01:00"
    warned = repo("validate", "--no-cache", now=later)
    assert warned.exit_code == 0 and "BTI106 warning" in warned.output
    blocked = repo("log", "add", case_id, "Samtale", who=HOLDER, now=later)
    assert blocked.exit_code == 1 and "BTI107" in blocked.output
    repo.ok(
        "consent",
        "add",
        case_id,
        "--given-by",
        "Mia Lund",
        "--services",
        "skole",
        "--purpose",
        "Fornyet",
        who=HOLDER,
        now=later,
    )
    repo.ok("log", "add", case_id, "Samtale", who=HOLDER, now=later)


def test_service_remove(repo: Bti) -> None:
    case_id = _level1(repo)
    repo.ok("service", "add", case_id, "helsestasjon", who=HOLDER)
    repo.ok("service", "remove", case_id, "helsestasjon", who=HOLDER)
    owner = repo("service", "remove", case_id, "skole", who=HOLDER)
    assert owner.exit_code == 2 and "owns the case" in owner.output


def test_hand_edit_in_the_worktree_is_judged_with_the_next_command(repo: Bti) -> None:
    case_id = new_case(repo, who=HOLDER)
    path: Path = repo.cwd / "cases" / f"{case_id}.yaml"
    path.write_text(path.read_text().replace(f"holder: {HOLDER}", f"holder: {NURSE}"))
    result = repo("log", "add", case_id, "Ny samtale", who=NURSE)
    assert result.exit_code == 1 and "BTI202" in result.output
