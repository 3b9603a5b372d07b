"""`bti service list` and `bti team add | list | set`: bti.yaml without hand-editing."""

from __future__ import annotations

import json

from tests.conftest import HOLDER, NURSE, Bti, level1_case, new_case


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
