"""`bti audit log`, `bti audit verify` and `bti report` on real repositories whose histories were
written on purpose, some of it with --no-verify."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bti.checks import parse_appended, parse_case
from tests.conftest import (
    HOLDER,
    LEADER,
    NURSE,
    PINNED_NOW,
    Bti,
    git,
    git_env,
    level1_case,
    new_case,
)

FNR = "09821750056"  # synthetic


def _verify(repo: Bti, *args: str) -> tuple[int, list[dict[str, object]], str]:
    result = repo("audit", "verify", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout or "[]"), result.stderr


def _commit_raw(repo: Bti, message: str, who: str = HOLDER) -> str:
    git(repo.cwd, "add", "-A")
    git(repo.cwd, "commit", "-q", "--no-verify", "-m", message, env=git_env(who))
    return git(repo.cwd, "rev-parse", "HEAD").strip()


def _entry(text: str, who: str = HOLDER) -> str:
    return f"  - time: {PINNED_NOW}\n    author: {who}\n    kind: note\n    text: {text}\n"


def _level1(repo: Bti) -> str:
    return level1_case(repo, ("Anders Lund", "far"), "Far samtykker", name="Mathea Lund")


def test_a_lawful_history_verifies_and_is_remembered(repo: Bti) -> None:
    _level1(repo)
    code, landed, err = _verify(repo)
    assert code == 0 and landed == [], (landed, err)
    count = int(git(repo.cwd, "rev-list", "--count", "HEAD"))
    assert f"{count} commits checked ({count} judged now" in err
    again = repo("audit", "verify")
    assert again.exit_code == 0 and "(0 judged now" in again.stderr


def test_verify_names_each_violation_at_its_commit_and_nothing_else(repo: Bti) -> None:
    case_id = _level1(repo)
    path = repo.cwd / "cases" / f"{case_id}.yaml"
    expected: set[tuple[str, str]] = set()
    text = path.read_text()
    path.write_text(text.replace(f"holder: {HOLDER}", f"holder: {NURSE}"))
    expected.add((_commit_raw(repo, f"{case_id}: holder"), "BTI202"))
    path.write_text(text)  # put it back: that too is a holder change without a handover
    expected.add((_commit_raw(repo, f"{case_id}: holder back"), "BTI202"))
    path.write_text(path.read_text().replace("Foresatt registrert", "Forelder registrert"))
    expected.add((_commit_raw(repo, f"{case_id}: edit"), "BTI301"))
    path.write_text(text)
    expected.add((_commit_raw(repo, f"{case_id}: edit back"), "BTI301"))
    path.write_text(text + _entry(f"fnr {FNR}"))
    expected.add((_commit_raw(repo, f"{case_id}: entry"), "BTI501"))
    other = new_case(repo, who=HOLDER, name="Emil Skogvang")
    other_path = repo.cwd / "cases" / f"{other}.yaml"
    other_path.write_text(other_path.read_text() + _entry("Hei", "ukjent@fjordvik.example"))
    expected.add((_commit_raw(repo, f"{other}: entry", "ukjent@fjordvik.example"), "BTI010"))
    other_path.write_text(other_path.read_text() + _entry("Samtale"))
    expected.add((_commit_raw(repo, "samtale med Emil Skogvang"), "BTI502"))
    other_path.unlink()
    expected.add((_commit_raw(repo, f"{other}: gone"), "BTI302"))
    code, landed, _ = _verify(repo)
    assert code == 1
    found = {(str(item["commit"]), str(item["code"])) for item in landed}
    assert found == expected
    assert all(FNR not in str(item["message"]) for item in landed)
    assert {str(item["author"]) for item in landed if item["code"] == "BTI010"} == {
        "ukjent@fjordvik.example"
    }
    # Remembered: a second run judges nothing and reports the same.
    code2, landed2, err2 = _verify(repo)
    assert (code2, landed2) == (code, landed) and "(0 judged now" in err2


def test_since_and_until(repo: Bti) -> None:
    case_id = _level1(repo)
    middle = git(repo.cwd, "rev-parse", "HEAD").strip()
    path = repo.cwd / "cases" / f"{case_id}.yaml"
    path.write_text(path.read_text().replace(f"holder: {HOLDER}", f"holder: {NURSE}"))
    bad = _commit_raw(repo, f"{case_id}: holder")
    assert _verify(repo, "--until", middle)[0] == 0
    code, landed, err = _verify(repo, "--since", middle)
    assert code == 1 and [item["commit"] for item in landed] == [bad]
    assert "1 commit checked" in err
    wrong = repo("audit", "verify", "--since", "nosuchrev")
    assert wrong.exit_code == 2 and "is not a commit" in wrong.output


def test_new_commits_only_are_judged(repo: Bti) -> None:
    case_id = _level1(repo)
    _verify(repo)
    repo.ok("log", "add", case_id, "Samtale", who=HOLDER)
    repo.ok("log", "add", case_id, "Samtale igjen", who=HOLDER)
    _, _, err = _verify(repo)
    assert "(2 judged now" in err


def test_no_traceback_on_odd_histories(repo: Bti, tmp_path: Path) -> None:
    case_id = _level1(repo)
    path = repo.cwd / "cases" / f"{case_id}.yaml"
    good = path.read_text()
    path.write_text("id: [broken\n")
    broken = _commit_raw(repo, f"{case_id}: broken")
    path.write_text(good)
    _commit_raw(repo, f"{case_id}: repaired")
    git(repo.cwd, "rm", "-rq", "cases")
    gone = _commit_raw(repo, "cases removed")
    code, landed, _ = _verify(repo)
    assert code == 1
    assert (broken, "BTI001") in {(item["commit"], item["code"]) for item in landed}
    assert {item["code"] for item in landed if item["commit"] == gone} == {"BTI302"}
    # A shallow clone: verified from its first commit, and said so.
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "3", f"file://{repo.cwd}", str(shallow)],
        check=True,
        capture_output=True,
    )
    result = Bti(shallow)("audit", "verify")
    assert result.exit_code in (0, 1) and "shallow clone" in result.stderr
    assert "Traceback" not in result.output
    # No commits at all.
    empty = tmp_path / "empty"
    Bti(tmp_path).ok("init", "empty", "--no-commit")
    nothing = Bti(empty)("audit", "verify")
    assert nothing.exit_code == 0 and "0 commits checked" in nothing.stderr
    assert Bti(empty)("audit", "log", "2026-AAAAA").exit_code == 2


def test_audit_log_tells_the_story_in_the_products_words(repo: Bti) -> None:
    case_id = _level1(repo)
    repo.ok("service", "add", case_id, "helsestasjon", who=HOLDER)
    repo.ok("level", "set", case_id, "2", "--reason", "Helsesykepleier følger opp", who=HOLDER)
    repo.ok(
        "measure",
        "add",
        case_id,
        "Samtaler",
        "--responsible",
        NURSE,
        "--service",
        "helsestasjon",
        "--evaluate-by",
        "2027-01-15",
        who=HOLDER,
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
        "Det hjelper",
        who=HOLDER,
    )
    repo.ok("handover", "offer", case_id, "--to", NURSE, who=HOLDER)
    repo.ok("handover", "accept", case_id, who=NURSE)
    rows = json.loads(repo.ok("audit", "log", case_id, "--format", "json", "--lang", "en").output)
    what = [row["what"] for row in rows]
    assert what[0] == "opened at level 0 (skole)"
    for expected in [
        "guardian recorded (far)",
        "consent c1 given by Anders Lund, covering skole, helsestasjon",
        "level 0 → 1: Far samtykker",
        "service helsestasjon joined",
        "level 1 → 2: Helsesykepleier følger opp",
        "measure m1 added (helsestasjon)",
        "measure m1 evaluated: continue",
        "the child's voice recorded",
        f"handover offered to {NURSE}",
        f"handover accepted by {NURSE}",
    ]:
        assert expected in what
    accepted = next(row for row in rows if row["what"].startswith("handover accepted"))
    assert accepted["email"] == NURSE and accepted["who"] == "Nils Bakkevik"
    table = repo.ok("audit", "log", case_id).output
    assert "nivå 0 → 1: Far samtykker" in table and "Ingrid Strandli" in table


def test_audit_log_follows_a_case_across_a_merge(repo: Bti) -> None:
    case_id = _level1(repo)
    git(repo.cwd, "checkout", "-q", "-b", "side")
    repo.ok("log", "add", case_id, "Fra sidegrenen", who=HOLDER)
    git(repo.cwd, "checkout", "-q", "main")
    other = new_case(repo, who=HOLDER)
    git(repo.cwd, "merge", "-q", "--no-edit", "side", env=git_env(HOLDER))
    assert other
    what = [
        row["what"]
        for row in json.loads(
            repo.ok("audit", "log", case_id, "--format", "json", "--lang", "en").output
        )
    ]
    assert what[-1] == "entry added (note)"


def test_report_is_anonymous_and_suppresses_small_counts(repo: Bti) -> None:
    ids = []
    for i in range(6):
        case_id = new_case(repo, who=HOLDER, name=f"Barn Nummer{i}")
        ids.append(case_id)
    for case_id in ids[:5]:
        repo.ok(
            "guardian", "add", case_id, "--name", "Mor Moresen", "--relation", "mor", who=HOLDER
        )
        repo.ok(
            "consent",
            "add",
            case_id,
            "--given-by",
            "Mor Moresen",
            "--services",
            "skole",
            "--purpose",
            "Tiltak",
            who=HOLDER,
        )
        repo.ok("level", "set", case_id, "1", "--reason", "Tiltak", who=HOLDER)
    repo.ok("case", "close", ids[5], "--reason", "Avklart", who=HOLDER)
    today = repo.ok("case", "show", ids[0], "--format", "json").output
    year = json.loads(today)["opened"][:4]
    rows = json.loads(
        repo.ok(
            "report", "--from", f"{year}-01-01", "--to", f"{year}-12-31", "--format", "json"
        ).output
    )
    values = {(r["measure"], r["group"]): r["value"] for r in rows}
    assert values[("cases opened", "all")] == 6
    assert values[("cases closed", "all")] is None  # 1: hidden
    assert values[("open cases at the end of the period", "level 1")] == 5
    assert values[("open cases at the end of the period", "level 0")] == 0
    assert values[("median days from concern to level 1", "all")] == 0
    notes = {(r["measure"], r["group"]): r["note"] for r in rows}
    assert notes[("cases closed", "all")] == "fewer than 5"
    text = json.dumps(rows)
    assert "Nummer" not in text and not any(case_id in text for case_id in ids)
    bad = repo("report", "--from", "2026-05-01", "--to", "2026-01-01")
    assert bad.exit_code == 2


def test_report_default_period_is_the_last_school_year(repo: Bti) -> None:
    out = repo.ok("report", now="2026-11-23T10:00:00+01:00").output
    assert "2025-08-01 – 2026-07-31" in out


entries = st.lists(
    st.fixed_dictionaries(
        {
            "text": st.text(
                alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=40
            ),
            "kind": st.sampled_from(["note", "voice", "meeting"]),
        }
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries)
def test_reading_only_appended_entries_equals_reading_the_whole_file(
    new: list[dict[str, str]],
) -> None:
    base = sorted((Path(__file__).resolve().parents[1] / "cases").glob("*.yaml"))[0].read_text()
    previous = parse_case(base.encode(), "cases/x.yaml")
    added = yaml.safe_dump(
        [{"time": "2026-11-02T10:00:00+01:00", "author": LEADER, **item} for item in new],
        allow_unicode=True,
        sort_keys=False,
        indent=2,
    )
    added = "".join("  " + line + "\n" for line in added.splitlines())
    whole = parse_case((base + added).encode(), "cases/x.yaml")
    fast = parse_appended(previous, (base + added).encode(), "cases/x.yaml")
    if fast is not None:
        assert whole.case is not None and fast.case == whole.case
    else:
        assert whole.case is None or whole.case.log[: len(previous.case.log)] == previous.case.log  # type: ignore[union-attr]


def test_a_late_evening_commit_is_judged_by_the_norwegian_date(
    repo: Bti, monkeypatch: pytest.MonkeyPatch
) -> None:
    """23:30 UTC on 23 November is 00:30 on 24 November in Norway: nothing is 'in the future'."""
    late = {"BTI_NOW": "2026-11-23T23:30:00+00:00"}
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-11-23T23:30:05+00:00")
    case_id = (
        repo.ok(
            "case",
            "new",
            "--service",
            "skole",
            "--name",
            "Ola Testesen",
            "--born",
            "2015-03-02",
            who=HOLDER,
            now=late["BTI_NOW"],
        )
        .output.strip()
        .splitlines()[-1]
    )
    opened = json.loads(repo.ok("case", "show", case_id, "--format", "json").output)["opened"]
    assert opened == "2026-11-24"
    monkeypatch.setenv("BTI_NOW", "2026-11-25T09:00:00+01:00")  # the audit runs afterwards
    code, landed, _ = _verify(repo)
    assert code == 0 and landed == [], json.dumps(landed)


def test_audit_log_shows_norwegian_time(repo: Bti) -> None:
    case_id = new_case(repo, who=HOLDER)
    # Committed on a machine whose clock runs in UTC: 12:30 UTC is 13:30 in Norway in November.
    repo.ok("log", "add", case_id, "Samtale med mor", who=HOLDER, now="2026-11-20T12:30:00+00:00")
    table = repo.ok("audit", "log", case_id).output
    assert "2026-11-20 13:30" in table and "12:30" not in table


def test_a_report_with_no_cases_says_too_few_cases_not_a_small_number(repo: Bti) -> None:
    table = repo.ok("report", "--from", "2026-01-01", "--to", "2026-12-31").output
    assert "<5" not in table
    median = next(line for line in table.splitlines() if "median days" in line)
    assert median.rstrip().endswith("too few cases")
    share = next(line for line in table.splitlines() if "evaluated by their date" in line)
    assert share.rstrip().endswith("too few cases")
    rows = json.loads(
        repo.ok("report", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "json").output
    )
    opened = next(r for r in rows if r["measure"] == "cases opened")
    assert opened["value"] == 0 and isinstance(opened["value"], int)
    median_row = next(r for r in rows if r["measure"].startswith("median days"))
    assert median_row["value"] is None and median_row["note"] == "too few cases"
    assert median_row["unit"] == "days"
