"""Working together for real: a bare server with the pre-receive hook, and clones made with
`bti clone` as different staff members, who change the same case at the same time and `bti sync`."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import HOLDER, LEADER, NURSE, Bti, git, git_env, isolated_environment

OTHER = "per.barnevern@fjordvik.example"
DAY = "2026-03-02T"  # a Monday in the past: nothing is dated in the future


def at(hour: int, minute: int = 0) -> str:
    return f"{DAY}{hour:02d}:{minute:02d}:00+01:00"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """A server holding one case at level 1 with a consent, held by HOLDER (made once)."""
    base = tmp_path_factory.mktemp("shared")
    home = tmp_path_factory.mktemp("shared-home")
    with isolated_environment(home):
        server = base / "server.git"
        git(base, "init", "-q", "--bare", "-b", "main", str(server))
        Bti(base).ok("hooks", "install", "--server", str(server))
        Bti(base).ok("clone", str(server), str(base / "seed"))
        seed = Bti(base / "seed")
        seed.ok("init", "--municipality", "Fjordvik kommune", now=at(8))
        for email, name, service in [
            (LEADER, "Kari Fjellstad", "skole"),
            (HOLDER, "Ingrid Strandli", "skole"),
            (NURSE, "Nils Bakkevik", "helsestasjon"),
            (OTHER, "Per Lyngmo", "barnevern"),
        ]:
            roles = "leader,holder" if email == LEADER else "holder"
            seed.ok("person", "add", email, "--name", name, "--service", service, "--role", roles)
        out = seed.ok(
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
            now=at(8, 10),
        )
        case_id = out.output.strip().splitlines()[-1]
        seed.ok(
            "guardian",
            "add",
            case_id,
            "--name",
            "Anders Lund",
            "--relation",
            "far",
            who=HOLDER,
            now=at(8, 11),
        )
        seed.ok(
            "consent",
            "add",
            case_id,
            "--given-by",
            "Anders Lund",
            "--services",
            "skole,helsestasjon,barnevern",
            "--purpose",
            "Samarbeid om trivsel",
            who=HOLDER,
            now=at(8, 12),
        )
        seed.ok(
            "level", "set", case_id, "1", "--reason", "Far samtykker", who=HOLDER, now=at(8, 13)
        )
        for service in ("helsestasjon", "barnevern"):  # the nurse and child welfare work in it
            seed.ok("service", "add", case_id, service, who=HOLDER, now=at(8, 13))
        seed.ok("sync", who=HOLDER, now=at(8, 14))
        yield {"server": server, "case": Path(case_id)}


@pytest.fixture
def team(seeded: dict[str, Path], tmp_path: Path) -> dict[str, Path]:
    """A fresh copy of the server and three clones: the school's, the health station's and
    child welfare's."""
    server = tmp_path / "server.git"
    shutil.copytree(seeded["server"], server, symlinks=True)
    found = {"server": server, "case": seeded["case"]}
    for name in ("school", "health", "welfare"):
        Bti(tmp_path).ok("clone", str(server), name)
        found[name] = tmp_path / name
    return found


def case_file(team: dict[str, Path], where: str) -> Path:
    return team[where] / "cases" / f"{team['case']}.yaml"


def server_case(team: dict[str, Path]) -> dict[str, object]:
    text = git(team["server"], "show", f"main:cases/{team['case']}.yaml")
    assert "<<<<<<<" not in text and "merge_conflict" not in text
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def log_texts(data: dict[str, object]) -> list[str]:
    return [str(e["text"]) for e in data["log"]]  # type: ignore[attr-defined,index]


def no_markers(*folders: Path) -> None:
    for folder in folders:
        for path in (folder / "cases").glob("*.yaml"):
            text = path.read_text()
            assert "<<<<<<<" not in text and ">>>>>>>" not in text, path


# -- clone ----------------------------------------------------------------------------------------


def test_clone_installs_hooks_and_merge_driver(team: dict[str, Path]) -> None:
    clone = team["school"]
    assert "bti hook merge-case" in git(clone, "config", "merge.bti.driver")
    assert (clone / ".git" / "hooks" / "pre-commit").exists()
    assert (clone / ".gitattributes").read_text().strip() == "cases/*.yaml merge=bti"


