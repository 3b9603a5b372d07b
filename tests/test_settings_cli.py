"""`bti service list` and `bti team add | list | set`: bti.yaml without hand-editing."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import (
    HOLDER,
    LEADER,
    NURSE,
    Bti,
    git,
    level1_case,
    new_case,
    push,
    server_with_clone,
)


def test_service_list_counts_the_open_cases_involving_each(repo: Bti) -> None:
    level1_case(repo)  # skole owns it and takes part
    new_case(repo, service="helsestasjon", who=NURSE)
    closed = new_case(repo, who=HOLDER)
    repo.ok("case", "close", closed, "--reason", "Feilregistrert", who=HOLDER)
    rows = {r["id"]: r for r in json.loads(repo.ok("service", "list", "--format", "json").output)}
    assert rows["skole"]["open_cases"] == 1
    assert rows["helsestasjon"]["open_cases"] == 1
    assert isinstance(rows["skole"]["external"], bool)
    assert all(r["open_cases"] == 0 for k, r in rows.items() if k not in {"skole", "helsestasjon"})
    table = repo.ok("service", "list").output
    assert "open_cases" in table and "skole" in table


def test_team_add_list_and_set_each_make_one_commit(repo: Bti) -> None:
    out = repo.ok(
        "team",
        "add",
        "TOT Fjordvik",
        "--services",
        "skole,helsestasjon",
        "--member",
        LEADER,
        "--member",
        NURSE,
        "--rhythm",
        "første torsdag",
        "--place",
        "Rådhuset",
    ).output
    assert "team TOT Fjordvik added" in out and "[commit" in out
    assert git(repo.cwd, "log", "-1", "--format=%ae %s").strip() == (
        f"{LEADER} bti.yaml: team TOT Fjordvik added"
    )
    rows = json.loads(repo.ok("team", "list", "--format", "json").output)
    assert rows == [
        {
            "name": "TOT Fjordvik",
            "services": ["skole", "helsestasjon"],
            "members": [LEADER, NURSE],
            "rhythm": "første torsdag",
            "place": "Rådhuset",
        }
    ]
    repo.ok("team", "set", "tot fjordvik", "--member", HOLDER, "--place", "")
    rows = json.loads(repo.ok("team", "list", "--format", "json").output)
    assert rows[0]["members"] == [HOLDER] and rows[0]["place"] is None
    assert rows[0]["rhythm"] == "første torsdag"
    repo.ok("team", "set", "TOT Fjordvik", "--rename", "Ressursteam")
    assert "Ressursteam" in repo.ok("team", "list").output
    assert "place" not in (repo.cwd / "bti.yaml").read_text().split("teams:")[1]


def test_team_commands_check_their_input_and_are_for_leaders(repo: Bti) -> None:
    refused = repo("team", "add", "TOT", "--services", "skole", who=HOLDER)
    assert refused.exit_code == 1 and "only a leader" in refused.output
    assert "unknown service ppt-x" in repo("team", "add", "TOT", "--services", "ppt-x").output
    stranger = repo("team", "add", "TOT", "--services", "skole", "--member", "x@y.example")
    assert stranger.exit_code == 2 and "not in people.yaml" in stranger.output
    repo.ok("team", "add", "TOT", "--services", "skole")
    assert "already" in repo("team", "add", "tot", "--services", "skole").output
    missing = repo("team", "set", "Fagteam", "--place", "Skulen")
    assert missing.exit_code == 2 and "the teams are: TOT" in missing.output
    assert repo("team", "set", "TOT").exit_code == 2
    assert repo("team", "set", "TOT", "--place", "X", who=HOLDER).exit_code == 1


def test_a_team_reaches_the_server(tmp_path: Path) -> None:
    server, clone = server_with_clone(tmp_path)
    bti = Bti(clone)
    bti.ok("team", "add", "TOT", "--services", "skole,helsestasjon", "--member", NURSE)
    bti.ok("team", "set", "TOT", "--rhythm", "kvar fjerde veke")
    code, err = push(clone)
    assert code == 0, err
    assert "kvar fjerde veke" in git(server, "show", "main:bti.yaml")
