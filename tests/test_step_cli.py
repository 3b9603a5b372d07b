"""`bti step set`: the step (trinn) within a level, with its reason in the log."""

from __future__ import annotations

import yaml

from tests.conftest import HOLDER, LEADER, NURSE, Bti, git, level1_case


def test_the_holder_sets_the_step_with_a_logged_event(repo: Bti) -> None:
    case_id = level1_case(repo)
    out = repo.ok("step", "set", case_id, "3", "--reason", "Tiltak prøvd ut", who=HOLDER).output
    assert f"{case_id}: step 1 → 3" in out and "[commit" in out
    assert git(repo.cwd, "log", "-1", "--format=%ae %s").strip() == (
        f"{HOLDER} {case_id}: step 1 → 3"
    )
    data = yaml.safe_load((repo.cwd / "cases" / f"{case_id}.yaml").read_text())
    assert data["step"] == 3 and data["level"] == 1
    last = data["log"][-1]
    assert last["event"] == "step:3" and last["author"] == HOLDER
    assert "Tiltak prøvd ut" in last["text"]
    assert "trinn 1 → 3" in repo.ok("audit", "log", case_id).output  # the repository is nb


def test_a_leader_of_the_holders_service_may_and_others_may_not(repo: Bti) -> None:
    case_id = level1_case(repo)
    refused = repo("step", "set", case_id, "2", "--reason", "Vil hjelpe", who=NURSE)
    assert refused.exit_code == 1 and "refused" in refused.output
    repo.ok("step", "set", case_id, "2", "--reason", "Avtalt i møte", who=LEADER)
    same = repo("step", "set", case_id, "2", "--reason", "Igjen", who=HOLDER)
    assert same.exit_code == 2 and "already at step 2" in same.output
    assert repo("step", "set", case_id, "6", "--reason", "x", who=HOLDER).exit_code == 2
