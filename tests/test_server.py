"""The real world: a bare server with the pre-receive hook, clones as different staff members,
the whole story of a case, then the attacks — each committed with --no-verify and pushed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import (
    HOLDER,
    LEADER,
    NURSE,
    STAFF,
    Bti,
    git,
    git_env,
    isolated_environment,
    new_case,
    push,
    server_with_clone,
)

OTHER = "per.barnevern@fjordvik.example"
FNR = "09821750056"  # synthetic


def pull(clone: Path) -> None:
    git(clone, "pull", "-q", "--ff-only", "origin", "main")


def server_log(server: Path) -> list[str]:
    return git(server, "log", "--format=%s", "main").splitlines()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A server and two clones (the school's and the health station's), and one case's story up
    to level 2 with measures."""

    base = tmp_path_factory.mktemp("world")
    home = tmp_path_factory.mktemp("world-home")
    with isolated_environment(home):
        staff = [*STAFF, (OTHER, "Per Lyngmo", "barnevern", "holder")]
        server, school = server_with_clone(base, staff, "school")
        health = base / "health"
        a = Bti(school)
        git(base, "clone", "-q", str(server), str(health))
        b = Bti(health)
        b.ok("hooks", "install")
        # The story: a concern at level 0, consent, level 1, a second service, level 2, measures.
        case_id = (
            a.ok(
                "case",
                "new",
                "--service",
                "skole",
                "--name",
                "Mathea Lund",
                "--born",
                "2014-11-30",
                "--concern",
                "Spiser lite i skolen.",
                who=HOLDER,
            )
            .output.strip()
            .splitlines()[-1]
        )
        a.ok("guardian", "add", case_id, "--name", "Anders Lund", "--relation", "far", who=HOLDER)
        a.ok(
            "consent",
            "add",
            case_id,
            "--given-by",
            "Anders Lund",
            "--services",
            "skole,helsestasjon",
            "--purpose",
            "Samarbeid om helse og trivsel",
            who=HOLDER,
        )
        a.ok("level", "set", case_id, "1", "--reason", "Far samtykker", who=HOLDER)
        a.ok("service", "add", case_id, "helsestasjon", who=HOLDER)
        a.ok("level", "set", case_id, "2", "--reason", "Helsesykepleier følger opp", who=HOLDER)
        a.ok(
            "measure",
            "add",
            case_id,
            "Samtaler med helsesykepleier",
            "--responsible",
            NURSE,
            "--service",
            "helsestasjon",
            "--evaluate-by",
            "2027-01-15",
            who=HOLDER,
        )
        assert push(school, who=HOLDER)[0] == 0
        pull(health)
        b.ok(
            "measure",
            "evaluate",
            case_id,
            "m1",
            "--outcome",
            "continue",
            "--note",
            "Litt bedre",
            "--voice",
            "Det hjelper å prate",
            "--next-by",
            "2027-03-01",
            who=NURSE,
        )
        assert push(health, who=NURSE)[0] == 0
        pull(school)
    return {"server": server, "school": school, "health": health, "case": Path(case_id)}


def _case(world: dict[str, Path], clone: str) -> tuple[str, Path]:
    case_id = str(world["case"])
    return case_id, world[clone] / "cases" / f"{case_id}.yaml"


def _attack(world: dict[str, Path], edit: object, message: str = "edit") -> tuple[int, str]:
    """Commit an edit with --no-verify in the school's clone, push it, and put the clone back."""
    school = world["school"]
    head = git(school, "rev-parse", "HEAD").strip()
    case_id, path = _case(world, "school")
    edit(path)  # type: ignore[operator]
    git(school, "add", "-A")
    git(school, "commit", "-q", "--no-verify", "-m", f"{case_id}: {message}")
    code, err = push(school, who=HOLDER)
    git(
        school, "reset", "-q", "--hard", head
    )  # only the test's clone; the server keeps its history
    return code, err


def test_the_story_reached_the_server(world: dict[str, Path]) -> None:
    case_id, _ = _case(world, "school")
    log = server_log(world["server"])
    assert f"{case_id}: measure m1 evaluated: continue" in log
    assert f"{case_id}: level 1 → 2" in log
    authors = set(git(world["server"], "log", "--format=%ae", "main").split())
    assert {LEADER, HOLDER, NURSE} <= authors


