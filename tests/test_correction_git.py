"""Corrections in real repositories: `bti case correct` and `bti guardian remove` through the CLI, a
hand edit refused by the pre-commit hook, planted without hooks and named by `bti audit verify`,
and pushed with --no-verify to a bare server whose pre-receive hook refuses it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import (
    HOLDER,
    LEADER,
    NURSE,
    Bti,
    git,
    git_env,
    isolated_environment,
    level1_case,
    push,
    server_with_clone,
)

FNR = "09821750056"  # synthetic (month + 80)


def _path(repo: Bti, case_id: str) -> Path:
    return repo.cwd / "cases" / f"{case_id}.yaml"


def _data(repo: Bti, case_id: str) -> dict[str, object]:
    data = yaml.safe_load(_path(repo, case_id).read_text())
    assert isinstance(data, dict)
    return data


def _head(repo: Bti) -> str:
    return git(repo.cwd, "rev-parse", "HEAD").strip()


def test_the_eleven_year_old_cannot_be_made_pregnant_to_reach_level_3(repo: Bti) -> None:
    """Issue 10 §7 end to end: a boy of 11 whose mother consented for skole and helsestasjon."""
    case_id = level1_case(repo)
    own = ("--given-by", "subject", "--services", "skole,helsestasjon,bup", "--purpose", "BUP")
    refused = repo("consent", "add", case_id, *own, who=HOLDER)
    assert refused.exit_code == 1 and "BTI102" in refused.output
    # By hand, with the hooks in place: the pre-commit hook refuses the edit.
    path = _path(repo, case_id)
    text = path.read_text()
    path.write_text(text.replace("kind: child", "kind: pregnant"))
    git(repo.cwd, "add", "-A")
    hooked = subprocess.run(
        ["git", "commit", "-q", "-m", f"{case_id}: kind"],
        cwd=repo.cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **git_env(HOLDER)},
    )
    assert hooked.returncode != 0 and "BTI305" in hooked.stderr + hooked.stdout
    git(repo.cwd, "reset", "-q", "--hard", "HEAD")
    # Through the correction command, by a nurse who is neither holder nor leader: refused.
    head = _head(repo)
    nurse = repo(
        "case", "correct", case_id, "--field", "subject.kind", "--value", "pregnant",
        "--reason", "Gravid.", who=NURSE,
    )  # fmt: skip
    assert (
        nurse.exit_code == 1 and "BTI306" in nurse.output and "nothing was written" in nurse.output
    )
    assert _head(repo) == head and path.read_text() == text
    # The holder corrects it; the consent the boy "gave" on 1 November still has no authority.
    repo.ok(
        "case", "correct", case_id, "--field", "subject.kind", "--value", "pregnant",
        "--reason", "Registrert feil art.", who=HOLDER,
    )  # fmt: skip
    backdated = repo("consent", "add", case_id, *own, "--given", "2026-11-01", who=HOLDER)
    assert backdated.exit_code == 1 and "BTI108" in backdated.output
    assert "subject.kind was corrected on 2026-11-20" in backdated.output
    assert repo("service", "add", case_id, "bup", who=HOLDER).exit_code == 1
    level3 = repo("level", "set", case_id, "3", "--reason", "BUP", who=HOLDER)
    assert level3.exit_code == 1
    data = _data(repo, case_id)
    assert data["level"] == 1 and len(data["consents"]) == 1  # type: ignore[arg-type]
    story = json.loads(repo.ok("audit", "log", case_id, "--format", "json", "--lang", "en").output)
    assert story[-1]["what"] == "subject.kind corrected: Registrert feil art."
    assert story[-1]["email"] == HOLDER


def test_correcting_the_national_id_never_shows_it(repo: Bti) -> None:
    case_id = level1_case(repo)
    bad = repo(
        "case", "correct", case_id, "--field", "subject.national_id", "--value", "12345678901",
        "--reason", "Fra folkeregisteret.", who=HOLDER,
    )  # fmt: skip
    assert bad.exit_code == 2 and "not valid" in bad.output and "12345678901" not in bad.output
    done = repo.ok(
        "case", "correct", case_id, "--field", "subject.national_id", "--value", FNR,
        "--reason", "Fra folkeregisteret.", who=LEADER,
    )  # fmt: skip
    assert FNR not in done.output
    assert _data(repo, case_id)["subject"]["national_id"] == FNR  # type: ignore[index]
    log = git(repo.cwd, "log", "-1", "--format=%s%n%b")
    assert FNR not in log and "subject.national_id corrected" in log
    story = repo.ok("audit", "log", case_id, "--lang", "en").output
    assert "subject.national_id corrected: Fra folkeregisteret." in story
    assert FNR not in story and FNR[:6] not in story


def test_guardian_remove_by_the_holder_not_by_a_nurse(repo: Bti) -> None:
    case_id = level1_case(repo)
    repo.ok("guardian", "add", case_id, "--name", "Ole Lund", "--relation", "far", who=HOLDER)
    head = _head(repo)
    nurse = repo("guardian", "remove", case_id, "Ole Lund", "--reason", "Feil.", who=NURSE)
    assert nurse.exit_code == 1 and "BTI306" in nurse.output and _head(repo) == head
    unknown = repo("guardian", "remove", case_id, "Nobody", "--reason", "Feil.", who=HOLDER)
    assert unknown.exit_code == 2 and "no guardian by that name" in unknown.output
    repo.ok("guardian", "remove", case_id, "Ole Lund", "--reason", "Feil familie.", who=HOLDER)
    data = _data(repo, case_id)
    assert [g["name"] for g in data["guardians"]] == ["Mia Lund"]  # type: ignore[attr-defined]
    assert data["log"][-1]["corrects"] == ["guardian.2"]  # type: ignore[index]
    story = repo.ok("audit", "log", case_id, "--lang", "en").output
    assert "guardian removed (far): Feil familie." in story
    assert "Ole Lund" not in git(repo.cwd, "log", "-1", "--format=%B")


def test_audit_verify_names_a_hand_edit_planted_without_hooks(repo: Bti) -> None:
    case_id = level1_case(repo)
    path = _path(repo, case_id)
    path.write_text(path.read_text().replace("born: 2015-03-02", "born: 2010-03-02"))
    git(repo.cwd, "add", "-A")
    git(repo.cwd, "commit", "-q", "--no-verify", "-m", f"{case_id}: born", env=git_env(HOLDER))
    planted = _head(repo)
    result = repo("audit", "verify", "--format", "json")
    assert result.exit_code == 1
    landed = json.loads(result.stdout)
    assert [(i["commit"], i["code"]) for i in landed] == [(planted, "BTI305")]
    assert "subject.born was changed without a correction" in landed[0]["message"]


# -- the server --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A bare server with the pre-receive hook, and a school clone with a case at level 1."""
    base = tmp_path_factory.mktemp("correction-world")
    home = tmp_path_factory.mktemp("correction-home")
    with isolated_environment(home):
        server, school = server_with_clone(base, clone_name="school")
        bti = Bti(school)
        case_id = level1_case(bti)
        assert push(school, who=HOLDER)[0] == 0
    return {"server": server, "school": school, "case": Path(case_id)}


