"""Who a case meeting invites: every involved service and the guardians with the contact details
the case holds (seeds 001, 003), through the real commands; a sealed case keeps the contact details
sealed in the file and pushes to a real server."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import (
    HOLDER,
    Bti,
    isolated_environment,
    level1_case,
    new_case,
    push,
    server_with_clone,
)

NOW = "2026-11-20T10:00:00+01:00"


def _level2(repo: Bti) -> str:
    case_id = level1_case(repo)
    repo.ok("service", "add", case_id, "helsestasjon", who=HOLDER)
    repo.ok("level", "set", case_id, "2", "--reason", "Samarbeid", who=HOLDER)
    return case_id


def test_agenda_invites_every_involved_service(repo: Bti) -> None:
    case_id = _level2(repo)
    # Nobody of the health service has a measure: the service is still invited, and chooses whom
    # it sends.
    out = repo.ok(
        *("meeting", "agenda", case_id, "--kind", "coordination", "--date", "2026-12-01"),
        *("--lang", "en"),
    ).output
    invited = out.split("## Invited")[1].split("## Agenda")[0]
    assert "Ingrid Strandli" in invited
    line = "- Helsestasjon og skolehelsetjeneste – the service decides who attends"
    assert line in invited
    nb = repo.ok("meeting", "agenda", case_id, "--kind", "coordination", "--lang", "nb").output
    assert "– tjenesten avgjør hvem som møter" in nb
    nn = repo.ok("meeting", "agenda", case_id, "--kind", "coordination", "--lang", "nn").output
    assert "– tenesta avgjer kven som møter" in nn


def test_minutes_list_the_services_and_the_time(repo: Bti) -> None:
    case_id = _level2(repo)
    out = repo.ok(
        *("meeting", "minutes", case_id, "--kind", "evaluation", "--date", "2026-12-01"),
        *("--time", "13:30", "--lang", "nn"),
    ).output
    assert "| Tid | kl. 13.30 |" in out
    assert "- [ ] Helsestasjon og skolehelsetjeneste, møtte for tenesta: …" in out


def test_guardian_contact_details_reach_the_agenda(repo: Bti) -> None:
    case_id = new_case(repo)
    repo.ok(
        *("guardian", "add", case_id, "--name", "Ali Haddad", "--relation", "far"),
        *("--phone", " +47  400 00 000 ", "--email", "Ali.Haddad@Epost.example"),
        who=HOLDER,
    )
    repo.ok("guardian", "add", case_id, "--name", "Siri Haddad", "--relation", "mor", who=HOLDER)
    text = (repo.cwd / "cases" / f"{case_id}.yaml").read_text("utf-8")
    assert "phone: +47 400 00 000" in text and "email: ali.haddad@epost.example" in text
    out = repo.ok("meeting", "agenda", case_id, "--kind", "coordination", "--lang", "nb").output
    assert "- Ali Haddad (far) – +47 400 00 000, ali.haddad@epost.example" in out
    assert "- Siri Haddad (mor) – ingen telefon eller e-post i stafettloggen" in out


def test_bad_contact_details_are_refused_plainly(repo: Bti) -> None:
    case_id = new_case(repo)
    for option, value, said in (
        ("--phone", "ring meg", "is not a phone number"),
        ("--email", "ali.haddad", "is not an email address"),
    ):
        result = repo(
            *("guardian", "add", case_id, "--name", "Ali Haddad", "--relation", "far"),
            option,
            value,
            who=HOLDER,
        )
        assert result.exit_code in (1, 2) and said in result.output, result.output
        assert "Traceback" not in result.output
    assert "Ali Haddad" not in (repo.cwd / "cases" / f"{case_id}.yaml").read_text("utf-8")


def test_sealed_case_keeps_the_contact_details_sealed(tmp_path: Path) -> None:
    with isolated_environment(tmp_path / "home"):
        _server, clone = server_with_clone(tmp_path, sealed=True)
        bti = Bti(clone)
        case_id = new_case(bti)
        bti.ok(
            *("guardian", "add", case_id, "--name", "Ali Haddad", "--relation", "far"),
            *("--phone", "+47 400 00 000", "--email", "ali.haddad@epost.example"),
            who=HOLDER,
        )
        text = (clone / "cases" / f"{case_id}.yaml").read_text("utf-8")
        assert "400 00 000" not in text and "ali.haddad@" not in text
        assert "phone: ENC:" in text and "email: ENC:" in text
        code, err = push(clone, who=HOLDER)
        assert code == 0, err
        out = bti.ok("meeting", "agenda", case_id, "--kind", "coordination", "--lang", "en")
        assert "- Ali Haddad (far) – +47 400 00 000, ali.haddad@epost.example" in out.output