def test_handover_wrong_person_then_the_right_one(world: dict[str, Path]) -> None:
    case_id, path = _case(world, "school")
    school, health = Bti(world["school"]), Bti(world["health"])
    school.ok(
        "handover", "offer", case_id, "--to", NURSE, "--reason", "Tettest kontakt", who=HOLDER
    )
    assert push(world["school"], who=HOLDER)[0] == 0
    pull(world["health"])
    wrong = health("handover", "accept", case_id, who=OTHER)
    assert wrong.exit_code == 1 and "BTI204" in wrong.output
    # The wrong person commits by hand, skipping the hooks: the server refuses.
    hpath = world["health"] / "cases" / f"{case_id}.yaml"
    data = yaml.safe_load(hpath.read_text())
    assert data["holder"] == HOLDER  # a pending offer does not move the baton
    text = hpath.read_text().replace("    status: offered", "    status: accepted")
    text = text.replace(f"holder: {HOLDER}", f"holder: {NURSE}")
    hpath.write_text(text)
    git(
        world["health"], "commit", "-qam", f"{case_id}: accepted", "--no-verify", env=git_env(OTHER)
    )
    code, err = push(world["health"], who=OTHER)
    assert code != 0 and "BTI204" in err
    git(world["health"], "reset", "-q", "--hard", "origin/main")
    # The receiver accepts, but someone else pushes it where the server names the pusher.
    health.ok("handover", "accept", case_id, who=NURSE)
    code, err = push(world["health"], who=NURSE, env={"BTI_PUSHER_EMAIL": OTHER})
    assert code != 0 and "BTI603" in err
    code, err = push(world["health"], who=NURSE, env={"BTI_PUSHER_EMAIL": NURSE})
    assert code == 0, err
    pull(world["school"])
    assert yaml.safe_load(path.read_text())["holder"] == NURSE


@pytest.mark.parametrize(
    ("name", "code", "edit"),
    [
        (
            "holder changed by hand",
            "BTI202",
            lambda p: p.write_text(p.read_text().replace("\nholder: ", f"\nholder: {OTHER}\n#", 1)),
        ),
        (
            "old log entry edited",
            "BTI301",
            lambda p: p.write_text(p.read_text().replace("Stafettlogg opprettet", "Sak opprettet")),
        ),
        ("consent record deleted", "BTI301", lambda p: p.write_text(_drop_consents(p.read_text()))),
        ("case file deleted", "BTI302", lambda p: p.unlink()),
        (
            "service added without consent",
            "BTI103",
            lambda p: p.write_text(
                p.read_text().replace(
                    "  - helsestasjon\nholder", "  - helsestasjon\n  - ppt\nholder", 1
                )
            ),
        ),
        (
            "national id in a log entry",
            "BTI501",
            lambda p: p.write_text(
                p.read_text()
                + f"  - time: 2026-01-05T10:00:00+01:00\n    author: {HOLDER}\n    kind: note\n    text: Fnr {FNR}\n"
            ),
        ),
    ],
)
def test_attacks_are_refused_with_their_code(
    world: dict[str, Path], name: str, code: str, edit: object
) -> None:
    before = server_log(world["server"])
    status, err = _attack(world, edit)
    assert status != 0, f"{name}: the server accepted it"
    assert code in err, err
    assert "the push was refused" in err
    assert server_log(world["server"]) == before
    if code == "BTI501":
        assert FNR not in err


def _drop_consents(text: str) -> str:
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("consents:"))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith(" "))
    return "".join([*lines[:start], "consents: []\n", *lines[end:]])


def test_commit_three_of_five_breaks_a_rule_that_five_repairs(world: dict[str, Path]) -> None:
    school = world["school"]
    head = git(school, "rev-parse", "HEAD").strip()
    _, path = _case(world, "school")
    original = path.read_text()
    shas = []
    for i in range(1, 6):
        if i == 3:  # a national id slips into the concern; commit 5 takes it out again
            path.write_text(original.replace("\n  noted:", f" {FNR}\n  noted:", 1))
        else:
            path.write_text(original)
            (school / f"README-{i}.md").write_text(f"{i}\n")
        git(school, "add", "-A")
        git(school, "commit", "-q", "--no-verify", "-m", f"step {i}")
        shas.append(git(school, "rev-parse", "HEAD").strip())
    code, err = push(school, who=HOLDER)
    git(school, "reset", "-q", "--hard", head)
    assert code != 0
    flagged = [line for line in err.splitlines() if " BTI" in line]
    assert any(shas[2][:8] in line and "BTI501" in line for line in flagged), err
    assert not any(shas[0][:8] in line or shas[1][:8] in line for line in flagged)


def test_force_push_that_rewrites_history_is_refused(world: dict[str, Path]) -> None:
    school = world["school"]
    head = git(school, "rev-parse", "HEAD").strip()
    git(school, "reset", "-q", "--hard", "HEAD~2")
    (school / "README.md").write_text("x\n")
    git(school, "add", "README.md")
    git(school, "commit", "-q", "-m", "rewritten")
    code, err = push(school, "--force", "HEAD:main", who=HOLDER)
    git(school, "reset", "-q", "--hard", head)
    assert code != 0 and "BTI601" in err
    assert git(world["server"], "rev-parse", "main").strip() == head


