"""The ansvarsgruppe (level 3) and the ressursteam (also the extended one / utvidet nettverksmøte) as
meeting kinds with their own agenda and minutes in bokmål, nynorsk and English, through the real
commands against golden files; Norwegian words for the kinds; an ansvarsgruppe below level 3; and
`meeting record` with the new kinds.

Run with BTI_UPDATE_GOLDEN=1 to write the golden files again after a deliberate change.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import HOLDER, NURSE, Bti, isolated_environment, level1_case, new_case

GOLDEN = Path(__file__).resolve().parent / "golden" / "meetings"
LANGS = ["nb", "nn", "en"]
DAY = "2026-11-20T09:00:00+01:00"


@dataclass
class Kinds:
    bti: Bti
    level3: str
    level2: str

    def run(self, *args: str, code: int = 0) -> tuple[str, str]:
        """stdout with the case ids replaced, and stderr."""
        result = self.bti(*args, who=HOLDER, now=DAY)
        assert result.exit_code == code, result.output
        out = result.stdout.replace(self.level3, "2026-LEVEL3").replace(self.level2, "2026-LEVEL2")
        return out, result.stderr


def _build(bti: Bti) -> tuple[str, str]:
    def ok(*args: str, who: str = HOLDER) -> None:
        bti.ok(*args, who=who, now=DAY)

    saved = dict(os.environ)
    os.environ.update({"BTI_NOW": DAY})
    try:
        case = level1_case(
            bti,
            guardian=("Eva Myr", "mor"),
            name="Jonas Myr",
            born="2013-03-03",
            concern="Trenger mye hjelp.",
        )
        other = level1_case(bti, name="Tuva Eng", born="2016-09-09", concern="Uro i timene.")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    ok(
        *("guardian", "add", case, "--name", "Odd Myr", "--relation", "far"),
        *("--phone", "+47 900 11 222", "--email", "odd.myr@epost.example"),
    )
    ok(
        *("consent", "add", case, "--given-by", "Eva Myr,Odd Myr"),
        *("--services", "skole,helsestasjon,ppt,barnevern", "--purpose", "Ansvarsgruppe"),
    )
    ok("service", "add", case, "helsestasjon")
    ok("level", "set", case, "2", "--reason", "Samarbeid med helsestasjonen")
    ok("service", "add", case, "ppt")
    ok("level", "set", case, "3", "--reason", "Omfattende behov, flere tjenester")
    ok("service", "add", case, "barnevern")
    ok(
        *("measure", "add", case, "Fast samtale med helsesykepleier"),
        *("--responsible", NURSE, "--service", "helsestasjon", "--evaluate-by", "2026-12-01"),
    )
    ok(
        *("measure", "add", case, "Tilrettelagt undervisning", "--responsible", HOLDER),
        *("--service", "skole", "--evaluate-by", "2027-02-01"),
    )
    ok("log", "add", case, "Jeg liker å være på skolen når det er rolig.", "--kind", "voice")
    return case, other


@pytest.fixture(scope="module")
def kinds(tmp_path_factory: pytest.TempPathFactory, _repo_template: Path) -> Iterator[Kinds]:
    home = tmp_path_factory.mktemp("kinds-home")
    with isolated_environment(home):
        root = tmp_path_factory.mktemp("kinds") / "repo"
        shutil.copytree(_repo_template, root, symlinks=True)
        bti = Bti(root)
        level3, level2 = _build(bti)
        yield Kinds(bti, level3, level2)


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("BTI_UPDATE_GOLDEN"):
        path.write_text(text, "utf-8")
    assert path.exists(), f"no golden file {path}; run with BTI_UPDATE_GOLDEN=1"
    assert text == path.read_text("utf-8"), f"differs from {path}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("document", ["agenda", "minutes"])
@pytest.mark.parametrize("kind", ["ansvarsgruppe", "ressursteam"])
def test_new_kinds_match_golden(kinds: Kinds, kind: str, document: str, lang: str) -> None:
    out, err = kinds.run(
        *("meeting", document, kinds.level3, "--kind", kind, "--date", "2026-11-26"),
        *("--time", "12:00", "--place", "Familiens hus", "--lang", lang),
    )
    assert err == ""
    _golden(f"{document}-{kind}.{lang}.md", out)


def test_ressursteam_without_consent_names_nobody(kinds: Kinds) -> None:
    case = new_case(kinds.bti, name="Vilde Ask", born="2012-01-01")
    kinds.bti.ok("guardian", "add", case, "--name", "Tor Ask", "--relation", "far", who=HOLDER)
    out, _err = kinds.run("meeting", "agenda", case, "--kind", "ressursteam", "--lang", "nn")
    assert "## Utan samtykke" in out and "Tor Ask" not in out and "Vilde Ask" not in out
    out, _err = kinds.run("meeting", "minutes", case, "--kind", "ressursteam", "--lang", "nb")
    assert "referatet skal ikke inneholde navn" in out and "Tor Ask" not in out


def test_norwegian_words_choose_the_kind(kinds: Kinds) -> None:
    for word, title in (
        ("ansvarsgruppemøte", "# Møte i ansvarsgruppen"),
        ("utvidet-nettverksmøte", "# Ressursteam"),
        ("utvida ressursteam", "# Ressursteam"),
    ):
        out, _err = kinds.run("meeting", "agenda", kinds.level3, "--kind", word, "--lang", "nb")
        assert out.startswith(title), out[:80]


def test_ansvarsgruppe_below_level_3_is_warned_at_level_0_refused(kinds: Kinds) -> None:
    out, err = kinds.run(
        "meeting", "agenda", kinds.level2, "--kind", "ansvarsgruppe", "--lang", "en"
    )
    assert "The case is at level 1. A responsibility group belongs to level 3" in out
    assert "is at level 1; an ansvarsgruppe belongs to level 3" in err
    assert "bti level set" in err
    case = new_case(kinds.bti, name="Lars Holm", born="2014-01-01")
    result = kinds.bti("meeting", "agenda", case, "--kind", "ansvarsgruppe", who=HOLDER, now=DAY)
    assert result.exit_code == 1, result.output
    assert "is at level 0" in result.output and "--kind coordination" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("kind", ["ansvarsgruppe", "ressursteam"])
def test_record_the_new_kinds(kinds: Kinds, kind: str) -> None:
    kinds.bti.ok(
        *("meeting", "record", kinds.level3, "--kind", kind, "--date", "2026-11-19"),
        *("--participants", "Odd Myr,Nils Bakkevik", "--summary", "Plan avtalt."),
        who=HOLDER,
        now=DAY,
    )
    data = YAML(typ="safe").load((kinds.bti.cwd / "cases" / f"{kinds.level3}.yaml").read_text())
    assert data["meetings"][-1]["kind"] == kind
    # The log entry names the meeting in bti.yaml's language (bokmål in the test repository).
    words = {"ansvarsgruppe": "Ansvarsgruppemøte", "ressursteam": "Ressursteammøte"}
    assert data["log"][-1]["text"].startswith(words[kind]), data["log"][-1]["text"]
