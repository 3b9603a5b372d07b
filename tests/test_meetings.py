"""Meeting documents through the real CLI: agendas and minutes of case and team meetings in bokmål,
nynorsk and English against golden files, the calendar invitations, the privacy check, and the cases
that have little in them.

The story repository is built once with real commands, real commits and real hooks, and a fixed clock.
Case ids are random, so the documents are compared with each id replaced by a fixed placeholder.

Run with BTI_UPDATE_GOLDEN=1 to write the golden files again after a deliberate change; read the diff.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bti import nationalid
from tests.conftest import (
    HOLDER,
    LEADER,
    NURSE,
    Bti,
    clock_env,
    git,
    git_env,
    isolated_environment,
    new_case,
)

GOLDEN = Path(__file__).resolve().parent / "golden" / "meetings"
NOW = "2026-11-20T10:00:00+01:00"
LANGS = ["nb", "nn", "en"]
TEAM = "TOT Fjordvik ungdomsskole"

TEAM_YAML = f"""teams:
  - name: {TEAM}
    services: [skole, helsestasjon]
    members: [{LEADER}, {NURSE}]
    rhythm: Første torsdag i måneden
    place: Møterommet på ungdomsskolen
"""


@dataclass
class Story:
    bti: Bti
    ids: dict[str, str]  # placeholder -> real id

    def run(self, *args: str, code: int = 0, now: str = NOW, who: str = HOLDER) -> str:
        real = [self.ids.get(a, a) for a in args]
        result = self.bti(*real, who=who, now=now)
        assert result.exit_code == code, result.output
        return self.anonymise(result.output)

    def anonymise(self, text: str) -> str:
        for placeholder, real in self.ids.items():
            text = text.replace(real, placeholder)
        return text


def _build(bti: Bti) -> dict[str, str]:
    def at(day: str, *args: str, who: str = HOLDER) -> None:
        bti.ok(*args, who=who, now=f"{day}T09:00:00+02:00")

    def case(day: str, who: str = HOLDER, **options: str) -> str:
        saved = dict(os.environ)
        os.environ.update(clock_env(f"{day}T08:00:00+02:00"))
        try:
            return new_case(bti, who=who, **options)
        finally:
            os.environ.clear()
            os.environ.update(saved)

    config = bti.cwd / "bti.yaml"
    text = config.read_text("utf-8").replace("teams: []\n", "")
    config.write_text(text + TEAM_YAML, "utf-8")
    git(bti.cwd, "commit", "-q", "-am", "bti.yaml: team TOT", env=git_env(LEADER))

    a = case("2026-08-17", name="Sara Lund", born="2012-05-10", concern="Trekker seg unna.")
    at(
        "2026-08-17",
        *("guardian", "add", a, "--name", "Mia Lund", "--relation", "mor"),
        *("--phone", "+47 912 34 567", "--email", "mia.lund@epost.example"),
    )
    at(
        "2026-08-17",
        *("guardian", "add", a, "--name", "Per Lund", "--relation", "far"),
        "--no-responsibility",
    )
    at(
        "2026-08-17",
        *("consent", "add", a, "--given-by", "Mia Lund", "--services", "skole,helsestasjon"),
        *("--purpose", "Samarbeid mellom skole og helsestasjon", "--expires", "2027-06-30"),
    )
    at("2026-08-17", "level", "set", a, "1", "--reason", "Samtykke fra mor")
    at("2026-08-17", "team", "refer", a, "--team", TEAM)
    at("2026-08-17", "service", "add", a, "helsestasjon")
    at("2026-08-17", "level", "set", a, "2", "--reason", "Samarbeid", "--step", "3")
    at(
        "2026-08-18",
        *("measure", "add", a, "Samtaler med helsesykepleier hver uke"),
        *("--responsible", NURSE, "--service", "helsestasjon", "--evaluate-by", "2026-11-27"),
    )
    at(
        "2026-08-18",
        *("measure", "add", a, "Tilpasset lekseplan", "--responsible", HOLDER),
        *("--service", "skole", "--evaluate-by", "2027-01-15"),
    )
    at("2026-08-20", "log", "add", a, "Jeg gruer meg til friminuttene.", "--kind", "voice")
    at(
        "2026-09-01",
        *("meeting", "record", a, "--kind", "coordination", "--date", "2026-09-01"),
        *("--participants", "Mia Lund,Ingrid Strandli,Nils Bakkevik"),
        *("--summary", "Mål og tiltak avtalt."),
    )
    at(
        "2026-10-05",
        *("log", "add", a, "Det er bedre i friminuttene nå, jeg har noen å være med."),
        *("--kind", "voice"),
    )
    at("2026-11-16", "handover", "offer", a, "--to", NURSE, "--reason", "Helse følger opp mest")

    b = case("2026-09-10", name="Emil Nes", born="2010-02-14", concern="Mye fravær.")
    at("2026-09-10", "guardian", "add", b, "--name", "Kari Nes", "--relation", "mor")
    at(
        "2026-09-10",
        *("consent", "add", b, "--given-by", "Kari Nes", "--services", "skole"),
        *("--purpose", "Oppfølging av fravær", "--expires", "2026-12-01"),
    )
    at("2026-09-10", "level", "set", b, "1", "--reason", "Samtykke fra mor")
    at(
        "2026-09-10",
        *("measure", "add", b, "Leksehjelp to dager i uken", "--responsible", HOLDER),
        *("--service", "skole", "--evaluate-by", "2026-11-30"),
    )

    c = case("2026-11-10", name="Lea Berg", born="2019-04-01", concern="Sliter med å komme i gang.")
    d = case(
        "2026-11-12",
        who=NURSE,
        service="helsestasjon",
        name="Noah Dal",
        born="2021-01-05",
        concern="Lite språk.",
    )
    e = case("2026-09-15", name="Ida Vik", born="2014-06-01", concern="Lei seg.")
    at("2026-09-20", "case", "close", e, "--reason", "Uroen er avklart")
    return {"2026-CASEA": a, "2026-CASEB": b, "2026-CASEC": c, "2026-CASED": d, "2026-CASEE": e}


# Built once per test run and only read afterwards, also by tests/test_due.py (which imports the
# fixture, so pytest would otherwise build it once for each module).
_BUILT: list[Story] = []


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory, _repo_template: Path) -> Iterator[Story]:
    home = tmp_path_factory.mktemp("story-home")
    with isolated_environment(home):
        if not _BUILT:
            root = tmp_path_factory.mktemp("story") / "repo"
            shutil.copytree(_repo_template, root, symlinks=True)
            bti = Bti(root)
            _BUILT.append(Story(bti, _build(bti)))
        yield _BUILT[0]


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("BTI_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    assert path.exists(), f"no golden file {path}; run with BTI_UPDATE_GOLDEN=1"
    assert text == path.read_text("utf-8"), f"differs from {path}"


# -- golden files --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("document", ["agenda", "minutes"])
@pytest.mark.parametrize("kind", ["coordination", "evaluation"])
def test_case_meeting_matches_golden(story: Story, kind: str, document: str, lang: str) -> None:
    args = ["meeting", document, "2026-CASEA", "--kind", kind, "--date", "2026-12-01"]
    if kind == "coordination":
        args += ["--place", "Fjordvik ungdomsskole, møterom 2"]
    _golden(f"{document}-{kind}.{lang}.md", story.run(*args, "--lang", lang))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("document", ["agenda", "minutes"])
def test_team_meeting_matches_golden(story: Story, document: str, lang: str) -> None:
    out = story.run("meeting", document, "--team", TEAM, "--date", "2026-12-03", "--lang", lang)
    _golden(f"team-{document}.{lang}.md", out)


@pytest.mark.parametrize("kind", ["coordination", "evaluation"])
def test_level0_without_guardians_or_measures_matches_golden(story: Story, kind: str) -> None:
    out = story.run("meeting", "agenda", "2026-CASEC", "--kind", kind, "--date", "2026-12-01")
    _golden(f"agenda-{kind}-level0.nb.md", out)


# -- what the documents say ------------------------------------------------------------------------


def test_agenda_draws_on_the_case(story: Story) -> None:
    out = story.run(
        "meeting", "agenda", "2026-CASEA", "--kind", "evaluation", "--date", "2026-12-01"
    )
    assert "Sara Lund (14 år) – barnets mening skal ha stor vekt" in out
    assert "Møteleder | Ingrid Strandli, stafettholder, Skole og SFO" in out
    assert "Per Lund (far, uten foreldreansvar)" in out
    # Only the words since the last meeting (1 September), not the older ones.
    assert "noen å være med" in out and "gruer meg" not in out
    assert "siden møtet 1. september 2026" in out
    # m1 is due within the window and is evaluated; m2 (January) is not.
    assert "**m1** Samtaler med helsesykepleier hver uke (fristen var 27. november" in out
    assert "**m2** Tilpasset lekseplan\n" not in out
    assert "avslutte · fortsette · justere eller prøve andre tiltak · henvise videre" in out
    assert "Stafettpinnen er tilbudt Nils Bakkevik, men ikke tatt imot ennå." in out
    assert "Forslag: fredag 15. januar 2027" in out
    for line in out.splitlines():
        assert line.strip() not in ("-", "*"), out


def test_no_heading_is_left_empty(story: Story) -> None:
    for case_id in ("2026-CASEA", "2026-CASEB", "2026-CASEC", "2026-CASED"):
        for lang in LANGS:
            for document in ("agenda", "minutes"):
                out = story.run(
                    *("meeting", document, case_id, "--kind", "evaluation", "--lang", lang)
                )
                lines = out.splitlines()
                for i, line in enumerate(lines):
                    if line.startswith("#"):
                        depth = len(line) - len(line.lstrip("#"))
                        rest = [x for x in lines[i + 1 :] if x.strip()]
                        below = len(rest[0]) - len(rest[0].lstrip("#")) if rest else 0
                        # Empty: nothing follows, or a heading no deeper than this one.
                        assert rest and (below == 0 or below > depth), (case_id, lang, line)


def test_child_from_12_is_invited_younger_heard(story: Story) -> None:
    young = story.run("meeting", "agenda", "2026-CASEC", "--kind", "coordination")
    assert "Lea Berg er 7 år og har rett til å bli hørt" in young
    assert "- Lea Berg (" not in young
    small = story.run("meeting", "agenda", "2026-CASED", "--kind", "coordination", who=NURSE)
    assert "Noah Dal er 5 år og deltar ikke selv" in small


def test_team_agenda_names_consented_cases_by_id_only(story: Story) -> None:
    out = story.run("meeting", "agenda", "--team", TEAM.lower(), "--date", "2026-12-03")
    assert "### Sak 2026-CASEA\n\nNivå 2, trinn 3" in out
    for other in ("2026-CASEB", "2026-CASEC", "2026-CASED", "2026-CASEE"):
        assert other not in out
    assert out.count("Sak uten samtykke: drøftes anonymt") == 3
    for name in ("Sara Lund", "Emil Nes", "Lea Berg", "Noah Dal", "Ida Vik", "Mia Lund"):
        assert name not in out
    assert "2012" not in out and "2010" not in out


def test_team_needs_consent_on_the_meeting_day(story: Story) -> None:
    """B's consent covers only the school; and after it runs out B stays anonymous."""
    out = story.run("meeting", "agenda", "--team", TEAM, "--date", "2027-07-01")
    assert "2026-CASEA" not in out  # A's consent ends 30 June 2027
    assert out.count("drøftes anonymt") == 4