def test_clone_refuses_a_folder_in_use_and_a_wrong_address(team: dict[str, Path]) -> None:
    here = Bti(team["school"].parent)
    used = here("clone", str(team["server"]), "school")
    assert used.exit_code == 2 and "not empty" in used.output
    wrong = here("clone", str(team["server"].parent / "nowhere.git"), "other")
    assert wrong.exit_code == 2 and "could not clone" in wrong.output
    assert "Traceback" not in used.output + wrong.output


# -- concurrent appends -----------------------------------------------------------------------------


def test_concurrent_entries_from_every_clone_all_reach_the_server_once_in_order(
    team: dict[str, Path],
) -> None:
    case_id = str(team["case"])
    people = {"school": HOLDER, "health": NURSE, "welfare": OTHER}
    written = []
    for round_ in range(2):
        for i, (where, who) in enumerate(people.items()):
            text = f"Notat {round_ + 1} fra {where}"
            Bti(team[where]).ok("log", "add", case_id, text, who=who, now=at(9 + round_, i * 10))
            written.append(text)
    for where in ("health", "welfare", "school", "health", "welfare"):
        result = Bti(team[where])("sync", who=people[where], now=at(12))
        assert result.exit_code == 0, result.output
    texts = log_texts(server_case(team))
    for text in written:
        assert texts.count(text) == 1, text
    times = [e["time"] for e in server_case(team)["log"]]  # type: ignore[attr-defined]
    assert times == sorted(times)
    assert [t for t in texts if t.startswith("Notat")] == sorted(
        written, key=lambda t: (t.split()[1], ["school", "health", "welfare"].index(t.split()[-1]))
    )
    no_markers(team["school"], team["health"], team["welfare"])
    for where in people:
        assert case_file(team, where).read_bytes() == case_file(team, "welfare").read_bytes()
    audit = Bti(team["school"])("audit", "verify")
    assert audit.exit_code == 0, audit.output


def test_concurrent_consents_get_distinct_ids_and_both_are_kept(team: dict[str, Path]) -> None:
    case_id = str(team["case"])
    school, health = Bti(team["school"]), Bti(team["health"])
    school.ok(
        "consent",
        "add",
        case_id,
        "--given-by",
        "Anders Lund",
        "--services",
        "skole",
        "--purpose",
        "Leksehjelp",
        who=HOLDER,
        now=at(9),
    )
    health.ok(
        "consent",
        "add",
        case_id,
        "--given-by",
        "Anders Lund",
        "--services",
        "helsestasjon",
        "--purpose",
        "Samtaler",
        who=LEADER,  # the holder's leader records it on the nurse's computer
        now=at(9, 5),
    )
    health.ok("log", "add", case_id, "Samtale med far", who=NURSE, now=at(9, 6))
    school.ok("sync", who=HOLDER, now=at(10))
    result = health("sync", who=NURSE, now=at(10, 5))
    assert result.exit_code == 0, result.output
    assert "c2 is now c3" in result.output
    data = server_case(team)
    consents = {c["id"]: c["purpose"] for c in data["consents"]}  # type: ignore[attr-defined]
    assert consents == {"c1": "Samarbeid om trivsel", "c2": "Leksehjelp", "c3": "Samtaler"}
    texts = log_texts(data)
    assert any("c3" in t and "helsestasjon" in t for t in texts)
    assert any("c2" in t and "skole" in t for t in texts)
    assert "Samtale med far" in texts
    school.ok("sync", who=HOLDER, now=at(10, 10))
    assert yaml.safe_load(case_file(team, "school").read_text()) == data


# -- a real conflict ------------------------------------------------------------------------------


def _hand_over(bti: Bti, case_id: str, to: str, hour: int) -> None:
    bti.ok("handover", "offer", case_id, "--to", to, who=HOLDER, now=at(hour))
    bti.ok("handover", "accept", case_id, who=to, now=at(hour, 5))


