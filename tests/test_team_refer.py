"""`bti team refer`: a case reported to a team (TOT, seed 004), allowed only when a valid consent
covers all the team's services (BTI730) — through the command, and as an attack: a colleague with
push access who writes the referral by hand and commits with --no-verify is refused by the server."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

from tests.conftest import (
    HOLDER,
    LEADER,
    NURSE,
    Bti,
    git,
    git_env,
    isolated_environment,
    new_case,
    push,
)
from tests.conftest import server_with_clone as make_server

TEAM = "TOT Fjordvik skole"


def _case(bti: Bti, services: str) -> str:
    case_id = new_case(bti)
    bti.ok("guardian", "add", case_id, "--name", "Mia Lund", "--relation", "mor", who=HOLDER)
    bti.ok(
        *("consent", "add", case_id, "--given-by", "Mia Lund", "--services", services),
        *("--purpose", "Drøfting i TOT"),
        who=HOLDER,
    )
    bti.ok("level", "set", case_id, "1", "--reason", "Tiltak i skolen", who=HOLDER)
    return case_id


def _world(tmp_path: Path) -> tuple[Path, Bti, str, str]:
    _server, clone = make_server(tmp_path)
    bti = Bti(clone)
    bti.ok(
        *("team", "add", TEAM, "--services", "skole,helsestasjon"),
        *("--member", LEADER, "--member", NURSE),
        who=LEADER,
    )
    covered = _case(bti, "skole,helsestasjon")
    uncovered = _case(bti, "skole")
    code, err = push(clone, who=HOLDER)
    assert code == 0, err
    return clone, bti, covered, uncovered


def _load(clone: Path, case_id: str) -> dict[str, object]:
    data = YAML(typ="safe").load((clone / "cases" / f"{case_id}.yaml").read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def test_refer_with_consent_is_recorded_and_pushed(tmp_path: Path) -> None:
    with isolated_environment(tmp_path / "home"):
        clone, bti, covered, _uncovered = _world(tmp_path)
        done = bti.ok("team", "refer", covered, "--team", "tot fjordvik skole", who=HOLDER)
        assert "reported to" in done.output
        bti.ok("team", "refer", covered, "--team", TEAM, "--for-parents", who=NURSE)
        data = _load(clone, covered)
        referrals = data["referrals"]
        assert isinstance(referrals, list)
        assert [(r["team"], r["by"], r["for_parents"]) for r in referrals] == [
            (TEAM, HOLDER, False),
            (TEAM, NURSE, True),
        ]
        log = data["log"]
        assert isinstance(log, list) and log[-1]["event"] == "referred"
        assert log[-1]["text"] == f"Meldt inn til {TEAM} på vegne av foresatte."
        code, err = push(clone, who=HOLDER)
        assert code == 0, err


def test_refer_without_consent_for_every_service_is_refused(tmp_path: Path) -> None:
    with isolated_environment(tmp_path / "home"):
        clone, bti, _covered, uncovered = _world(tmp_path)
        head = git(clone, "rev-parse", "HEAD")
        refused = bti("team", "refer", uncovered, "--team", TEAM, who=HOLDER)
        assert refused.exit_code == 1, refused.output
        assert "BTI730" in refused.output and "helsestasjon" in refused.output
        assert "Traceback" not in refused.output
        unknown = bti("team", "refer", uncovered, "--team", "Ressursteam", who=HOLDER)
        assert unknown.exit_code == 2 and "there is no team 'Ressursteam'" in unknown.output
        assert git(clone, "rev-parse", "HEAD") == head
        assert "referrals" not in _load(clone, uncovered)


def test_hand_written_referral_is_refused_by_the_server(tmp_path: Path) -> None:
    with isolated_environment(tmp_path / "home"):
        clone, _bti, _covered, uncovered = _world(tmp_path)
        path = clone / "cases" / f"{uncovered}.yaml"
        text = path.read_text("utf-8")
        path.write_text(
            text + f"referrals:\n- team: {TEAM}\n  date: 2026-11-20\n  by: {HOLDER}\n", "utf-8"
        )
        git(clone, "add", str(path))
        git(clone, "commit", "-q", "--no-verify", "-m", "refer", env=git_env(HOLDER))
        code, err = push(clone, who=HOLDER)
        assert code != 0
        assert "BTI730" in err, err


def test_changing_a_referral_by_hand_is_refused_by_the_server(tmp_path: Path) -> None:
    with isolated_environment(tmp_path / "home"):
        clone, bti, covered, _uncovered = _world(tmp_path)
        bti.ok("team", "refer", covered, "--team", TEAM, who=HOLDER)
        code, err = push(clone, who=HOLDER)
        assert code == 0, err
        path = clone / "cases" / f"{covered}.yaml"
        text = path.read_text("utf-8")
        assert "  for_parents: false\n" in text
        path.write_text(text.replace("  for_parents: false\n", "  for_parents: true\n"), "utf-8")
        git(clone, "add", str(path))
        git(clone, "commit", "-q", "--no-verify", "-m", "edit", env=git_env(HOLDER))
        code, err = push(clone, who=HOLDER)
        assert code != 0
        assert "BTI731" in err, err


def test_team_agenda_lists_only_reported_cases_with_the_four_points(tmp_path: Path) -> None:
    with isolated_environment(tmp_path / "home"):
        _clone, bti, covered, uncovered = _world(tmp_path)
        args = ("meeting", "agenda", "--team", TEAM, "--lang", "en")
        before = bti.ok(*args, who=LEADER).output
        assert covered not in before and uncovered not in before  # consent is not a report
        assert "No cases have been reported" in before
        bti.ok("team", "refer", covered, "--team", TEAM, "--for-parents", who=HOLDER)
        after = bti.ok(*args, who=LEADER).output
        assert f"### Case {covered}" in after and uncovered not in after
        assert "Reported on behalf of the parents." in after
        assert "The parents and the pupil may take part and are invited." in after
        points = after.split(f"### Case {covered}")[1]
        for point in (
            "1. The situation now",
            "2. What change is wanted?",
            "3. Resources",
            "4. Conclusion – and who takes part next time",
        ):
            assert point in points
        assert "Mia Lund" not in after and "Ola Testesen" not in after
        nn = bti.ok("meeting", "agenda", "--team", TEAM, "--lang", "nn", who=LEADER).output
        assert "2. Kva endring ønskjer vi?" in nn and "Foreldra og eleven" in nn
        minutes = bti.ok("meeting", "minutes", "--team", TEAM, "--lang", "en", who=LEADER).output
        assert f"- Case {covered}: discussed." in minutes
        assert "The situation now" not in minutes and "Mia Lund" not in minutes