def test_unknown_team_and_usage_errors_exit_2(story: Story) -> None:
    out = story.run("meeting", "agenda", "--team", "Fagteam", code=2)
    assert "no team 'Fagteam'" in out and TEAM in out
    assert "name either a case or a team" in story.run("meeting", "agenda", code=2)
    assert "--kind" in story.run("meeting", "agenda", "2026-CASEA", code=2)
    out = story.run("meeting", "agenda", "--team", TEAM, "--kind", "evaluation", code=2)
    assert "--kind is for case meetings" in out
    assert "not a date" in story.run("meeting", "agenda", "2026-CASEA", "--date", "1/12", code=2)


def test_closed_case_is_refused_plainly(story: Story) -> None:
    out = story.run("meeting", "agenda", "2026-CASEE", "--kind", "coordination", code=1)
    assert "is closed" in out and "bti case reopen" in out
    assert "Traceback" not in out


# -- calendar invitations ------------------------------------------------------------------------


def _parse_ics(path: Path) -> object:
    from icalendar import Calendar

    return Calendar.from_ical(path.read_bytes())


def test_case_invitation_parses_with_attendees(story: Story, tmp_path: Path) -> None:
    ics = tmp_path / "mote.ics"
    out = tmp_path / "agenda.md"
    story.run(
        *("meeting", "agenda", "2026-CASEA", "--kind", "evaluation", "--date", "2026-12-01"),
        *("--time", "13:30", "--duration", "90", "--ics", str(ics), "--out", str(out)),
    )
    assert out.read_text("utf-8").startswith("# Evalueringsmøte")
    cal = _parse_ics(ics)
    (event,) = cal.walk("VEVENT")  # type: ignore[attr-defined]
    assert str(event["UID"]).endswith("@bti") and "2026-12-01" in str(event["UID"])
    assert event["DTSTAMP"].dt.isoformat() == "2026-11-20T09:00:00+00:00"
    start = event["DTSTART"]
    assert start.params["TZID"] == "Europe/Oslo"
    assert start.dt.isoformat() == "2026-12-01T13:30:00+01:00"
    assert event["DTEND"].dt.isoformat() == "2026-12-01T15:00:00+01:00"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Oslo"]  # type: ignore[attr-defined]
    assert str(event["ORGANIZER"]) == f"mailto:{HOLDER}"
    attendees = {str(a) for a in event["ATTENDEE"]}
    assert attendees == {f"mailto:{HOLDER}", f"mailto:{NURSE}"}
    text = ics.read_text("utf-8")
    assert "Sara" not in text and "Lund" not in text  # calendars name the case by id only