def test_holder_changed_on_both_sides_is_a_clear_conflict_and_nothing_is_lost(
    team: dict[str, Path],
) -> None:
    case_id = str(team["case"])
    school, welfare = Bti(team["school"]), Bti(team["welfare"])
    _hand_over(school, case_id, NURSE, 9)
    _hand_over(welfare, case_id, OTHER, 10)
    welfare.ok("log", "add", case_id, "Hjemmebesøk", who=OTHER, now=at(10, 30))
    school.ok("sync", who=NURSE, now=at(11))
    mine = git(team["welfare"], "rev-parse", "HEAD")
    result = welfare("sync", who=OTHER, now=at(11, 5))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert f"case {case_id}: holder was changed on both sides" in result.output
    assert f"yours: {OTHER}" in result.output and f"on the server: {NURSE}" in result.output
    assert "bti sync --continue" in result.output and "bti sync --abort" in result.output
    path = case_file(team, "welfare")
    text = path.read_text()
    assert "<<<<<<<" not in text
    data = yaml.safe_load(text)
    assert data["merge_conflict"] == [{"field": "holder", "yours": OTHER, "incoming": NURSE}]
    assert data["holder"] == OTHER
    assert "Hjemmebesøk" in log_texts(data)
    assert [h["to"] for h in data["handovers"]] == [NURSE, OTHER]
    validate = welfare("validate", str(path))
    assert validate.exit_code == 1 and "merge_conflict" in validate.output
    again = welfare("sync", who=OTHER, now=at(11, 6))
    assert again.exit_code == 1 and "not resolved yet" in again.output
    # Going back restores the clone exactly.
    welfare.ok("sync", "--abort", who=OTHER)
    assert git(team["welfare"], "rev-parse", "HEAD") == mine
    assert "merge_conflict" not in path.read_text()
    assert git(team["welfare"], "status", "--porcelain") == ""
    # Sync again, and this time choose the server's holder.
    assert welfare("sync", who=OTHER, now=at(11, 10)).exit_code == 1
    unfinished = welfare("sync", "--continue", who=OTHER, now=at(11, 11))
    assert unfinished.exit_code == 1 and "BTI002" in unfinished.output
    # A value neither side had (nobody handed the baton to the leader) is not accepted...
    _choose(path, LEADER)
    before = git(team["server"], "rev-parse", "main")
    wrong = welfare("sync", "--continue", who=OTHER, now=at(11, 12))
    assert wrong.exit_code == 1 and "BTI202" in wrong.output, wrong.output
    assert "the merge was not made" in wrong.output
    assert git(team["server"], "rev-parse", "main") == before
    git(team["welfare"], "rev-parse", "-q", "--verify", "MERGE_HEAD")  # still open
    # ... and the server's value is.
    path.write_text(path.read_text().replace(f"holder: {LEADER}", f"holder: {NURSE}"))
    done = welfare("sync", "--continue", who=OTHER, now=at(11, 13))
    assert done.exit_code == 0, done.output
    data = server_case(team)
    assert data["holder"] == NURSE
    assert "Hjemmebesøk" in log_texts(data)
    assert [h["to"] for h in data["handovers"]] == [NURSE, OTHER]  # type: ignore[attr-defined]


def _choose(path: Path, holder: str) -> None:
    lines = path.read_text().splitlines(keepends=True)
    block = next(i for i, line in enumerate(lines) if line.startswith("merge_conflict:"))
    end = next(i for i in range(block + 1, len(lines)) if lines[i][:1].isalpha())
    start = block
    while (
        start > 0 and lines[start - 1].startswith("# ") and "yaml-language" not in lines[start - 1]
    ):
        start -= 1
    kept = [*lines[:start], *lines[end:]]
    text = "".join(kept)
    old = next(line for line in kept if line.startswith("holder:"))
    path.write_text(text.replace(old, f"holder: {holder}\n"))


# -- what sync refuses, and what the server refuses ----------------------------------------------------


def test_sync_refuses_to_start_over_uncommitted_changes(team: dict[str, Path]) -> None:
    path = case_file(team, "school")
    edited = path.read_text() + "# a note I have not committed\n"
    path.write_text(edited)
    result = Bti(team["school"])("sync", who=HOLDER)
    assert result.exit_code == 1
    assert f"cases/{team['case']}.yaml" in result.output and "commit them first" in result.output
    assert path.read_text() == edited


def test_the_servers_refusal_is_shown_and_local_work_kept(team: dict[str, Path]) -> None:
    case_id = str(team["case"])
    school = Bti(team["school"])
    school.ok("handover", "offer", case_id, "--to", NURSE, who=HOLDER, now=at(9))
    school.ok("handover", "accept", case_id, who=NURSE, now=at(9, 5))
    head = git(team["school"], "rev-parse", "HEAD")
    before = git(team["server"], "rev-parse", "main")
    os.environ["BTI_PUSHER_EMAIL"] = OTHER  # the server names someone else as pushing
    try:
        result = school("sync", who=NURSE, now=at(10))
    finally:
        del os.environ["BTI_PUSHER_EMAIL"]
    assert result.exit_code == 1
    assert "the server refused" in result.output and "BTI603" in result.output
    assert "Traceback" not in result.output
    assert git(team["school"], "rev-parse", "HEAD") == head
    assert git(team["server"], "rev-parse", "main") == before


