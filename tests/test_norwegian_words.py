"""Option values a Norwegian user types are taken in bokmål and nynorsk too (issue 13): the file
stores the one English value, whatever word was typed."""

from __future__ import annotations

import yaml

from tests.conftest import HOLDER, Bti, new_case


def _case(repo: Bti, case_id: str) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((repo.cwd / "cases" / f"{case_id}.yaml").read_text())  # type: ignore[no-any-return]


def test_norwegian_words_are_taken_for_kinds_outcomes_and_statuses(repo: Bti) -> None:
    out = repo.ok(
        "case", "new", "--service", "skole", "--name", "Ola Testesen", "--born", "2009-03-02",
        "--kind", "Ungdom", "--concern", "Mye fravær.", who=HOLDER,
    )  # fmt: skip
    case_id = out.output.strip().splitlines()[-1]
    assert _case(repo, case_id)["subject"]["kind"] == "youth"
    repo.ok("log", "add", case_id, "Jeg vil ha det roligere.", "--kind", "stemme", who=HOLDER)
    assert _case(repo, case_id)["log"][-1]["kind"] == "voice"
    repo.ok("log", "add", case_id, "Møte med mor.", "--kind", "møte", who=HOLDER)
    assert _case(repo, case_id)["log"][-1]["kind"] == "meeting"
    listed = repo.ok("case", "list", "--status", "alle")
    assert case_id in listed.output


def test_a_measure_is_evaluated_with_fortsett_and_a_typo_lists_both_languages(repo: Bti) -> None:
    case_id = new_case(repo)
    repo.ok("guardian", "add", case_id, "--name", "Kari Testesen", "--relation", "mor", who=HOLDER)
    repo.ok(
        "consent", "add", case_id, "--given-by", "Kari Testesen", "--services", "skole",
        "--purpose", "Tiltak i skolen", who=HOLDER,
    )  # fmt: skip
    repo.ok("level", "set", case_id, "1", "--reason", "Mor ønsker tiltak", who=HOLDER)
    repo.ok(
        "measure", "add", case_id, "Fast samtale", "--responsible", HOLDER, "--service", "skole",
        "--evaluate-by", "2027-01-15", who=HOLDER,
    )  # fmt: skip
    wrong = repo(
        "measure", "evaluate", case_id, "m1", "--outcome", "fortsetter", "--note", "Bedre",
        "--voice", "Bra", who=HOLDER,
    )  # fmt: skip
    assert wrong.exit_code == 2 and "continue" in wrong.output and "fortsett" in wrong.output
    repo.ok(
        "measure", "evaluate", case_id, "m1", "--outcome", "fortsett", "--note", "Bedre",
        "--voice", "Bra", "--next-by", "2027-02-15", who=HOLDER,
    )  # fmt: skip
    assert _case(repo, case_id)["measures"][0]["evaluations"][0]["outcome"] == "continue"