def test_team_invitation_goes_to_the_members(story: Story, tmp_path: Path) -> None:
    ics = tmp_path / "tot.ics"
    story.run(
        *("meeting", "agenda", "--team", TEAM, "--date", "2026-12-03"),
        *("--ics", str(ics)),
        who=LEADER,
    )
    (event,) = _parse_ics(ics).walk("VEVENT")  # type: ignore[attr-defined]
    assert {str(a) for a in event["ATTENDEE"]} == {f"mailto:{LEADER}", f"mailto:{NURSE}"}
    assert str(event["ORGANIZER"]) == f"mailto:{LEADER}"
    assert str(event["LOCATION"]) == "Møterommet på ungdomsskolen"
    assert event["DTSTART"].params["TZID"] == "Europe/Oslo"


# -- privacy -------------------------------------------------------------------------------------


def test_team_document_naming_a_subject_is_refused(story: Story, tmp_path: Path) -> None:
    out_file = tmp_path / "tot.md"
    out = story.run(
        *("meeting", "agenda", "--team", TEAM, "--place", "Hjemme hos Emil Nes"),
        *("--out", str(out_file)),
        code=1,
    )
    assert "BTI505" in out and "2026-CASEB" in out
    assert "Emil Nes" not in out  # the message names the case, not the child
    assert not out_file.exists()


