"""`bti person list | set | remove`: the staff directory without hand-editing people.yaml."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import HOLDER, LEADER, NURSE, Bti, git, level1_case, push, server_with_clone


def _head(bti: Bti) -> str:
    return git(bti.cwd, "log", "-1", "--format=%ae %s")


def test_person_list_shows_everyone_with_roles_and_keys(repo: Bti) -> None:
    table = repo.ok("person", "list").output
    assert "Kari Fjellstad" in table and "leader, holder" in table and "yes" in table
    rows = json.loads(repo.ok("person", "list", "--format", "json").output)
    assert {r["email"] for r in rows} == {LEADER, HOLDER, NURSE}
    assert all(r["key"] is True for r in rows)
    only = json.loads(
        repo.ok("person", "list", "--service", "helsestasjon", "--format", "json").output
    )
    assert [r["email"] for r in only] == [NURSE]
    csv = repo.ok("person", "list", "--format", "csv").output
    assert csv.splitlines()[0] == "name,email,service,roles,key"


def test_person_list_of_an_unknown_service_says_so(repo: Bti) -> None:
    result = repo("person", "list", "--service", "ppt-x")
    assert result.exit_code == 2 and "unknown service 'ppt-x'" in result.output


def test_person_set_changes_name_service_and_roles_in_one_commit(repo: Bti) -> None:
    before = git(repo.cwd, "rev-parse", "HEAD")
    out = repo.ok(
        "person",
        "set",
        HOLDER,
        "--name",
        "Ingrid S. Lie",
        "--service",
        "helsestasjon",
        "--role",
        "holder,coordinator",
    ).output
    assert "person updated" in out and "[commit" in out
    assert git(repo.cwd, "rev-parse", "HEAD~1").strip() == before.strip()
    assert _head(repo).startswith(f"{LEADER} people.yaml: person updated")
    row = next(
        r
        for r in json.loads(repo.ok("person", "list", "--format", "json").output)
        if r["email"] == HOLDER
    )
    assert row["name"] == "Ingrid S. Lie" and row["service"] == "helsestasjon"
    assert row["roles"] == ["holder", "coordinator"]
    assert row["key"] is True  # the key stays


def test_person_set_is_for_leaders_and_checks_its_input(repo: Bti) -> None:
    refused = repo("person", "set", NURSE, "--name", "Nils B", who=HOLDER)
    assert refused.exit_code == 1 and "only a leader" in refused.output
    assert repo("person", "set", NURSE).exit_code == 2  # nothing to change
    assert "unknown role" in repo("person", "set", NURSE, "--role", "boss").output
    assert "unknown service" in repo("person", "set", NURSE, "--service", "nav-x").output
    missing = repo("person", "set", "nobody@fjordvik.example", "--name", "X")
    assert missing.exit_code == 2 and "not in people.yaml" in missing.output
    same = repo.ok("person", "set", NURSE, "--name", "Nils Bakkevik")
    assert "nothing changed" in same.output


def test_person_remove_refuses_the_last_leader(repo: Bti) -> None:
    result = repo("person", "remove", LEADER, "--reason", "Sluttar")
    assert result.exit_code == 1 and "last leader" in result.output
    assert "--role leader" in result.output


def test_person_remove_refuses_a_holder_and_an_offered_person_naming_the_cases(
    repo: Bti,
) -> None:
    case_id = level1_case(repo)
    held = repo("person", "remove", HOLDER, "--reason", "Sluttar")
    assert held.exit_code == 1 and f"holds open case(s) {case_id}" in held.output
    assert "handover offer" in held.output
    repo.ok("service", "add", case_id, "helsestasjon", who=HOLDER)
    repo.ok("handover", "offer", case_id, "--to", NURSE, who=HOLDER)
    offered = repo("person", "remove", NURSE, "--reason", "Permisjon")
    assert offered.exit_code == 1 and f"offered the baton in {case_id}" in offered.output
    assert NURSE in repo.ok("person", "list").output


def test_person_remove_only_by_a_leader(repo: Bti) -> None:
    result = repo("person", "remove", NURSE, "--reason", "Sluttar", who=HOLDER)
    assert result.exit_code == 1 and "only a leader" in result.output


def test_person_set_and_remove_reach_the_server(tmp_path: Path) -> None:
    server, clone = server_with_clone(tmp_path)
    bti = Bti(clone)
    bti.ok("person", "set", NURSE, "--role", "holder,reviewer")
    out = bti.ok("person", "remove", HOLDER, "--reason", "Sluttar i kommunen").output
    assert "person removed (Sluttar i kommunen)" in out
    assert _head(bti).startswith(f"{LEADER} people.yaml: person removed")
    code, err = push(clone)
    assert code == 0, err
    on_server = git(server, "show", "main:people.yaml")
    assert HOLDER not in on_server and "reviewer" in on_server
