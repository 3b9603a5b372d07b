"""The command line through click's CliRunner, with real commits in temporary repositories."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
import yaml

from bti.cli import main
from tests.conftest import HOLDER, LEADER, NURSE, OUTSIDER, Bti, git, new_case


def _walk(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        found.append((prefix + name, command))
        if isinstance(command, click.Group):
            found.extend(_walk(command, prefix + name + " "))
    return found


def test_every_command_has_help() -> None:
    commands = _walk(main)
    assert len(commands) > 20
    for name, command in commands:
        assert command.help and len(command.help.strip()) > 10, f"'bti {name}' has no help text"
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"'bti {name}' option {param.opts} has no help"


def test_contract_command_names_exist() -> None:
    names = {name for name, _ in _walk(main)}
    for expected in [
        "init",
        "person add",
        "service define",
        "case new",
        "case list",
        "case show",
        "case close",
        "case reopen",
        "guardian add",
        "consent add",
        "consent withdraw",
        "service add",
        "service remove",
        "level set",
        "measure add",
        "measure evaluate",
        "log add",
        "handover offer",
        "handover accept",
        "handover decline",
        "validate",
        "rules",
        "schema export",
    ]:
        assert expected in names


def test_init_makes_the_layout_and_one_commit(tmp_path: Path) -> None:
    bti = Bti(tmp_path)
    result = bti.ok("init", "kommune", "--municipality", "Fjordvik kommune", "--lang", "nn")
    root = tmp_path / "kommune"
    for name in [
        "bti.yaml",
        "people.yaml",
        "cases",
        "templates",
        "schemas/case.schema.json",
        ".gitattributes",
    ]:
        assert (root / name).exists(), name
    assert (root / "bti.yaml").read_text().startswith("# yaml-language-server: $schema=")
    config = yaml.safe_load((root / "bti.yaml").read_text())
    assert config["language"] == "nn"
    ids = {s["id"] for s in config["services"]}
    assert {"barnehage", "skole", "helsestasjon", "ppt", "barnevern", "nav", "bup"} <= ids
    assert git(root, "log", "--format=%s").strip() == "bti: case repository created"
    assert "bti person add" in result.output
    again = bti("init", "kommune")
    assert again.exit_code == 1 and "exists already" in again.output


def test_init_inside_an_existing_git_repo_keeps_its_history(git_repo: Path) -> None:
    (git_repo / "notes.txt").write_text("kept\n")
    git(git_repo, "add", "notes.txt")
    git(git_repo, "commit", "-qm", "earlier work")
    Bti(git_repo).ok("init")
    log = git(git_repo, "log", "--format=%s").splitlines()
    assert log == ["bti: case repository created", "earlier work"]


NO_IDENTITY = {
    name: None
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL")
}


def test_init_without_a_git_identity_writes_nothing_and_says_what_to_run(tmp_path: Path) -> None:
    from click.testing import CliRunner

    (tmp_path / ".gitconfig").write_text("")  # the isolated HOME: no user.name, no user.email
    result = CliRunner().invoke(
        main, ["init", str(tmp_path / "kommune"), "--no-sealing"], env=NO_IDENTITY
    )
    assert result.exit_code == 2, result.output
    assert "git does not know who you are" in result.output
    assert "git config --global user.email" in result.output
    assert "git config --global user.name" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "kommune").exists()


def test_a_second_init_finishes_one_that_stopped_before_its_commit(tmp_path: Path) -> None:
    """An init that wrote its files but could not commit them (the old failure, or a crash) is
    finished by the next init: every file reaches git, the hand-edited bti.yaml is kept."""
    bti = Bti(tmp_path)
    bti.ok("init", "kommune", "--no-commit", "--municipality", "Fjordvik kommune")
    root = tmp_path / "kommune"
    (root / "bti.yaml").write_text((root / "bti.yaml").read_text() + "# ours\n")
    (root / "templates" / "team-agenda.nb.md.j2").unlink()
    result = bti.ok("init", "kommune")
    assert "finished" in result.output
    tracked = set(git(root, "ls-files").split())
    assert {"bti.yaml", "people.yaml", ".gitattributes", "schemas/case.schema.json"} <= tracked
    assert "templates/team-agenda.nb.md.j2" in tracked
    assert (root / "bti.yaml").read_text().endswith("# ours\n")
    assert git(root, "status", "--porcelain") == ""
    again = bti("init", "kommune")
    assert again.exit_code == 1 and "exists already" in again.output


def test_first_person_is_the_bootstrap_then_only_leaders(tmp_path: Path) -> None:
    bti = Bti(tmp_path)
    bti.ok("init")
    bti.ok(
        "person",
        "add",
        LEADER,
        "--name",
        "Kari Fjellstad",
        "--service",
        "skole",
        "--role",
        "leader,holder",
        who=OUTSIDER,
    )
    refused = bti("person", "add", HOLDER, "--name", "Ingrid", "--service", "skole", who=OUTSIDER)
    assert refused.exit_code == 1
    assert f"you ({OUTSIDER}) are not in people.yaml" in refused.output
    bti.ok("person", "add", HOLDER, "--name", "Ingrid Strandli", "--service", "skole")
    not_leader = bti(
        "person", "add", NURSE, "--name", "Nils", "--service", "helsestasjon", who=HOLDER
    )
    assert not_leader.exit_code == 1 and "only a leader" in not_leader.output
    bad_role = bti("person", "add", NURSE, "--name", "Nils", "--service", "skole", "--role", "boss")
    assert bad_role.exit_code == 2 and "unknown role boss" in bad_role.output
    bad_service = bti("person", "add", NURSE, "--name", "Nils", "--service", "sykehus")
    assert bad_service.exit_code == 2 and "unknown service 'sykehus'" in bad_service.output


def test_case_new_commits_as_the_acting_person_without_a_name(repo: Bti) -> None:
    case_id = new_case(repo, who=HOLDER, name="Ola Testesen")
    path = repo.cwd / "cases" / f"{case_id}.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../schemas/case.schema.json\n")
    data = yaml.safe_load(text)
    assert data["level"] == 0 and data["holder"] == HOLDER and data["concern"]["by"] == HOLDER
    assert data["services"] == ["skole"] and data["owner_service"] == "skole"
    subject, author = git(repo.cwd, "log", "-1", "--format=%s%n%ae").splitlines()
    assert subject == f"{case_id}: opened at level 0"
    assert author == HOLDER
    assert "Ola" not in git(repo.cwd, "log", "--format=%B")


def test_case_id_is_year_and_base32(repo: Bti) -> None:
    case_id = new_case(repo, name="Per Hansen")
    year, code = case_id.split("-")
    assert len(year) == 4 and len(code) == 5
    assert all(c in "0123456789ABCDEFGHJKMNPQRSTVWXYZ" for c in code)


def test_outsider_can_read_but_not_change(repo: Bti) -> None:
    case_id = new_case(repo)
    refused = repo("log", "add", case_id, "Hei", who=OUTSIDER)
    assert refused.exit_code == 1
    assert "not in people.yaml" in refused.output and "bti person add" in refused.output
    assert repo("case", "show", case_id, who=OUTSIDER).exit_code == 0
    refused_new = repo(
        "case", "new", "--service", "skole", "--name", "X Y", "--born", "2015-01-01", who=OUTSIDER
    )
    assert refused_new.exit_code == 1


def test_log_close_reopen_and_guardian(repo: Bti) -> None:
    case_id = new_case(repo)
    repo.ok("guardian", "add", case_id, "--name", "Mia Testesen", "--relation", "mor", who=HOLDER)
    repo.ok("log", "add", case_id, "Samtale med eleven.", "--kind", "voice", who=HOLDER)
    repo.ok("case", "close", case_id, "--reason", "Avklart på nivå 0.", who=HOLDER)
    closed_again = repo("case", "close", case_id, "--reason", "x", who=HOLDER)
    assert closed_again.exit_code == 2 and "already closed" in closed_again.output
    blocked = repo("log", "add", case_id, "Etter lukking", who=HOLDER)
    assert blocked.exit_code == 1 and "BTI303" in blocked.output
    repo.ok("case", "reopen", case_id, "--reason", "Ny bekymring.", who=HOLDER)
    data = yaml.safe_load((repo.cwd / "cases" / f"{case_id}.yaml").read_text())
    assert data["status"] == "open"
    assert data["guardians"] == [
        {"name": "Mia Testesen", "relation": "mor", "responsibility": True}
    ]
    assert [e["kind"] for e in data["log"]] == ["event", "event", "voice", "event", "event"]
    messages = git(repo.cwd, "log", "--format=%s").splitlines()[:5]
    assert messages == [
        f"{case_id}: reopened",
        f"{case_id}: closed",
        f"{case_id}: voice entry added",
        f"{case_id}: guardian added",
        f"{case_id}: opened at level 0",
    ]


def test_no_commit_only_writes(repo: Bti) -> None:
    case_id = new_case(repo)
    before = git(repo.cwd, "rev-parse", "HEAD")
    result = repo.ok("log", "add", case_id, "Bare skrevet.", "--no-commit", who=HOLDER)
    assert "not committed" in result.output
    assert git(repo.cwd, "rev-parse", "HEAD") == before
    assert "Bare skrevet." in (repo.cwd / "cases" / f"{case_id}.yaml").read_text()


def test_case_list_formats_and_filters(repo: Bti) -> None:
    first = new_case(repo, name="Ola Testesen")
    second = new_case(
        repo, who=NURSE, service="helsestasjon", name="Kari Testesen", born="2021-01-01"
    )
    table = repo.ok("case", "list").output
    assert first in table and second in table and "Testesen" not in table
    assert "Ola Testesen" in repo.ok("case", "list", "--names").output
    rows = json.loads(
        repo.ok("case", "list", "--format", "json", "--service", "helsestasjon").output
    )
    assert [r["id"] for r in rows] == [second]
    csv_out = repo.ok("case", "list", "--format", "csv").output.splitlines()
    assert csv_out[0].startswith("id,status,level")
    assert len(csv_out) == 3
    assert json.loads(repo.ok("case", "list", "--format", "json", "--level", "2").output) == []


def test_case_show_yaml_and_json(repo: Bti) -> None:
    case_id = new_case(repo)
    shown = repo.ok("case", "show", case_id.lower(), "--format", "yaml").output
    assert shown.startswith("# yaml-language-server")
    data = json.loads(repo.ok("case", "show", case_id, "--format", "json").output)
    assert data["id"] == case_id
    missing = repo("case", "show", "2026-ZZZZZ")
    assert missing.exit_code == 2 and "there is no case 2026-ZZZZZ" in missing.output
    bad = repo("case", "show", "Ola")
    assert bad.exit_code == 2 and "is not a case id" in bad.output


def test_not_a_repository_says_what_to_do(tmp_path: Path) -> None:
    result = Bti(tmp_path)("case", "list")
    assert result.exit_code == 2
    assert "not a bti case repository" in result.output and "bti init" in result.output


def test_bad_date_option_is_a_usage_error(repo: Bti) -> None:
    result = repo("case", "new", "--service", "skole", "--name", "A B", "--born", "2015-13-40")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_service_define_leader_only(repo: Bti) -> None:
    repo.ok("service", "define", "ungdomsklubb", "--name", "Ungdomsklubben")
    config = yaml.safe_load((repo.cwd / "bti.yaml").read_text())
    assert {"id": "ungdomsklubb", "name": "Ungdomsklubben", "external": False} in config["services"]
    refused = repo("service", "define", "x", "--name", "X", who=HOLDER)
    assert refused.exit_code == 1
    bad = repo("service", "define", "Bad Id", "--name", "X")
    assert bad.exit_code == 2


def test_rules_lists_every_family(repo: Bti) -> None:
    out = repo.ok("rules").output
    for code in ["BTI001", "BTI101", "BTI202", "BTI301", "BTI402", "BTI501"]:
        assert code in out
    rows = json.loads(repo.ok("rules", "--format", "json").output)
    assert all(r["severity"] in ("error", "warning") for r in rows)
    assert len({r["code"] for r in rows}) == len(rows)


@pytest.mark.parametrize("args", [["--help"], ["case", "--help"], ["validate", "--help"]])
def test_help_exits_zero(args: list[str], tmp_path: Path) -> None:
    assert Bti(tmp_path).ok(*args).output


def test_recording_an_expired_consent_warns(repo: Bti) -> None:
    case_id = new_case(repo, who=HOLDER)
    repo.ok("guardian", "add", case_id, "--name", "Mia Lund", "--relation", "mor", who=HOLDER)
    consent = ("consent", "add", case_id, "--given-by", "Mia Lund", "--services", "skole")
    result = repo.ok(
        *consent,
        *("--purpose", "Samarbeid", "--given", "2025-09-01", "--expires", "2026-06-30"),
        who=HOLDER,
    )
    assert "consent c1 recorded" in result.output
    assert "consent c1 expired on 2026-06-30" in result.output
    assert "ask for a new consent" in result.output
    fresh = repo.ok(*consent, "--purpose", "Samarbeid", "--expires", "2027-06-30", who=HOLDER)
    assert "expired" not in fresh.output


def test_unknown_people_services_and_cases_are_named_with_the_closest(repo: Bti) -> None:
    case_id = new_case(repo, who=HOLDER)
    out = repo("case", "list", "--holder", "nils")
    assert out.exit_code == 2
    assert "no person 'nils' in people.yaml" in out.output and NURSE in out.output
    out = repo("case", "list", "--service", "PPPT")
    assert out.exit_code == 2 and "no service 'PPPT'" in out.output and "'ppt'" in out.output
    # A service id is a service id whatever its case.
    assert case_id in repo.ok("case", "list", "--service", "SKOLE").output
    out = repo("due", "--holder", "ingrid", "--all")
    assert out.exit_code == 2
    out = repo("due", "--holder", "ingrid")
    assert out.exit_code == 2 and HOLDER in out.output
    wrong = case_id[:-1] + ("A" if case_id[-1] != "A" else "B")
    out = repo("case", "show", wrong)
    assert out.exit_code == 2 and f"did you mean {case_id}" in out.output


def test_case_new_with_an_unknown_service_says_so_once(repo: Bti) -> None:
    args = ("case", "new", "--name", "Ola N", "--born", "2015-01-01", "--concern", "Trist")
    out = repo(*args, "--service", "skolen", who=HOLDER)
    assert out.exit_code == 2
    assert out.output.count("skolen") == 1 and "cases/" not in out.output
    assert "did you mean 'skole'" in out.output
    out = repo(*args, "--service", "PPT", who=NURSE)  # a known id in capitals: no crash
    assert "internal error" not in out.output


def test_a_mistyped_guardian_gets_the_closest_name(repo: Bti) -> None:
    case_id = new_case(repo, who=HOLDER)
    repo.ok("guardian", "add", case_id, "--name", "Mia Lund", "--relation", "mor", who=HOLDER)
    out = repo(
        *("consent", "add", case_id, "--given-by", "Mia Lunde", "--services", "skole"),
        *("--purpose", "Samarbeid"),
        who=HOLDER,
    )
    assert out.exit_code != 0 and "did you mean 'Mia Lund'" in out.output


def test_validation_messages_are_in_words(repo: Bti) -> None:
    out = repo("person", "add", "ola@x", "--name", "Ola", "--service", "skole", "--role", "holder")
    assert out.exit_code == 2
    assert "an email address, like" in out.output and "pattern" not in out.output
    case_id = new_case(repo, who=HOLDER)
    repo.ok("guardian", "add", case_id, "--name", "Mia Lund", "--relation", "mor", who=HOLDER)
    out = repo("handover", "offer", case_id, "--to", "nils@helse", who=HOLDER)
    assert out.exit_code != 0 and "pattern" not in out.output and "^" not in out.output


def test_case_list_fits_100_columns_and_names_the_holder(repo: Bti) -> None:
    from tests.conftest import new_case

    case_id = new_case(repo)
    table = repo.ok("case", "list").output
    assert all(len(line) <= 100 for line in table.splitlines()), table
    row = next(line for line in table.splitlines() if case_id in line)
    assert "Ingrid Strandli" in row and "@" not in row
    rows = json.loads(repo.ok("case", "list", "--format", "json").output)
    assert next(r for r in rows if r["id"] == case_id)["holder"] == HOLDER


def test_a_reader_that_goes_away_is_not_an_internal_error(tmp_path: Path) -> None:
    """`bti rules | head -1`: when the reader closes the pipe, bti stops quietly (exit 141, as
    git does), with no 'internal error' and no traceback."""
    import os
    import subprocess
    import sys

    read, write = os.pipe()
    os.close(read)  # nobody will read what bti prints
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bti", "rules"],
            cwd=tmp_path,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "BTI_DEBUG": ""},
        )
    finally:
        os.close(write)
    assert result.returncode == 141
    assert result.stderr == ""
