"""Reading sealed cases (issue 12): every command that shows what a case says opens it in memory
for its readers and refuses everyone else in one line; lists, `due`, the team agenda and `report`
work from what the person may read; nothing plain reaches the disk (the caches in .git/bti).

The repositories are real: a bare server with its pre-receive hook and its own sealing key, and a
sealed clone where each person runs bti with their own ssh key."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from bti import sealing
from bti.namecache import names_of
from tests.conftest import (
    HOLDER,
    LEADER,
    NURSE,
    Bti,
    git,
    git_env,
    isolated_environment,
    key_file,
    new_case,
    push,
    server_with_clone,
)

CHILD, GUARDIAN, NURSES_CHILD = "Ola Testesen", "Mia Lund", "Per Hansen"
ENTRY = "Gruer seg til friminuttet"
TEAM = "TOT Fjordvik"
TEAM_YAML = f"""teams:
  - name: {TEAM}
    services: [skole, helsestasjon]
    members: [{LEADER}, {NURSE}]
"""
# Nothing a person sees may be a stand-in or ciphertext.
NEVER_SHOWN = (sealing.STAND_IN, sealing.MARK, sealing.STAND_IN_DATE.isoformat())


@dataclass
class World:
    server: Path
    clone: Path
    school: str  # held by HOLDER in skole: LEADER and HOLDER read it, NURSE does not
    health: str  # held by NURSE in helsestasjon: only NURSE (and the server) read it

    @property
    def bti(self) -> Bti:
        return Bti(self.clone)


def _make_world(base: Path) -> World:
    server, clone = server_with_clone(base, sealed=True)
    config = clone / "bti.yaml"
    text = config.read_text("utf-8").replace("teams: []\n", "")
    config.write_text(text + TEAM_YAML, "utf-8")
    git(clone, "commit", "-q", "-am", "bti.yaml: team", env=git_env(LEADER))
    bti = Bti(clone)
    school = new_case(bti, who=HOLDER, name=CHILD)
    bti.ok("guardian", "add", school, "--name", GUARDIAN, "--relation", "mor", who=HOLDER)
    bti.ok("log", "add", school, ENTRY, "--kind", "voice", who=HOLDER)
    health = new_case(bti, who=NURSE, service="helsestasjon", name=NURSES_CHILD)
    code, err = push(clone)
    assert code == 0, err
    return World(server, clone, school, health)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """Made once: two sealed cases, one per service, pushed. Tests only read it."""
    base = tmp_path_factory.mktemp("sealed-world")
    with isolated_environment(tmp_path_factory.mktemp("sealed-home")):
        return _make_world(base)


def _clean(output: str) -> None:
    for text in NEVER_SHOWN:
        assert text not in output, output
    assert "Traceback" not in output


def test_case_show_opens_a_sealed_case_in_memory_for_its_reader(world: World) -> None:
    on_disk = (world.clone / "cases" / f"{world.school}.yaml").read_text("utf-8")
    assert CHILD not in on_disk and sealing.MARK in on_disk
    shown = world.bti.ok("case", "show", world.school, "--format", "yaml", who=HOLDER).output
    assert f"name: {CHILD}" in shown and GUARDIAN in shown and ENTRY in shown
    assert "sealed:" not in shown and "# sealed for" in shown and HOLDER in shown
    _clean(shown)
    data = json.loads(world.bti.ok("case", "show", world.school, "--format", "json").output)
    assert data["subject"]["name"] == CHILD and "sealed" not in data


def test_story_and_agenda_show_plain_values_to_a_reader(world: World) -> None:
    story = world.bti.ok("audit", "log", world.school, "--lang", "en", who=HOLDER).output
    assert "guardian recorded (mor)" in story and "the child's voice recorded" in story
    _clean(story)
    agenda = world.bti.ok(
        "meeting", "agenda", world.school, "--kind", "coordination", who=HOLDER
    ).output
    assert CHILD in agenda and GUARDIAN in agenda
    _clean(agenda)


@pytest.mark.parametrize(
    "args",
    [
        ("case", "show", "{id}"),
        ("case", "show", "{id}", "--format", "json"),
        ("audit", "log", "{id}"),
        ("meeting", "agenda", "{id}", "--kind", "coordination"),
        ("meeting", "minutes", "{id}", "--kind", "evaluation"),
        ("log", "add", "{id}", "Hei", "--no-commit"),
    ],
)
def test_someone_who_may_not_read_a_case_is_refused_in_one_line(
    world: World, args: tuple[str, ...]
) -> None:
    result = world.bti(*(a.format(id=world.school) for a in args), who=NURSE)
    assert result.exit_code == 1, result.output
    first, *rest = result.output.strip().splitlines()
    assert "not readable" in first and world.school in first
    assert len(rest) <= 1 and all(line.lstrip().startswith("→") for line in rest)
    assert CHILD not in result.output and GUARDIAN not in result.output
    _clean(result.output)


def test_case_list_shows_only_readable_cases_and_says_how_many_are_left_out(world: World) -> None:
    result = world.bti.ok("case", "list", "--names", who=NURSE)
    assert world.health in result.stdout and NURSES_CHILD in result.stdout
    assert world.school not in result.stdout and CHILD not in result.stdout
    assert "1 case sealed for others is not shown" in result.stderr
    _clean(result.output)
    mine = world.bti.ok("case", "list", "--names", who=HOLDER)
    assert world.school in mine.stdout and world.health not in mine.stdout
    assert "1 case sealed for others" in mine.stderr


def test_due_and_the_team_agenda_work_from_what_the_person_may_read(world: World) -> None:
    due = world.bti.ok("due", "--all", "--days", "400", "--lang", "en", who=NURSE)
    assert world.health in due.stdout and world.school not in due.stdout
    assert "1 case sealed for others is not shown" in due.stderr
    _clean(due.output)
    agenda = world.bti.ok("meeting", "agenda", "--team", TEAM, who=NURSE)
    assert "1 case sealed for others is not shown" in agenda.stderr
    _clean(agenda.output)
    assert CHILD not in agenda.output


def test_report_counts_every_case_from_its_structure_alone(world: World) -> None:
    period = ("--from", "2026-08-01", "--to", "2027-07-31", "--format", "json")
    nurse = world.bti.ok("report", *period, who=NURSE)
    leader = world.bti.ok("report", *period, who=LEADER)
    assert json.loads(nurse.stdout) == json.loads(leader.stdout)
    opened = [r for r in json.loads(nurse.stdout) if r["measure"] == "cases opened"]
    assert opened == [
        {
            "measure": "cases opened",
            "group": "all",
            "value": None,
            "unit": "",
            "note": "fewer than 5",
        }
    ]
    assert "1 sealed case you cannot read is counted" in nurse.stderr
    _clean(nurse.output + leader.output)


def test_validate_says_in_one_line_what_it_could_not_read(world: World) -> None:
    result = world.bti.ok("validate", "--no-cache", who=NURSE)
    assert "1 sealed case is not readable here: its sealing was checked" in result.stderr
    data = json.loads(world.bti.ok("validate", "--format", "json", who=NURSE).stdout)
    assert data["not_readable"] == 1 and data["errors"] == 0
    assert "not readable here" not in world.bti.ok("validate", who=NURSE).stdout


def test_no_command_shows_a_stand_in_or_ciphertext(world: World) -> None:
    commands = [
        ("case", "list", "--status", "all", "--names"),
        ("due", "--all", "--days", "400"),
        ("report",),
        ("validate",),
        ("audit", "verify"),
        ("meeting", "agenda", "--team", TEAM),
        ("meeting", "minutes", "--team", TEAM),
    ]
    for who in (LEADER, HOLDER, NURSE):
        for args in commands:
            result = world.bti(*args, who=who)
            assert result.exit_code == 0, (who, args, result.output)
            _clean(result.output)


def _cache_bytes(clone: Path) -> dict[str, bytes]:
    folder = clone / ".git" / "bti"
    return {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_caches_hold_no_name_in_plain_text(world: World) -> None:
    for who in (HOLDER, NURSE):
        world.bti.ok("validate", who=who)
        world.bti.ok("audit", "verify", who=who)
    git(world.clone, "commit", "-q", "--allow-empty", "-m", "ingen navn", env=git_env(HOLDER))
    git(world.clone, "reset", "-q", "--hard", "HEAD~1")
    found = _cache_bytes(world.clone)
    assert any(name.startswith("validate-cache") for name in found)
    assert any(name.startswith("names") for name in found)
    assert any(name.startswith("tips-") for name in found)
    for name, data in found.items():
        for word in (CHILD, GUARDIAN, NURSES_CHILD, ENTRY, "Testesen", "Hansen"):
            assert word.encode() not in data, (name, word)
    sealed = [n for n, d in found.items() if d.startswith(sealing.AGE_HEADER)]
    assert "validate-cache.json" in sealed and "names.json" in sealed


def test_a_sealed_file_gives_its_names_only_to_a_key_that_opens_it(world: World) -> None:
    data = (world.clone / "cases" / f"{world.school}.yaml").read_bytes()
    try:
        sealing.use(sealing.Keyring())
        assert names_of(data) == []
        ring = sealing.Keyring()
        ring.add(*sealing.load_identity(key_file(HOLDER)))
        sealing.use(ring)
        assert names_of(data) == [CHILD, GUARDIAN]
    finally:
        sealing.use(None)


def test_a_sealed_childs_name_in_a_message_is_refused_by_a_reader_and_by_the_server(
    tmp_path: Path,
) -> None:
    with isolated_environment(tmp_path / "home"):
        world = _make_world(tmp_path)
        message = f"Møte om {CHILD} på fredag"
        refused = git(
            world.clone,
            *("commit", "--allow-empty", "-m", message),
            env=git_env(HOLDER),
            check=False,
        )
        assert "Testesen" not in refused
        assert git(world.clone, "log", "-1", "--format=%s") != message + "\n"
        # The nurse's key does not open the case: her machine cannot know the name, the server
        # (which holds its key) refuses it. Neither ever treats the ciphertext as a name.
        git(
            world.clone,
            *("commit", "-q", "--allow-empty", "-m", message),
            env={**git_env(NURSE), "BTI_KEY_FILE": str(key_file(NURSE))},
        )
        code, err = push(world.clone, who=NURSE)
        assert code != 0 and "name" in err.lower(), err
        assert sealing.MARK not in err


def test_due_says_who_cannot_read_a_case_yet(tmp_path: Path) -> None:
    with isolated_environment(tmp_path / "home"):
        server, clone = server_with_clone(tmp_path, sealed=True)
        bti = Bti(clone)
        case_id = new_case(bti, who=HOLDER, name=CHILD)
        newcomer = "siri.lerer@fjordvik.example"
        bti.ok(
            "person",
            "add",
            newcomer,
            "--name",
            "Siri Nes",
            "--service",
            "skole",
            "--role",
            "holder",
        )
        people = clone / "people.yaml"
        people.write_text(
            people.read_text("utf-8")
            + "  - email: tor.lerer@fjordvik.example\n    name: Tor Vik\n    service: skole\n"
            "    roles: [holder]\n",
            "utf-8",
        )
        git(clone, "commit", "-q", "-am", "people: Tor", env=git_env(LEADER))
        due = bti.ok("due", "--lang", "en", who=HOLDER)
        assert f"Not yet readable by {newcomer}" in due.stdout and case_id in due.stdout
        assert "tor.lerer@fjordvik.example may read it but has no key" in due.stdout
        _clean(due.output)
        # Whoever can read the case can fix it, and sees the item too; the newcomer cannot.
        assert "Not yet readable" in bti.ok("due", "--all", who=LEADER).stdout
        assert case_id not in bti.ok("due", "--all", who=newcomer).stdout
        # Any change made with bti seals it for them.
        bti.ok("log", "add", case_id, "Samtale med mor", who=HOLDER)
        assert "Not yet readable" not in bti.ok("due", "--lang", "en", who=HOLDER).stdout
        assert CHILD in bti.ok("case", "show", case_id, who=newcomer).stdout
        assert os.path.exists(server)


def test_a_story_tells_versions_sealed_before_a_reader_joined_from_their_structure(
    tmp_path: Path,
) -> None:
    from tests.conftest import level1_case

    with isolated_environment(tmp_path / "home"):
        _, clone = server_with_clone(tmp_path, sealed=True)
        bti = Bti(clone)
        case_id = level1_case(bti, guardian=(GUARDIAN, "mor"), name=CHILD)
        bti.ok("service", "add", case_id, "helsestasjon", who=HOLDER)
        story = bti.ok("audit", "log", case_id, "--lang", "en", who=NURSE).stdout
        assert "level 0 → 1" in story and "guardian recorded (not readable here)" in story
        assert "consent c1 given by not readable here" in story
        _clean(story)
        assert CHILD in bti.ok("case", "show", case_id, who=NURSE).stdout