def test_national_id_in_a_document_is_refused(story: Story, tmp_path: Path) -> None:
    import datetime as dt

    number = nationalid.make_synthetic(dt.date(2012, 5, 10), 123)
    assert number is not None
    out_file, ics = tmp_path / "a.md", tmp_path / "a.ics"
    out = story.run(
        *("meeting", "agenda", "2026-CASEA", "--kind", "coordination", "--place", number),
        *("--out", str(out_file), "--ics", str(ics)),
        code=1,
    )
    assert "BTI505" in out and number not in out
    assert not out_file.exists() and not ics.exists()


def test_repository_template_overrides_the_builtin(repo: Bti) -> None:
    case_id = new_case(repo)
    own = repo.cwd / "templates" / "meeting-agenda.nb.md.j2"
    own.write_text("# Vår egen mal for {{ case_id }}\n\n{{ title }} {{ date }}\n", "utf-8")
    out = repo.ok(
        *("meeting", "agenda", case_id, "--kind", "coordination", "--date", "2026-12-01")
    ).output
    assert out == f"# Vår egen mal for {case_id}\n\nSamarbeidsmøte tirsdag 1. desember 2026\n"
    own.unlink()  # falls back to bti's own
    out = repo.ok(*("meeting", "agenda", case_id, "--kind", "coordination")).output
    assert out.startswith("# Samarbeidsmøte – innkalling og dagsorden")