# -- merges made by hand, judged by the server ---------------------------------------------------------


def _diverge(team: dict[str, Path]) -> None:
    case_id = str(team["case"])
    Bti(team["school"]).ok("log", "add", case_id, "Fra skolen", who=HOLDER, now=at(9))
    Bti(team["school"]).ok("sync", who=HOLDER, now=at(9, 1))
    Bti(team["health"]).ok("log", "add", case_id, "Fra helsestasjonen", who=NURSE, now=at(9, 2))
    git(team["health"], "fetch", "-q", "origin")


def _push(clone: Path, who: str) -> tuple[int, str]:
    result = subprocess.run(
        ["git", "push", "origin", "HEAD:main"],
        cwd=clone,
        capture_output=True,
        text=True,
        env={**os.environ, **git_env(who)},
    )
    return result.returncode, result.stderr


def test_a_plain_git_merge_with_the_driver_is_accepted(team: dict[str, Path]) -> None:
    _diverge(team)
    git(team["health"], "merge", "-q", "--no-edit", "origin/main", env=git_env(NURSE))
    code, err = _push(team["health"], NURSE)
    assert code == 0, err
    texts = log_texts(server_case(team))
    assert "Fra skolen" in texts and "Fra helsestasjonen" in texts


@pytest.mark.parametrize(
    ("name", "code", "edit"),
    [
        (
            "a holder nobody handed over to",
            "BTI202",
            lambda text: text.replace(f"holder: {HOLDER}", f"holder: {OTHER}"),
        ),
        (
            "an old entry edited",
            "BTI301",
            lambda text: text.replace("Far samtykker", "Mor samtykker"),
        ),
        (
            "the other side's entry dropped",
            "BTI301",
            lambda text: text.replace("    text: Fra skolen\n", "    text: Fra helsestasjonen\n"),
        ),
    ],
)
def test_a_merge_that_smuggles_in_a_change_is_refused(
    team: dict[str, Path], name: str, code: str, edit: object
) -> None:
    _diverge(team)
    health = team["health"]
    git(health, "merge", "-q", "--no-commit", "origin/main", env=git_env(NURSE))
    path = case_file(team, "health")
    path.write_text(edit(path.read_text()))  # type: ignore[operator]
    git(health, "add", "-A")
    git(health, "commit", "-q", "--no-verify", "--no-edit", env=git_env(NURSE))
    before = git(team["server"], "rev-parse", "main")
    status, err = _push(health, NURSE)
    assert status != 0, f"{name}: the server accepted it"
    assert code in err, err
    assert git(team["server"], "rev-parse", "main") == before


# -- comments and key order -------------------------------------------------------------------------


def test_comments_and_key_order_of_a_hand_edited_file_survive_a_merge(
    team: dict[str, Path],
) -> None:
    case_id = str(team["case"])
    school, health = Bti(team["school"]), Bti(team["health"])
    path = case_file(team, "school")
    text = path.read_text()
    text = text.replace("\nholder:", "\n# Far ønsker kontakt på telefon\nholder:", 1)
    text = text.replace("level: 1\n", "level: 1  # nivå avtalt med far\n", 1)
    lines = text.splitlines(keepends=True)
    opened = next(i for i, line in enumerate(lines) if line.startswith("opened:"))
    lines.insert(2, lines.pop(opened))  # a key moved by hand
    path.write_text("".join(lines))
    git(team["school"], "commit", "-qam", f"{case_id}: notes", env=git_env(HOLDER))
    school.ok("log", "add", case_id, "Fra skolen", who=HOLDER, now=at(9))
    health.ok("log", "add", case_id, "Fra helsestasjonen", who=NURSE, now=at(9, 5))
    school.ok("sync", who=HOLDER, now=at(10))
    health.ok("sync", who=NURSE, now=at(10, 5))  # yours has no hand edits: theirs' text is kept
    school.ok("log", "add", case_id, "Igjen fra skolen", who=HOLDER, now=at(11))
    health.ok("log", "add", case_id, "Igjen fra helsestasjonen", who=NURSE, now=at(11, 5))
    health.ok("sync", who=NURSE, now=at(12))
    school.ok("sync", who=HOLDER, now=at(12, 5))  # yours has the hand edits: they are kept
    for where in ("school", "health"):
        merged = case_file(team, where).read_text()
        assert "# Far ønsker kontakt på telefon\nholder:" in merged
        assert "level: 1  # nivå avtalt med far\n" in merged
        assert merged.splitlines()[2].startswith("opened:")
    texts = log_texts(server_case(team))
    for text in (
        "Fra skolen",
        "Fra helsestasjonen",
        "Igjen fra skolen",
        "Igjen fra helsestasjonen",
    ):
        assert texts.count(text) == 1


