"""`bti case show`: a readable summary by default; the file as `--format yaml`, data as json."""

from __future__ import annotations

import json

from tests.conftest import HOLDER, NURSE, Bti, level1_case


def test_case_show_summarises_the_case_in_words(repo: Bti) -> None:
    case_id = level1_case(repo)
    repo.ok(
        "measure",
        "add",
        case_id,
        "Leksehjelp to dager i uka",
        "--responsible",
        HOLDER,
        "--service",
        "skole",
        "--evaluate-by",
        "2026-12-15",
        who=HOLDER,
    )
    repo.ok("service", "add", case_id, "helsestasjon", who=HOLDER)
    repo.ok("handover", "offer", case_id, "--to", NURSE, who=HOLDER)
    shown = repo.ok("case", "show", case_id).output
    assert f"case {case_id} · open" in shown
    assert "subject:   Ola Testesen" in shown and "born 2015-03-02" in shown
    assert "level:     1 — " in shown and "step:      1 — " in shown
    assert f"holder:    Ingrid Strandli <{HOLDER}>" in shown
    assert "offered:   to Nils Bakkevik" in shown
    assert "Mia Lund (mor)" in shown
    assert "c1  skole, helsestasjon — valid, no end date (given by Mia Lund)" in shown
    assert "m1  Leksehjelp to dager i uka" in shown and "evaluate by 2026-12-15" in shown
    assert "last log entries (of " in shown and f"bti audit log {case_id}" in shown
    assert "Ingrid Strandli: " in shown
    assert not shown.startswith("# yaml-language-server")
    assert repo.ok("case", "show", case_id, "--format", "yaml").output.startswith(
        "# yaml-language-server"
    )
    assert json.loads(repo.ok("case", "show", case_id, "--format", "json").output)["id"] == case_id