def test_deleting_main_is_refused_other_branches_are_not(world: dict[str, Path]) -> None:
    school = world["school"]
    code, err = push(school, ":main", who=HOLDER)
    assert code != 0 and "BTI602" in err
    assert push(school, "HEAD:refs/heads/scratch", who=HOLDER)[0] == 0
    assert push(school, ":scratch", who=HOLDER)[0] == 0


def test_commit_message_naming_the_child_is_refused(world: dict[str, Path]) -> None:
    def edit(p: Path) -> None:
        p.write_text(
            p.read_text()
            + f"  - time: 2026-11-01T10:00:00+01:00\n    author: {HOLDER}\n    kind: note\n    text: Samtale.\n"
        )

    code, err = _attack(world, edit, message="samtale med Mathea")
    assert code != 0 and "BTI502" in err


@pytest.mark.parametrize("what", ["broken yaml", "binary", "empty push", "new branch", "tag"])
def test_odd_pushes_give_messages_not_tracebacks(world: dict[str, Path], what: str) -> None:
    school = world["school"]
    head = git(school, "rev-parse", "HEAD").strip()
    if what == "broken yaml":
        (school / "cases" / "2026-AAAAA.yaml").write_text("id: [\n")
    elif what == "binary":
        (school / "cases" / "2026-BBBBB.yaml").write_bytes(b"\x00\x01\x02")
    if what in ("broken yaml", "binary"):
        git(school, "add", "-A")
        git(school, "commit", "-q", "--no-verify", "-m", "odd file")
        code, err = push(school, who=HOLDER)
        assert code != 0 and "BTI001" in err
    elif what == "empty push":
        code, err = push(school, who=HOLDER)
        assert code == 0
    elif what == "new branch":
        code, err = push(school, "HEAD:refs/heads/feature", who=HOLDER)
        assert code == 0
        push(school, ":feature", who=HOLDER)
    else:
        git(school, "tag", "v1")
        code, err = push(school, "refs/tags/v1", who=HOLDER)
        assert code == 0
    git(school, "reset", "-q", "--hard", head)
    assert "Traceback" not in err


def test_a_lawful_merge_passes(world: dict[str, Path]) -> None:
    school, health = world["school"], world["health"]
    pull(health)
    pull(school)
    case_id, _ = _case(world, "school")
    holder = yaml.safe_load((school / "cases" / f"{case_id}.yaml").read_text())["holder"]
    # Two people change different files at the same time; the second merges before pushing.
    Bti(school).ok(
        "case",
        "new",
        "--service",
        "skole",
        "--name",
        "Emil Skogvang",
        "--born",
        "2017-02-09",
        who=HOLDER,
    )
    Bti(health).ok("log", "add", case_id, "Samtale gjennomført.", who=holder)
    assert push(health, who=holder)[0] == 0
    git(school, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main", env=git_env(HOLDER))
    code, err = push(school, who=HOLDER)
    assert code == 0, err


def test_consent_withdrawn_ends_the_story_at_level_zero(world: dict[str, Path]) -> None:
    pull(world["health"])
    case_id, path = _case(world, "health")
    holder = yaml.safe_load(path.read_text())["holder"]
    result = Bti(world["health"]).ok(
        "consent", "withdraw", case_id, "c1", "--reason", "Far trekker samtykket", who=holder
    )
    assert "level 0" in result.output
    code, err = push(world["health"], who=holder)
    assert code == 0, err
    shown = git(world["server"], "show", f"main:cases/{case_id}.yaml")
    data = yaml.safe_load(shown)
    assert (
        data["level"] == 0 and data["consents"][0]["withdrawn"]["reason"] == "Far trekker samtykket"
    )


def test_the_server_records_who_pushed_and_the_audit_shows_it(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Where the server names the pusher, post-receive records it as a note on each commit;
    clones fetch the notes, and the audit shows the pusher beside the signed author."""
    base = tmp_path_factory.mktemp("pushed")
    with isolated_environment(tmp_path_factory.mktemp("pushed-home")):
        server, clone = server_with_clone(base)
        case_id = new_case(Bti(clone), who=HOLDER)
        code, err = push(clone, who=HOLDER, env={"BTI_PUSHER_EMAIL": HOLDER})
        assert code == 0, err
        Bti(base).ok("clone", str(server), str(base / "reviewer"))
        story = json.loads(
            Bti(base / "reviewer").ok("audit", "log", case_id, "--format", "json").output
        )
        assert story[0]["pushed"].startswith(f"{HOLDER} at "), story
        assert story[0]["pushed"].endswith("to refs/heads/main")
        # The record is the server's own: a client cannot push notes of its own.
        git(clone, "notes", "--ref=bti/pushed", "add", "-f", "-m", "pushed by x", "HEAD")
        code, err = push(clone, "+refs/notes/bti/pushed", who=HOLDER)
        assert code != 0 and "BTI607 error" in err, err