def test_broken_repository_template_is_an_input_error(repo: Bti) -> None:
    case_id = new_case(repo)
    own = repo.cwd / "templates" / "meeting-minutes.nb.md.j2"
    own.write_text("# {{ case_id }\n", "utf-8")
    result = repo(*("meeting", "minutes", case_id, "--kind", "coordination"))
    assert result.exit_code == 2
    assert "meeting-minutes.nb.md.j2:1" in result.output
    own.write_text("# {{ no_such_field }}\n", "utf-8")
    result = repo(*("meeting", "minutes", case_id, "--kind", "coordination"))
    assert result.exit_code == 2 and "no_such_field" in result.output


# -- recording a held meeting --------------------------------------------------------------------


def test_record_meeting_is_one_commit_without_names(repo: Bti) -> None:
    import yaml

    case_id = new_case(repo)
    head = git(repo.cwd, "rev-parse", "HEAD")
    result = repo.ok(
        *("meeting", "record", case_id, "--kind", "coordination", "--date", "2026-01-15"),
        *("--participants", "Ola Testesen, Ingrid Strandli", "--summary", "Avtalte tiltak."),
        who=HOLDER,
    )
    assert f"{case_id}: meeting mt1 recorded" in result.output
    log = git(repo.cwd, "log", "--format=%s", f"{head.strip()}..HEAD")
    assert log.strip() == f"{case_id}: meeting mt1 recorded"
    data = yaml.safe_load((repo.cwd / "cases" / f"{case_id}.yaml").read_text())
    assert data["meetings"][0]["participants"] == ["Ola Testesen", "Ingrid Strandli"]
    assert data["meetings"][0]["recorded_by"] == HOLDER
    assert data["log"][-1]["kind"] == "meeting"
    assert data["log"][-1]["text"] == "Samarbeidsmøte holdt 15. januar 2026. Avtalte tiltak."
    assert git(repo.cwd, "status", "--porcelain") == ""


def test_record_meeting_in_the_future_is_refused(repo: Bti) -> None:
    case_id = new_case(repo)
    head = git(repo.cwd, "rev-parse", "HEAD")
    result = repo(
        *("meeting", "record", case_id, "--kind", "evaluation", "--date", "2999-01-01"),
        who=HOLDER,
    )
    assert result.exit_code == 1 and "BTI304" in result.output
    assert git(repo.cwd, "rev-parse", "HEAD") == head
    assert git(repo.cwd, "status", "--porcelain") == ""


def test_record_meeting_needs_a_person_in_the_directory(repo: Bti) -> None:
    case_id = new_case(repo)
    result = repo(
        *("meeting", "record", case_id, "--kind", "other", "--date", "2026-01-15"),
        who="ukjent@fjordvik.example",
    )
    assert result.exit_code == 1 and "not in people.yaml" in result.output


def test_init_copies_the_meeting_templates(repo: Bti) -> None:
    for lang in LANGS:
        for document in ("meeting-agenda", "meeting-minutes", "team-agenda", "team-minutes"):
            assert (repo.cwd / "templates" / f"{document}.{lang}.md.j2").is_file()


def test_unwritable_target_writes_nothing(story: Story, tmp_path: Path) -> None:
    ics = tmp_path / "a.ics"
    out = story.run(
        *("meeting", "agenda", "2026-CASEA", "--kind", "coordination", "--ics", str(ics)),
        *("--out", str(tmp_path / "missing" / "a.md")),
        code=2,
    )
    assert "does not exist" in out and not ics.exists()


def test_agenda_shows_the_meeting_time(story: Story, tmp_path: Path) -> None:
    out = story.run(
        *("meeting", "agenda", "2026-CASEA", "--kind", "evaluation", "--date", "2026-12-01"),
        *("--time", "13:30", "--ics", str(tmp_path / "a.ics")),
    )
    assert "| Tid | kl. 13.30 |" in out
    out = story.run(
        *("meeting", "agenda", "2026-CASEA", "--kind", "evaluation", "--date", "2026-12-01"),
        *("--time", "08:15", "--lang", "en"),
    )
    assert "| Time | 08:15 |" in out
    out = story.run(
        *("meeting", "agenda", "--team", TEAM, "--date", "2026-12-03", "--time", "14:00"),
        *("--lang", "nn"),
        who=LEADER,
    )
    assert "| Tid | kl. 14.00 |" in out
    # Without --time the agenda claims no time.
    out = story.run("meeting", "agenda", "2026-CASEA", "--kind", "evaluation")
    assert "| Tid |" not in out