def _attack(world: dict[str, Path], old: str, new: str, who: str = HOLDER) -> tuple[int, str]:
    school = world["school"]
    head = git(school, "rev-parse", "HEAD").strip()
    path = school / "cases" / f"{world['case']}.yaml"
    path.write_text(path.read_text().replace(old, new, 1))
    git(school, "commit", "-qam", f"{world['case']}: edit", "--no-verify", env=git_env(who))
    code, err = push(school, who=who)
    git(school, "reset", "-q", "--hard", head)
    return code, err


def _refs(server: Path) -> str:
    return git(server, "show-ref")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("kind: child", "kind: pregnant"),
        ("born: 2015-03-02", "born: 2010-03-02"),
        ("  relation: mor", "  relation: verge"),
        ("owner_service: skole", "owner_service: helsestasjon"),
    ],
)
def test_the_server_refuses_a_hand_edit(world: dict[str, Path], old: str, new: str) -> None:
    before = _refs(world["server"])
    code, err = _attack(world, old, new)
    assert code != 0 and "BTI305" in err and "the push was refused" in err, err
    assert _refs(world["server"]) == before


def test_the_server_refuses_a_correction_written_by_a_nurse(world: dict[str, Path]) -> None:
    before = _refs(world["server"])
    entry = (
        f"  - time: 2026-11-20T10:00:00+01:00\n    author: {NURSE}\n    kind: event\n"
        "    text: 'Rettet subject.kind: gravid'\n    event: corrected\n"
        "    corrects: [subject.kind]\n"
    )
    school = world["school"]
    head = git(school, "rev-parse", "HEAD").strip()
    path = school / "cases" / f"{world['case']}.yaml"
    path.write_text(path.read_text().replace("kind: child", "kind: pregnant") + entry)
    git(school, "commit", "-qam", f"{world['case']}: edit", "--no-verify", env=git_env(NURSE))
    code, err = push(school, who=NURSE)
    git(school, "reset", "-q", "--hard", head)
    assert code != 0 and "BTI306" in err and "BTI305" not in err, err
    assert _refs(world["server"]) == before


def test_the_server_takes_a_correction_by_the_holder(world: dict[str, Path]) -> None:
    school = Bti(world["school"])
    school.ok(
        "case", "correct", str(world["case"]), "--field", "guardian.1.relation", "--value",
        "verge", "--reason", "Er oppnevnt verge.", who=HOLDER,
    )  # fmt: skip
    code, err = push(world["school"], who=HOLDER)
    assert code == 0, err
