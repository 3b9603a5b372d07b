"""The repository, audit, report, meeting and årshjul commands in bokmål and nynorsk (issue 13):
real commands in a real repository, with the person's language from BTI_LANG (or --lang)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import HOLDER, Bti, level1_case

# English words of bti's own that must not reach a Norwegian transcript (names, commands, YAML
# fields and what staff typed are Norwegian or literal anyway).
ENGLISH = re.compile(
    r"\b(?:the|is|was|has|not|with|which|this|break|moved|continue|cases|measure|"
    r"holiday|weekend|fewer|too few|level|opened|closed|wrote|note)\b",
    re.IGNORECASE,
)


@pytest.fixture
def nn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BTI_LANG", "nn")


@pytest.fixture
def nb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BTI_LANG", "nb")


def _evaluated_case(repo: Bti) -> str:
    """A level-1 case whose measure m1 was evaluated with the outcome 'continue'."""
    case_id = level1_case(repo)
    repo.ok(
        "measure",
        "add",
        case_id,
        "Samtalar med kontaktlærar kvar veke",
        "--responsible",
        HOLDER,
        "--service",
        "skole",
        "--evaluate-by",
        "2026-12-04",
        who=HOLDER,
    )
    repo.ok(
        "measure",
        "evaluate",
        case_id,
        "m1",
        "--outcome",
        "fortsett",
        "--next-by",
        "2026-12-18",
        "--note",
        "Betre oppmøte.",
        "--voice",
        "Det hjelper å snakke med nokon.",
        who=HOLDER,
    )
    return case_id


def test_report_in_nynorsk_every_word(repo: Bti, nn: None) -> None:
    table = repo.ok("report", "--from", "2026-01-01", "--to", "2026-12-31").output
    assert "indikator" in table and "gruppe" in table and "verdi" in table
    assert "opne saker ved slutten av perioden" in table
    assert "median tal på dagar frå uro til nivå 1" in table
    assert "for få saker" in table and "nivå 0" in table and "alle" in table
    body = "\n".join(table.splitlines()[1:])  # the first line is the municipality and the dates
    assert not ENGLISH.search(body), body
    # JSON is for machines: English keys and words, numbers as numbers.
    rows = json.loads(
        repo.ok("report", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "json").output
    )
    opened = next(r for r in rows if r["measure"] == "cases opened")
    assert opened["group"] == "all" and opened["value"] == 0


def test_report_lang_option_chooses_bokmaal(repo: Bti) -> None:
    table = repo.ok("report", "--from", "2026-01-01", "--to", "2026-12-31", "--lang", "nb").output
    assert "åpne saker ved slutten av perioden" in table and "for få saker" in table
    assert "saker med opphold i oppfølgingen (over 30 dager)" in table


def test_report_refuses_a_period_backwards_in_nynorsk(repo: Bti, nn: None) -> None:
    bad = repo("report", "--from", "2026-05-01", "--to", "2026-01-01")
    assert bad.exit_code == 2
    assert "--to er før --from" in bad.output and "oppgi første dag" in bad.output


def test_audit_log_in_nynorsk_says_the_outcome_in_words(repo: Bti, nn: None) -> None:
    case_id = _evaluated_case(repo)
    story = repo.ok("audit", "log", case_id, "--lang", "nn").output
    header = story.splitlines()[0]
    assert "tidspunkt" in header and "kven" in header and "kva" in header
    assert "oppretta på nivå 0 (skole)" in story
    assert "tiltak m1 evaluert: halde fram" in story
    assert "continue" not in story and "(note)" not in story


def test_audit_log_in_bokmaal_says_the_outcome_in_words(repo: Bti, nb: None) -> None:
    case_id = _evaluated_case(repo)
    story = repo.ok("audit", "log", case_id, "--lang", "nb").output
    assert "tidspunkt" in story.splitlines()[0] and "hvem" in story.splitlines()[0]
    assert "tiltak m1 evaluert: fortsette" in story and "continue" not in story


def test_agenda_in_nynorsk_shows_the_last_outcome_in_words(repo: Bti, nn: None) -> None:
    case_id = _evaluated_case(repo)
    agenda = repo.ok(
        "meeting",
        "agenda",
        case_id,
        "--kind",
        "evaluering",
        "--date",
        "2026-12-03",
        "--lang",
        "nn",
        who=HOLDER,
    ).output
    assert "sist evaluert" in agenda and "halde fram" in agenda
    assert "continue" not in agenda


def test_audit_errors_in_nynorsk(repo: Bti, nn: None) -> None:
    bad = repo("audit", "log", "nonsense")
    assert bad.exit_code != 0
    assert "'NONSENSE' er ikkje eit saksnummer" in bad.output
    assert "saksnummer ser slik ut: 2026-7KQ3M" in bad.output
    missing = repo("audit", "log", "2026-ZZZZZ")
    assert "git har ingen historikk for sak 2026-ZZZZZ" in missing.output


def test_audit_verify_summary_in_nynorsk(repo: Bti, nn: None) -> None:
    level1_case(repo)
    result = repo("audit", "verify")
    assert result.exit_code == 0, result.output
    assert re.search(r"\d+ commits kontrollerte \(\d+ vurderte no, resten hugsa\)", result.stderr)


def test_meeting_document_errors_in_nynorsk(repo: Bti, nn: None) -> None:
    neither = repo("meeting", "agenda")
    assert neither.exit_code == 2 and "oppgi anten ei sak eller eit team" in neither.output
    team = repo("meeting", "agenda", "--team", "Ingen")
    assert "det finst ikkje noko team 'Ingen' i bti.yaml" in team.output


def test_validate_and_person_messages_in_bokmaal(repo: Bti, nb: None) -> None:
    checked = repo.ok("validate")
    assert re.search(r"\d+ filer kontrollert: ok", checked.stderr)
    same = repo.ok("person", "set", HOLDER, "--name", "Ingrid Strandli").output
    assert "er allerede slik; ingenting ble endret" in same
    nothing = repo("person", "set", HOLDER)
    assert nothing.exit_code == 2 and "ingenting å endre" in nothing.output


def test_init_speaks_nynorsk_and_gives_the_arshjul_in_the_municipalitys_language(
    tmp_path: Path, nn: None
) -> None:
    out = Bti(tmp_path).ok("init", "nynorsk", "--municipality", "Fjordvik kommune", "--lang", "nn")
    assert "oppretta eit saksdepot for Fjordvik kommune" in out.output
    assert "forsegling er slått av" in out.output and "neste steg:" in out.output
    again = Bti(tmp_path)("init", "nynorsk", "--municipality", "Fjordvik kommune", "--lang", "nn")
    assert again.exit_code != 0 and "finst alt: dette er eit saksdepot" in again.output
    nynorsk = (tmp_path / "nynorsk" / "templates" / "arshjul.yaml").read_text("utf-8")
    assert "Haustferie" in nynorsk and "Fagmøte i eininga" in nynorsk
    Bti(tmp_path).ok("init", "bokmaal", "--municipality", "Fjordvik kommune", "--lang", "nb")
    bokmaal = (tmp_path / "bokmaal" / "templates" / "arshjul.yaml").read_text("utf-8")
    assert "Høstferie" in bokmaal and "Fagmøte i enheten" in bokmaal and "eininga" not in bokmaal
    assert 'title: "Årshjul BTI Fjordvik kommune"' in bokmaal
    Bti(tmp_path).ok("init", "english", "--municipality", "Fjordvik kommune", "--lang", "en")
    english = (tmp_path / "english" / "templates" / "arshjul.yaml").read_text("utf-8")
    assert "Autumn break" in english
    assert not list((tmp_path / "bokmaal" / "templates").glob("arshjul.*.yaml"))


def test_arshjul_in_nynorsk_has_no_english_word(tmp_path: Path, nn: None) -> None:
    Bti(tmp_path).ok("init", "repo", "--municipality", "Fjordvik kommune", "--lang", "nn")
    root = tmp_path / "repo"
    (root / "templates" / "arshjul.yaml").write_text(
        "title: Årshjul BTI\nyear: school\n"
        "breaks:\n  - {name: Haustferie, weeks: [40]}\n"
        "meetings:\n"
        "  - name: Ukemøte\n    when: {every: {weeks: 1, weekday: monday, start: 2026-09-21}}\n"
        "  - name: Fagdag\n    when: {date: 2026-09-29}\n"
        "  - name: Gamal dag\n    when: {date: 2025-01-06}\n",
        encoding="utf-8",
    )
    result = Bti(root)("calendar", "generate", "--school-year", "2026", "--out", "arshjul.md")
    assert result.exit_code == 0, result.output
    text = (root / "arshjul.md").read_text("utf-8")
    assert "Flytta frå tysdag 29. september 2026 (ferie: Haustferie)" in text
    assert "Flytta frå måndag 29. mars 2027 (offentleg fridag: 2. påskedag)" in text
    assert not ENGLISH.search(text), ENGLISH.findall(text)
    notes = result.stderr
    assert "merk: 'Ukemøte' 2026-09-28 (ferie: Haustferie) er utelate" in notes
    assert "merk: 'Gamal dag' har ikkje noko møte frå 2026-08-01 til 2027-06-30" in notes
    assert re.search(r"skreiv \d+ møte \(2026-08-01 til 2027-06-30\) til arshjul\.md", notes)
    assert "break" not in notes and "Summer" not in notes


def test_init_help_ends_with_the_examples_heading_in_nynorsk(tmp_path: Path, nn: None) -> None:
    help_text = Bti(tmp_path).ok("init", "--help").output
    tail = help_text.rstrip().splitlines()
    heading = tail.index("  Døme:")
    assert tail[heading + 1].strip().startswith("bti init /srv/bti/fjordvik")
    assert "Examples:" not in help_text
    assert "Lag eit saksdepot" in help_text


def test_examples_heading_in_bokmaal_and_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BTI_LANG", "nb")
    assert "  Eksempler:\n    bti report --from" in Bti(tmp_path).ok("report", "--help").output
    monkeypatch.setenv("BTI_LANG", "en")
    assert "  Examples:\n    bti report --from" in Bti(tmp_path).ok("report", "--help").output


@pytest.mark.parametrize(
    ("when", "said"),
    [
        ("{nth_weekday: {n: 1, weekday: tusday}}", "'tusday' er ikkje ein vekedag"),
        ("{nth_weekday: {n: 5, weekday: monday}}", "det finst ingen 5. måndag i"),
        ("{every: {weeks: 2, colour: red}}", "ukjend nøkkel 'colour' i every"),
        ("{iso_week: 54, weekday: monday}", "skal vere eit heiltal frå 1 til 53, ikkje 54"),
    ],
)
def test_arshjul_template_errors_in_nynorsk(tmp_path: Path, nn: None, when: str, said: str) -> None:
    template = tmp_path / "arshjul.yaml"
    template.write_text(
        f"title: Prøve\nyear: school\nmeetings:\n  - name: A\n    when: {when}\n", "utf-8"
    )
    result = Bti(tmp_path)("calendar", "generate", "--from", str(template), "--school-year", "2026")
    assert result.exit_code != 0
    assert said in result.output, result.output
    assert "arshjul.yaml:5:" in result.output


def test_template_errors_in_nynorsk(repo: Bti, nn: None) -> None:
    case_id = level1_case(repo)
    (repo.cwd / "templates" / "meeting-agenda.nn.md.j2").write_text(
        "{% for i in range(10**9) %}{{ i }}{% endfor %}\n", "utf-8"
    )
    result = repo("meeting", "agenda", case_id, "--kind", "samarbeid", "--lang", "nn", who=HOLDER)
    assert result.exit_code != 0
    assert "templates/meeting-agenda.nn.md.j2" in result.output
    assert "malen vart stoppa" in result.output or "malen brukar talet" in result.output
    assert "rett malen, eller slett han" in result.output


def test_every_example_comment_is_marked_and_said_in_nynorsk(tmp_path: Path, nn: None) -> None:
    from bti.cli.examples import COMMENTS, EXAMPLES

    said = {line.partition("   # ")[2] for lines in EXAMPLES.values() for line in lines}
    assert said - {""} <= set(COMMENTS)
    help_text = Bti(tmp_path).ok("completion", "--help").output
    assert "  Døme:" in help_text and "# i ~/.bashrc" in help_text
