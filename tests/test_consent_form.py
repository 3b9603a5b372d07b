"""The consent form (samtykkeskjema, issue 14): `bti consent form` through the real CLI in bokmål,
nynorsk and English against golden files, who signs by age, the privacy check (BTI505), and
`bti consent add … --form FILE`, which records the signed form's SHA-256 and name — never the file —
in a real commit, shown by `case show` and the story.

Run with BTI_UPDATE_GOLDEN=1 to write the golden files again after a deliberate change; read the diff.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from bti import nationalid
from bti.models import Config
from tests import rulekit as rk
from tests.conftest import (
    HOLDER,
    LEADER,
    Bti,
    git,
    git_env,
    isolated_environment,
    new_case,
    push,
    server_with_clone,
)
from tests.test_meetings import LANGS, Story, story  # noqa: F401

GOLDEN = Path(__file__).resolve().parent / "golden" / "consent"

FORM = ("--purpose", "Samarbeid mellom skole og helsestasjon", "--expires", "2027-06-30")


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("BTI_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    assert path.exists(), f"no golden file {path}; run with BTI_UPDATE_GOLDEN=1"
    assert text == path.read_text("utf-8"), f"differs from {path}"


# -- golden files --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_form_for_a_child_heard_with_weight_matches_golden(story: Story, lang: str) -> None:  # noqa: F811
    # Sara is 14: the mother (with parental responsibility) signs, the father (without) does not,
    # and Sara's own view carries great weight.
    out = story.run("consent", "form", "2026-CASEA", *FORM, "--lang", lang)
    _golden(f"consent-form-weight.{lang}.md", out)
    assert "Mia Lund" in out and "Per Lund" in out and "Sara Lund" in out
    assert "2027" in out


@pytest.mark.parametrize("lang", LANGS)
def test_form_for_a_young_person_who_consents_alone_matches_golden(story: Story, lang: str) -> None:  # noqa: F811
    # Emil is 16, past bti.yaml's self_consent_age (15): he signs alone, the guardians do not.
    out = story.run("consent", "form", "2026-CASEB", "--services", "skole", "--lang", lang)
    _golden(f"consent-form-self.{lang}.md", out)
    assert "Kari Nes" not in out


@pytest.mark.parametrize("lang", LANGS)
def test_form_without_guardians_or_purpose_matches_golden(story: Story, lang: str) -> None:  # noqa: F811
    # Lea is 7: heard; no guardian recorded and nothing chosen, so the family fills in the lines.
    out = story.run("consent", "form", "2026-CASEC", "--lang", lang)
    _golden(f"consent-form-blank.{lang}.md", out)


def test_form_follows_bti_yaml_language_and_writes_a_file(story: Story, tmp_path: Path) -> None:  # noqa: F811
    out_file = tmp_path / "samtykke.md"
    said = story.run("consent", "form", "2026-CASEA", *FORM, "--out", str(out_file))
    assert str(out_file) in said
    text = story.anonymise(out_file.read_text("utf-8"))
    assert text.startswith("# Samtykke til samarbeid og utveksling av opplysninger")
    assert text == story.run("consent", "form", "2026-CASEA", *FORM, "--lang", "nb")


def test_self_consent_age_comes_from_bti_yaml(repo: Bti) -> None:
    case_id = new_case(repo, name="Jonas Li", born="2010-01-15")  # 16 on the pinned day
    repo.ok("guardian", "add", case_id, "--name", "Eva Li", "--relation", "mor")
    alone = repo.ok("consent", "form", case_id, "--lang", "en").output
    assert "Jonas Li is 16 and consents on their own" in alone and "Eva Li" not in alone
    config = repo.cwd / "bti.yaml"
    config.write_text(
        config.read_text("utf-8").replace("self_consent_age: 15", "self_consent_age: 18"), "utf-8"
    )
    assert "self_consent_age: 18" in config.read_text("utf-8")
    parents = repo.ok("consent", "form", case_id, "--lang", "en").output
    assert "**Eva Li** (mor)" in parents and "guardians consent until the child turns 18" in parents


# -- privacy and bad input -----------------------------------------------------------------------


def test_form_never_shows_the_national_id(repo: Bti) -> None:
    number = nationalid.make_synthetic(dt.date(2015, 3, 2), 123)
    assert number is not None
    result = repo.ok(
        *("case", "new", "--service", "skole", "--name", "Ola Testesen", "--born", "2015-03-02"),
        *("--concern", "Virker trist.", "--national-id", number),
    )
    case_id = result.output.strip().splitlines()[-1]
    assert number in (repo.cwd / "cases" / f"{case_id}.yaml").read_text("utf-8")
    out = repo.ok("consent", "form", case_id).output
    assert "Ola Testesen" in out and "2. mars 2015" in out
    assert number not in out and number[:6] not in out


def test_national_id_typed_into_the_form_is_refused(repo: Bti, tmp_path: Path) -> None:
    number = nationalid.make_synthetic(dt.date(2015, 3, 2), 123)
    assert number is not None
    case_id = new_case(repo)
    out_file = tmp_path / "skjema.md"
    result = repo(
        "consent", "form", case_id, "--purpose", f"Gjelder {number}", "--out", str(out_file)
    )
    assert result.exit_code == 1, result.output
    assert "BTI505" in result.output and number not in result.output
    assert "Traceback" not in result.output
    assert not out_file.exists()


def test_unknown_service_past_expiry_and_closed_case(repo: Bti) -> None:
    case_id = new_case(repo)
    result = repo("consent", "form", case_id, "--services", "skole,barnehgae")
    assert result.exit_code == 2 and "barnehgae" in result.output and "skole" in result.output
    result = repo("consent", "form", case_id, "--expires", "2026-01-01")
    assert result.exit_code == 2 and "--expires" in result.output
    repo.ok("case", "close", case_id, "--reason", "Avklart")
    result = repo("consent", "form", case_id)
    assert result.exit_code == 1 and "reopen" in result.output
    assert "Traceback" not in result.output


# -- the signed form on file ---------------------------------------------------------------------


def _consented(repo: Bti) -> str:
    case_id = new_case(repo)
    repo.ok("guardian", "add", case_id, "--name", "Mia Lund", "--relation", "mor")
    return case_id


def test_signed_form_is_recorded_by_its_digest_not_copied(repo: Bti, tmp_path: Path) -> None:
    case_id = _consented(repo)
    scan = tmp_path / "arkiv" / "samtykke-signert.pdf"
    scan.parent.mkdir()
    scan.write_bytes(b"%PDF-1.4 signert av Mia Lund\n")
    digest = hashlib.sha256(scan.read_bytes()).hexdigest()
    repo.ok(
        *("consent", "add", case_id, "--given-by", "Mia Lund", "--services", "skole"),
        *("--purpose", "Samarbeid", "--form", str(scan)),
    )
    data = YAML(typ="safe").load((repo.cwd / "cases" / f"{case_id}.yaml").read_text("utf-8"))
    assert data["consents"][0]["form"] == {"sha256": digest, "name": "samtykke-signert.pdf"}
    # Committed, and nothing of the scan itself went into git.
    tracked = git(repo.cwd, "ls-files").split()
    assert not any(p.endswith(".pdf") for p in tracked)
    assert git(repo.cwd, "status", "--porcelain") == ""
    shown = repo.ok("case", "show", case_id).output
    assert f"signed form on file: samtykke-signert.pdf (SHA-256 {digest[:12]}…)" in shown
    story_text = repo.ok("audit", "log", case_id, "--lang", "en").output
    assert "the signed form of consent c1 is on file" in story_text
    assert repo.ok("validate").exit_code == 0


def test_signed_form_inside_the_repository_or_missing_is_refused(repo: Bti, tmp_path: Path) -> None:
    case_id = _consented(repo)
    inside = repo.cwd / "samtykke.pdf"
    inside.write_bytes(b"signert")
    args = ("consent", "add", case_id, "--given-by", "Mia Lund", "--services", "skole")
    result = repo(*args, "--purpose", "Samarbeid", "--form", str(inside))
    assert result.exit_code == 2 and "inside the repository" in result.output
    result = repo(*args, "--purpose", "Samarbeid", "--form", str(tmp_path / "finnes-ikke.pdf"))
    assert result.exit_code == 2 and "finnes-ikke.pdf" in result.output
    assert "Traceback" not in result.output
    data = YAML(typ="safe").load((repo.cwd / "cases" / f"{case_id}.yaml").read_text("utf-8"))
    assert not data.get("consents")


def test_consent_without_form_stays_as_before(repo: Bti) -> None:
    case_id = _consented(repo)
    repo.ok(
        *("consent", "add", case_id, "--given-by", "Mia Lund", "--services", "skole"),
        *("--purpose", "Samarbeid"),
        who=HOLDER,
    )
    text = (repo.cwd / "cases" / f"{case_id}.yaml").read_text("utf-8")
    assert "form:" not in text
    assert "signed form" not in repo.ok("case", "show", case_id).output


# -- rules.consent_form: required (BTI110) -------------------------------------------------------


def _require_forms(clone: Path) -> None:
    """The leader sets rules.consent_form: required in bti.yaml and pushes it."""
    config = clone / "bti.yaml"
    text = config.read_text("utf-8")
    assert "  consent_form: optional\n" in text  # bti init writes the default
    config.write_text(text.replace("consent_form: optional", "consent_form: required"), "utf-8")
    git(
        clone, "commit", "-q", "-am", "bti.yaml: signed consent forms required", env=git_env(LEADER)
    )
    code, err = push(clone, who=LEADER)
    assert code == 0, err


def test_required_form_holds_on_the_client_and_the_server(tmp_path: Path) -> None:
    with isolated_environment(tmp_path / "home"):
        server, clone = server_with_clone(tmp_path)
        bti = Bti(clone)
        case_id = new_case(bti)
        bti.ok("guardian", "add", case_id, "--name", "Mia Lund", "--relation", "mor", who=HOLDER)
        assert push(clone, who=HOLDER)[0] == 0
        _require_forms(clone)
        scan = tmp_path / "arkiv" / "samtykke.pdf"
        scan.parent.mkdir()
        scan.write_bytes(b"%PDF-1.4 signert\n")
        args = ("consent", "add", case_id, "--given-by", "Mia Lund", "--services", "skole")
        args += ("--purpose", "Samarbeid")

        # The client refuses a consent without its form, with what to do.
        refused = bti(*args, who=HOLDER)
        assert refused.exit_code == 1, refused.output
        assert "BTI110" in refused.output and "--form" in refused.output
        assert "Traceback" not in refused.output

        # The attack: the same consent written by hand (the form's reference removed), committed
        # with --no-verify and pushed. The server's pre-receive hook refuses it.
        bti.ok(*args, "--form", str(scan), "--no-commit", who=HOLDER)
        path = clone / "cases" / f"{case_id}.yaml"
        yaml = YAML()
        yaml.preserve_quotes = True
        data = yaml.load(path.read_text("utf-8"))
        del data["consents"][0]["form"]
        with path.open("w", encoding="utf-8") as stream:
            yaml.dump(data, stream)
        assert "form:" not in path.read_text("utf-8")
        head = git(clone, "rev-parse", "HEAD").strip()
        git(clone, "add", str(path))
        git(clone, "commit", "-q", "--no-verify", "-m", f"{case_id}: samtykke", env=git_env(HOLDER))
        code, err = push(clone, who=HOLDER)
        assert code != 0 and "BTI110" in err, err
        assert git(server, "rev-parse", "main").strip() == head

        # With the signed form on file the same consent is taken.
        git(clone, "reset", "-q", "--hard", head)
        bti.ok(*args, "--form", str(scan), who=HOLDER)
        code, err = push(clone, who=HOLDER)
        assert code == 0, err
        assert bti("audit", "verify").exit_code == 0


def _required() -> Config:
    return Config.model_validate({**rk.CONFIG.model_dump(), "rules": {"consent_form": "required"}})


def test_bti110_judges_only_the_consents_a_change_adds() -> None:
    before = rk.level0()
    after = rk.copy_of(before)
    after["consents"].append(rk.consent())
    # optional (the default): no form needed
    assert not rk.having(rk.change(before, after), "BTI110")
    required = _required()
    v = rk.only(rk.change(before, after, cfg=required), "BTI110")
    assert v.is_error and "c1" in v.render() and "--form" in v.render()
    with_form = rk.copy_of(after)
    with_form["consents"][0]["form"] = {"sha256": "a" * 64, "name": "samtykke.pdf"}
    assert not rk.having(rk.change(before, with_form, cfg=required), "BTI110")
    # A consent recorded before the setting stays as it was: a later change is not refused.
    later = rk.copy_of(after)
    later["log"].append(rk.entry("Samtale med mor.", rk.at("2026-09-20")))
    assert not rk.having(rk.change(after, later, cfg=required), "BTI110")


def test_form_reference_is_a_sha256_and_a_plain_name() -> None:
    bad = rk.copy_of(rk.level0())
    bad["consents"].append({**rk.consent(), "form": {"sha256": "xyz", "name": "s.pdf"}})
    with pytest.raises(ValueError):
        rk.make(bad)


def test_in_a_sealed_repository_the_form_name_is_sealed(tmp_path: Path) -> None:
    # A file name may name the family ('samtykke-lund.pdf'): sealed like the consent's givers; the
    # digest names no one and stays readable, so the server judges BTI110 without a reader's key.
    with isolated_environment(tmp_path / "home"):
        server, clone = server_with_clone(tmp_path, sealed=True)
        bti = Bti(clone)
        case_id = new_case(bti, name="Sara Lund", born="2012-05-10")
        bti.ok("guardian", "add", case_id, "--name", "Mia Lund", "--relation", "mor", who=HOLDER)
        scan = tmp_path / "samtykke-lund.pdf"
        scan.write_bytes(b"%PDF-1.4 signert\n")
        digest = hashlib.sha256(scan.read_bytes()).hexdigest()
        bti.ok(
            *("consent", "add", case_id, "--given-by", "Mia Lund", "--services", "skole"),
            *("--purpose", "Samarbeid", "--form", str(scan)),
            who=HOLDER,
        )
        text = (clone / "cases" / f"{case_id}.yaml").read_text("utf-8")
        assert "samtykke-lund" not in text and digest in text
        assert "signed form on file: samtykke-lund.pdf" in bti.ok("case", "show", case_id).output
        code, err = push(clone, who=HOLDER)
        assert code == 0, err
        assert git(server, "rev-parse", "main").strip() == git(clone, "rev-parse", "HEAD").strip()
