"""A case's story told in nynorsk and bokmål: the commands of cases, people, services, teams and
the collaboration around a case say what they did, what they refuse and their help in the
person's language (BTI_LANG), while the files and the JSON keep the stored English values."""

from __future__ import annotations

import json

import pytest

from tests.conftest import HOLDER, NURSE, OUTSIDER, Bti, new_case

PPT = "per.ppt@fjordvik.example"


def _done(output: str) -> str:
    """What a command's first line says it did: 'ID: what  [commit …]' without the id."""
    return output.splitlines()[0].partition(": ")[2].partition("  [")[0]


def _story(repo: Bti) -> str:
    """A case from its opening to a handover accepted by the nurse, with a note in the log."""
    repo.ok("person", "add", PPT, "--name", "Per Rådgiver", "--service", "ppt", "--role", "holder")
    case_id = new_case(repo)
    repo.ok("guardian", "add", case_id, "--name", "Mia Lund", "--relation", "mor", who=HOLDER)
    return case_id


def test_a_case_story_in_nynorsk(repo: Bti, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BTI_LANG", "nn")
    repo.ok("person", "add", PPT, "--name", "Per Rådgiver", "--service", "ppt", "--role", "holder")
    opened = repo.ok(
        "case",
        "new",
        "--service",
        "skole",
        "--name",
        "Ola Testesen",
        "--born",
        "2015-03-02",
        "--concern",
        "Verkar trist.",
        who=HOLDER,
    )
    assert _done(opened.output) == "oppretta på nivå 0"
    case_id = opened.output.strip().splitlines()[-1]
    said = repo.ok(
        "guardian", "add", case_id, "--name", "Mia Lund", "--relation", "mor", who=HOLDER
    )
    assert _done(said.output) == "føresett registrert"
    consent = repo.ok(
        "consent",
        "add",
        case_id,
        "--given-by",
        "Mia Lund",
        "--services",
        "skole,helsestasjon",
        "--purpose",
        "Samarbeid",
        who=HOLDER,
    )
    assert _done(consent.output) == "samtykke c1 registrert (skole, helsestasjon)"
    level = repo.ok("level", "set", case_id, "1", "--reason", "Tiltak i skulen", who=HOLDER)
    assert _done(level.output) == "nivå 0 → 1"
    added = repo.ok("service", "add", case_id, "helsestasjon", who=HOLDER)
    assert _done(added.output) == "tenesta helsestasjon lagd til"
    offer = repo.ok("handover", "offer", case_id, "--to", NURSE, who=HOLDER)
    assert _done(offer.output) == "stafettoverføring h1 tilboden"
    shown = repo.ok("case", "show", case_id).output
    assert "tilboden:      til Nils Bakkevik" in shown
    accept = repo.ok("handover", "accept", case_id, who=NURSE)
    assert _done(accept.output) == "stafettoverføring h1 godteken"
    note = repo.ok("log", "add", case_id, "Samtale med mor.", who=NURSE)
    assert _done(note.output) == "logginnslag lagt til"
    voice = repo.ok("log", "add", case_id, "Eg likar friminutta.", "--kind", "stemme", who=NURSE)
    assert _done(voice.output) == "barnet si stemme lagd til i loggen"

    shown = repo.ok("case", "show", case_id).output
    assert f"sak {case_id} · " in shown and "oppretta 2026-11-20" in shown
    assert "gjeld:         Ola Testesen, " in shown and "fødd 2015-03-02" in shown
    assert "nivå:          1 — innsats i éi teneste" in shown
    assert f"stafetthaldar: Nils Bakkevik <{NURSE}>" in shown
    assert "eigarteneste:  Skole og SFO (skole)" in shown
    assert "føresette:\n  Mia Lund (mor)" in shown
    assert "c1  skole, helsestasjon — gyldig, utan sluttdato (gitt av Mia Lund)" in shown
    assert "opne tiltak: ingen" in shown
    assert f"siste logginnslag (av 9; 'bti audit log {case_id}' viser heile historia):" in shown

    table = repo.ok("case", "list").output
    header = table.splitlines()[0]
    assert "stafetthaldar" in header and "siste innslag" in header and "eigar" in header
    assert all(len(line) <= 100 for line in table.splitlines()), table
    rows = json.loads(repo.ok("case", "list", "--format", "json").output)
    assert next(r for r in rows if r["id"] == case_id)["status"] == "open"  # stored, for machines

    due = repo.ok("due", "--all", "--days", "60", "--lang", "nn").output
    assert due.splitlines()[0].split() == ["frist", "sak", "når", "kva"]
    assert "Brot i oppfølginga" in due or "Samtykke" in due or "Tiltak" in due

    services = repo.ok("service", "list").output
    assert "opne saker" in services.splitlines()[0] and "ekstern" in services
    assert "nei" in services


def test_a_case_story_in_bokmal(repo: Bti, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BTI_LANG", "nb")
    case_id = _story(repo)
    consent = repo.ok(
        "consent",
        "add",
        case_id,
        "--given-by",
        "Mia Lund",
        "--services",
        "skole,ppt",
        "--purpose",
        "Samarbeid",
        who=HOLDER,
    )
    assert _done(consent.output) == "samtykke c1 registrert (skole, ppt)"
    repo.ok("level", "set", case_id, "1", "--reason", "Tiltak i skolen", who=HOLDER)
    added = repo.ok("service", "add", case_id, "ppt", who=HOLDER)
    assert _done(added.output) == "tjenesten ppt lagt til"
    offer = repo.ok("handover", "offer", case_id, "--to", PPT, who=HOLDER)
    assert _done(offer.output) == "stafettoverføring h1 tilbudt"
    accept = repo.ok("handover", "accept", case_id, who=PPT)
    assert _done(accept.output) == "stafettoverføring h1 godtatt"
    assert _done(repo.ok("log", "add", case_id, "Møte med mor.", who=PPT).output) == (
        "logginnslag lagt til"
    )
    shown = repo.ok("case", "show", case_id).output
    assert "gjelder:       Ola Testesen, " in shown and "født 2015-03-02" in shown
    assert f"stafettholder: Per Rådgiver <{PPT}>" in shown
    assert "foresatte:\n  Mia Lund (mor)" in shown
    assert "c1  skole, ppt — gyldig, uten sluttdato (gitt av Mia Lund)" in shown
    assert "åpne tiltak: ingen" in shown
    table = repo.ok("case", "list", "--names").output
    header = table.splitlines()[0]
    assert "stafettholder" in header and "siste innslag" in header and "navn" in header
    row = next(line for line in table.splitlines() if case_id in line)
    assert "Per Rådgiver" in row and "1/1" in row
    due = repo.ok("due", "--all", "--days", "200", "--lang", "nb").output
    assert due.splitlines()[0].split() == ["frist", "sak", "når", "hva"]
    people = repo.ok("person", "list").output
    assert people.splitlines()[0].split()[:2] == ["navn", "e-post"] and " ja" in people
    csv = repo.ok("person", "list", "--format", "csv").output.splitlines()
    assert csv[0] == "name,email,service,roles,key" and csv[1].endswith(",True")  # for machines
    taken = repo("service", "remove", case_id, "skole", who=PPT)
    assert taken.exit_code == 2 and "skole eier saken og kan ikke gå ut av den" in taken.output
    assert "→ overfør saken eller avslutt den i stedet" in taken.output


def test_refusals_and_suggestions_in_nynorsk(repo: Bti, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BTI_LANG", "nn")
    case_id = new_case(repo)
    typo = repo("case", "list", "--holder", "ingrid.lerer@fjordvik.exampl")
    assert typo.exit_code == 2
    assert (
        "det finst ingen person 'ingrid.lerer@fjordvik.exampl' i people.yaml — meinte du "
        f"{HOLDER} (Ingrid Strandli)?" in typo.output
    )
    assert "→ oppgje e-postadressa slik ho står i people.yaml" in typo.output
    service = repo("case", "list", "--service", "skule")
    assert "det finst inga teneste 'skule' i bti.yaml — meinte du 'skole'?" in service.output
    stranger = repo("log", "add", case_id, "Hei", who=OUTSIDER)
    assert stranger.exit_code == 1
    assert f"du ({OUTSIDER}) står ikkje i people.yaml, så du kan lese saker" in stranger.output
    refused = repo("level", "set", case_id, "1", "--reason", "For tidleg", who=HOLDER)
    assert refused.exit_code == 1
    assert "avvist — endringa ville bryte reglane; ingenting vart skrive:" in refused.output
    again = repo("level", "set", case_id, "0", "--reason", "x", who=HOLDER)
    assert f"sak {case_id} er alt på nivå 0" in again.output
    missing = repo("case", "show", "2026-ZZZZZ")
    assert "det finst inga sak 2026-ZZZZZ i cases/" in missing.output
    teams = repo("team", "set", "TOT")
    assert "ingenting å endre" in teams.output


def test_help_of_the_case_commands_in_nynorsk(repo: Bti, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BTI_LANG", "nn")
    consent = repo.ok("consent", "add", "--help").output
    assert "Registrer eit samtykke: frå føresette med foreldreansvar" in consent
    assert "Siste dagen samtykket gjeld." in consent
    handover = repo.ok("handover", "--help").output
    assert "Ta imot stafettpinnen du er tilboden; du blir stafetthaldar." in handover
    monkeypatch.setenv("BTI_LANG", "nb")
    team = repo.ok("team", "add", "--help").output
    assert "Legg til et team i bti.yaml. Bare for ledere." in team