def test_sync_outside_a_shared_repository_says_what_to_do(tmp_path: Path) -> None:
    here = Bti(tmp_path)
    outside = here("sync")
    assert outside.exit_code == 2 and "not in a git repository" in outside.output
    here.ok("init", "--municipality", "Fjordvik kommune")
    alone = here("sync")
    assert alone.exit_code == 2 and "no server" in alone.output and "bti clone" in alone.output
    assert here("sync", "--continue").exit_code == 1
    assert "nothing to undo" in here.ok("sync", "--abort").output
    assert here("sync", "--continue", "--abort").exit_code == 2


def test_an_empty_server_and_a_fresh_clone(tmp_path: Path) -> None:
    server = tmp_path / "empty.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(server))
    Bti(tmp_path).ok("clone", str(server), "first")
    result = Bti(tmp_path / "first").ok("sync")
    assert "nothing to send" in result.output


def test_new_work_in_a_case_closed_on_the_server_is_a_conflict_sync_explains(
    team: dict[str, Path],
) -> None:
    case_id = str(team["case"])
    school, health = Bti(team["school"]), Bti(team["health"])
    school.ok("case", "close", case_id, "--reason", "Målene er nådd", who=HOLDER, now=at(9))
    school.ok("sync", who=HOLDER, now=at(9, 5))
    health.ok("log", "add", case_id, "Samtale med eleven", who=NURSE, now=at(9, 10))
    result = health("sync", who=NURSE, now=at(10))
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert f"case {case_id}: the case was closed on the server" in result.output
    assert "reason for reopening" in result.output and "drop the new records" in result.output
    assert server_case(team)["status"] == "closed"
    assert "Samtale med eleven" not in log_texts(server_case(team))
    health.ok("sync", "--abort", who=NURSE)


def test_sync_says_how_to_take_back_a_commit_that_broke_the_rules(
    team: dict[str, Path],
) -> None:
    school = team["school"]
    path = case_file(team, "school")
    # A hand edit that rewrites history (a log entry changed), committed past the hook.
    text = path.read_text()
    path.write_text(text.replace("Far samtykker", "Mor samtykker", 1))
    git(school, "add", "-A")
    git(school, "commit", "-q", "--no-verify", "-m", "Retta", env=git_env(HOLDER))
    out = Bti(school)("sync", who=HOLDER)
    assert out.exit_code != 0
    assert "git reset --soft origin/main" in out.output
    assert "git reset HEAD~1" in out.output


# -- choosing a side: bti sync --take mine|theirs FIELD ---------------------------------------------


def _step_on_both_sides(team: dict[str, Path]) -> tuple[Bti, str, str]:
    """The school sets step 2 and syncs; the health station's leader sets step 3 meanwhile and
    syncs: a stopped sync. The health clone, its head before, and the school's head."""
    case_id = str(team["case"])
    school, health = Bti(team["school"]), Bti(team["health"])
    school.ok("step", "set", case_id, "2", "--reason", "Tiltak i gang", who=HOLDER, now=at(9))
    health.ok(
        "step", "set", case_id, "3", "--reason", "Mer hjelp trengs", who=LEADER, now=at(9, 30)
    )
    school.ok("sync", who=HOLDER, now=at(10))
    mine = git(team["health"], "rev-parse", "HEAD").strip()
    stopped = health("sync", who=LEADER, now=at(10, 5))
    assert stopped.exit_code == 1, stopped.output
    if os.environ.get("BTI_LANG") == "en":
        assert f"case {case_id}: step was changed on both sides — yours: 3; on the server: 2" in (
            stopped.output
        )
        assert "bti sync --take theirs FIELD" in stopped.output
    return health, mine, git(team["school"], "rev-parse", "HEAD").strip()


