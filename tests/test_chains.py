"""Chains of measures (issue 14, seed 003: Elverum's "Fravær – en tiltakskjede"): the template
format, the commands, `bti due`, and the rules BTI700–BTI703 from the commands, the hooks and a real
server refusing hand-made commits."""

from __future__ import annotations

import json

from bti.chains import template_problems
from tests.conftest import (
    HOLDER,
    Bti,
    git,
    level1_case,
)

LATER = "2026-12-04T10:00:00+01:00"  # 14 days after the pinned clock
MUCH_LATER = "2026-12-20T10:00:00+01:00"


def _head(bti: Bti) -> str:
    return git(bti.cwd, "rev-parse", "HEAD").strip()


def _case(bti: Bti, case_id: str) -> dict:
    return json.loads(bti.ok("case", "show", case_id, "--format", "json").output)


def _log_texts(bti: Bti, case_id: str) -> list[str]:
    return [e["text"] for e in _case(bti, case_id)["log"]]


def test_init_ships_elverums_absence_chain(repo: Bti) -> None:
    path = repo.cwd / "templates" / "chains" / "fravaer.yaml"
    assert path.is_file()
    assert template_problems("templates/chains/fravaer.yaml", path.read_bytes()) == []
    assert "fravaer.yaml" in git(repo.cwd, "ls-files", "templates/chains")


def test_a_chain_runs_step_by_step_and_shows_in_due(repo: Bti) -> None:
    case_id = level1_case(repo)
    out = repo.ok(
        "chain", "start", case_id, "fravaer", "--note", "Borte fire mandager.", who=HOLDER
    )
    assert "chain ch1 started" in out.output
    due = json.loads(repo.ok("due", "--format", "json", who=HOLDER).output)
    chain = [d for d in due if d["kind"] == "chain"]
    assert chain[0]["ref"] == "ch1" and chain[0]["due"] == "2026-11-20"
    assert "step 1 of 5" in chain[0]["what"]
    repo.ok("chain", "step", case_id, "ch1", "--note", "Snakket med mor og Ola.", who=HOLDER)
    due = json.loads(repo.ok("due", "--format", "json", "--days", "30", who=HOLDER).output)
    chain = [d for d in due if d["kind"] == "chain"]
    assert chain[0]["due"] == "2026-12-04" and "step 2 of 5" in chain[0]["what"]
    # overdue: the clock has passed the follow-up date
    due = json.loads(repo.ok("due", "--format", "json", now=MUCH_LATER, who=HOLDER).output)
    chain = [d for d in due if d["kind"] == "chain"]
    assert chain[0]["days"] == -16 and "overdue" in chain[0]["when"]
    repo.ok(
        "chain",
        "skip",
        case_id,
        "fravaer",
        "--reason",
        "Møtet ble holdt i trinn 1.",
        who=HOLDER,
        now=LATER,
    )
    due = json.loads(repo.ok("due", "--format", "json", now=LATER, who=HOLDER).output)
    chain = [d for d in due if d["kind"] == "chain"]
    assert chain[0]["due"] == "2026-12-04" and "step 2 was skipped" in chain[0]["what"]
    listed = json.loads(repo.ok("chain", "list", case_id, "--format", "json", now=LATER).output)
    assert listed[0]["id"] == "ch1" and "step 3 of 5" in listed[0]["what"]
    repo.ok(
        "chain", "end", case_id, "ch1", "--reason", "Fraværet har stoppet.", who=HOLDER, now=LATER
    )
    due = json.loads(repo.ok("due", "--format", "json", now=LATER, who=HOLDER).output)
    assert not [d for d in due if d["kind"] == "chain"]
    case = _case(repo, case_id)
    assert [r["action"] for r in case["chains"][0]["records"]] == ["done", "skipped"]
    assert case["chains"][0]["ended"]["by"] == HOLDER