def _parents(team: dict[str, Path]) -> list[str]:
    return git(team["server"], "rev-list", "--parents", "-n", "1", "main").split()[1:]


def test_take_theirs_finishes_a_stopped_sync_as_one_merge_the_server_accepts(
    team: dict[str, Path],
) -> None:
    health, mine, theirs = _step_on_both_sides(team)
    done = health("sync", "--take", "theirs", "step", who=LEADER, now=at(10, 10))
    assert done.exit_code == 0, done.output
    assert "step — took the server's: 2" in done.output and "sent 2 commits" in done.output
    data = server_case(team)
    assert data["step"] == 2
    texts = " ".join(log_texts(data))
    assert "Tiltak i gang" in texts and "Mer hjelp trengs" in texts  # nothing is lost
    assert sorted(_parents(team)) == sorted([mine, theirs])  # both sides in the history
    message = git(team["server"], "log", "-1", "--format=%s%n%ae", "main")
    assert f"--take: 1 {team['case']} theirs" in message and LEADER in message
    assert git(team["health"], "status", "--porcelain") == ""
    no_markers(team["health"])


def test_take_mine_in_norwegian_keeps_your_value(team: dict[str, Path]) -> None:
    health, mine, theirs = _step_on_both_sides(team)
    done = health("sync", "--take", "min", "step", who=LEADER, now=at(10, 10))
    assert done.exit_code == 0, done.output
    assert "step — kept yours: 3" in done.output
    assert server_case(team)["step"] == 3
    assert sorted(_parents(team)) == sorted([mine, theirs])


def test_take_in_a_new_sync_finishes_the_conflict_it_meets(team: dict[str, Path]) -> None:
    case_id = str(team["case"])
    school, health = Bti(team["school"]), Bti(team["health"])
    school.ok("step", "set", case_id, "2", "--reason", "Tiltak i gang", who=HOLDER, now=at(9))
    health.ok("step", "set", case_id, "3", "--reason", "Mer hjelp", who=LEADER, now=at(9, 30))
    school.ok("sync", who=HOLDER, now=at(10))
    done = health("sync", "--take", "deres", "step", who=LEADER, now=at(10, 5))
    assert done.exit_code == 0, done.output
    assert server_case(team)["step"] == 2
    # With nothing in conflict, --take is not needed and sync says so.
    school.ok("log", "add", case_id, "Samtale", who=HOLDER, now=at(11))
    quiet = school("sync", "--take", "mine", "step", who=HOLDER, now=at(11, 5))
    assert quiet.exit_code == 0 and "--take was not needed" in quiet.output


def test_take_for_a_field_not_in_conflict_lists_the_fields_that_are(
    team: dict[str, Path],
) -> None:
    health, mine, _theirs = _step_on_both_sides(team)
    before = git(team["server"], "rev-parse", "main")
    wrong = health("sync", "--take", "theirs", "level", who=LEADER, now=at(10, 10))
    assert wrong.exit_code == 2, wrong.output
    assert "level is not in conflict; the fields in conflict are:\n  step" in wrong.output
    assert git(team["server"], "rev-parse", "main") == before
    git(team["health"], "rev-parse", "-q", "--verify", "MERGE_HEAD")  # still open
    assert "merge_conflict:" in case_file(team, "health").read_text()
    both = health("sync", "--take", "mine", "step", "--take", "theirs", "step", who=LEADER)
    assert both.exit_code == 2 and "both mine and theirs" in both.output
    bad_side = health("sync", "--take", "ours", "step", who=LEADER)
    assert bad_side.exit_code == 2 and "mine" in bad_side.output
    assert git(team["health"], "rev-parse", "HEAD").strip() == mine


def test_a_side_taken_that_breaks_a_rule_is_refused_like_any_change(
    team: dict[str, Path],
) -> None:
    case_id = str(team["case"])
    school, health = Bti(team["school"]), Bti(team["health"])
    school.ok("case", "close", case_id, "--reason", "Målene er nådd", who=HOLDER, now=at(9))
    school.ok("sync", who=HOLDER, now=at(9, 5))
    health.ok("log", "add", case_id, "Samtale med eleven", who=NURSE, now=at(9, 10))
    stopped = health("sync", who=NURSE, now=at(10))
    assert stopped.exit_code == 1 and "  status\n" not in stopped.output
    before = git(team["server"], "rev-parse", "main")
    # Keeping it open without a reason for reopening breaks a rule: refused, nothing sent.
    mine = health("sync", "--take", "mine", "status", who=NURSE, now=at(10, 5))
    assert mine.exit_code == 1, mine.output
    assert "the merge was not made" in mine.output and "BTI303" in mine.output, mine.output
    assert git(team["server"], "rev-parse", "main") == before
    git(team["health"], "rev-parse", "-q", "--verify", "MERGE_HEAD")  # still open
    # The server's side keeps it closed; the new entry stays in the history, not in the case.
    theirs = health("sync", "--take", "theirs", "status", who=NURSE, now=at(10, 10))
    assert theirs.exit_code == 0, theirs.output
    data = server_case(team)
    assert data["status"] == "closed" and "Samtale med eleven" not in log_texts(data)
    mine_head = git(team["server"], "rev-list", "--parents", "-n", "1", "main").split()[1:]
    old = git(team["server"], "show", f"{mine_head[0]}:cases/{case_id}.yaml")
    new = git(team["server"], "show", f"{mine_head[1]}:cases/{case_id}.yaml")
    assert "Samtale med eleven" in old + new


def test_a_stopped_sync_and_take_speak_nynorsk(
    team: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BTI_LANG", "nn")
    health, _mine, _theirs = _step_on_both_sides(team)
    stopped = health("sync", who=LEADER, now=at(10, 6))
    assert "konflikt som ikkje er løyst enno" in stopped.output, stopped.output
    assert "step vart endra på begge sider – din: 3; på tenaren: 2" in stopped.output
    assert "bti sync --take theirs FIELD" in stopped.output
    wrong = health("sync", "--take", "deira", "nivå", who=LEADER, now=at(10, 7))
    assert wrong.exit_code == 2
    assert "nivå er ikkje i konflikt; desse felta er i konflikt:\n  step" in wrong.output
    done = health("sync", "--take", "deira", "step", who=LEADER, now=at(10, 10))
    assert done.exit_code == 0, done.output
    assert "step – tok verdien frå tenaren: 2" in done.output
    assert "sende 2 endringar til tenaren" in done.output
    assert server_case(team)["step"] == 2


def test_sync_and_hooks_speak_bokmal_and_nynorsk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BTI_LANG", "nn")
    shown = Bti(tmp_path).ok("sync", "--help").output
    assert "Utveksle endringar med tenaren" in shown
    assert "--take mine|theirs FIELD" in shown and "(theirs; deres, deira)" in shown
    wrong = Bti(tmp_path)("hooks", "install", "--seal-key", "x")
    assert wrong.exit_code == 2 and "--seal-key gjeld ein tenar: legg til --server" in wrong.output
    monkeypatch.setenv("BTI_LANG", "nb")
    outside = Bti(tmp_path)("sync")
    assert outside.exit_code == 2, outside.output
    assert "denne mappen er ikke i et git-depot" in outside.output
    assert "hent et med 'bti clone URL'" in outside.output
    with isolated_environment(tmp_path / "home"):
        server = tmp_path / "server.git"
        git(tmp_path, "init", "-q", "--bare", "-b", "main", str(server))
        done = Bti(tmp_path).ok("hooks", "install", "--server", str(server))
        assert "installerte" in done.output and "laget serverens forseglingsnøkkel" in done.output
        cloned = Bti(tmp_path).ok("clone", str(server), "kopi")
        assert "klonet" in cloned.output and "installerte hookene" in cloned.output
        assert "merk: det finnes ingen bti.yaml ennå" in cloned.output
        nowhere = Bti(tmp_path)("clone", str(tmp_path / "nowhere.git"), "annen")
        assert nowhere.exit_code == 2 and "kunne ikke klone" in nowhere.output
        assert "det finnes ikke noe delt depot på den adressen" in nowhere.output
        assert "fatal" not in nowhere.output  # git's own words are not shown raw


def test_take_names_a_field_alone_or_with_its_case_id() -> None:
    from bti.merge import Conflict
    from bti.sync import _named

    conflict = Conflict(("measures", "m2", "responsible"), None, "a", "b")
    assert _named("measures.m2.responsible", "2026-7KQ3M", conflict)
    assert _named(" 2026-7kq3m : Measures.M2.Responsible", "2026-7KQ3M", conflict)
    assert not _named("2026-AAAAA:measures.m2.responsible", "2026-7KQ3M", conflict)
    assert not _named("measures.m2", "2026-7KQ3M", conflict)
