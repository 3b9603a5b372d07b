"""A whole case story, every command's output, in bokmål, nynorsk and English (issue 13).

The story runs the real commands a municipality's staff run in a case's life — from the concern to
the closing, with the refusals and the mistakes a new user makes on the way — in a real repository
with the real hooks, once per language, and compares everything printed with the transcript kept in
tests/golden/story.LANG.txt. A message that slips back into English, a table header left untranslated
or a changed wording shows as a diff of that file.

When a change of wording is meant, write the transcripts anew and read the diff before committing:

    BTI_GOLDEN=update .venv/bin/python -m pytest tests/test_golden_story.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import HOLDER, LEADER, NURSE, Bti

GOLDEN = Path(__file__).parent / "golden"
STAFF = [
    (LEADER, "Kari Fjellstad", "skole", "leader,holder"),
    (HOLDER, "Ingrid Strandli", "skole", "holder"),
    (NURSE, "Nils Bakkevik", "helsestasjon", "holder"),
]


def _story(tmp_path: Path, lang: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every command of the story and what it printed, as one transcript."""
    monkeypatch.setenv("BTI_LANG", lang)
    outside = Bti(tmp_path)
    lines: list[str] = []
    ids: dict[str, str] = {}

    def run(bti: Bti, *args: str, who: str = LEADER, now: str | None = None) -> str:
        result = bti(*args, who=who, now=now)
        shown = " ".join(a if " " not in a else repr(a) for a in args)
        lines.append(f"$ bti {shown}    # {who.split('@')[0]}, exit {result.exit_code}")
        lines.append(result.output.rstrip("\n"))
        lines.append("")
        return result.output

    run(outside, "init", "repo", "--municipality", "Fjordvik kommune")
    bti = Bti(tmp_path / "repo")
    for email, name, service, roles in STAFF:
        run(bti, "person", "add", email, "--name", name, "--service", service, "--role", roles)
    run(bti, "person", "list")
    run(bti, "service", "list")
    run(
        bti,
        "team",
        "add",
        "TOT",
        "--services",
        "skole,helsestasjon",
        "--member",
        LEADER,
        "--rhythm",
        "Hver fjerde uke",
    )
    run(bti, "team", "list")
    run(
        bti, "case", "new", "--service", "skolen", "--name", "Emil Skogvang", "--born", "2016-03-02"
    )
    out = run(
        bti,
        "case",
        "new",
        "--service",
        "skole",
        "--name",
        "Emil Skogvang",
        "--born",
        "2016-03-02",
        "--concern",
        "Mye fravær på mandager og trekker seg fra venner i friminuttene.",
    )
    found = re.search(r"\b(\d{4}-[0-9A-Z]{5})\b", out)
    assert found, out
    case = found.group(1)
    ids[case] = "2026-CASE1"
    run(bti, "guardian", "add", case, "--name", "Hanne Skogvang", "--relation", "mor")
    run(bti, "level", "set", case, "1", "--reason", "Mor ønsker tiltak i skolen")
    run(
        bti,
        "consent",
        "add",
        case,
        "--given-by",
        "Hanne Skogvang",
        "--services",
        "skole,helsestasjon",
        "--purpose",
        "Samarbeid mellom skole og helsestasjon om oppmøte og trivsel",
        "--expires",
        "2027-06-30",
    )
    run(bti, "level", "set", case, "1", "--reason", "Mor ønsker tiltak i skolen")
    run(bti, "service", "add", case, "helsestasjon")
    run(bti, "level", "set", case, "2", "--reason", "Helsestasjonen følger opp")
    run(
        bti,
        "measure",
        "add",
        case,
        "Samtaler med helsesykepleier annenhver uke",
        "--responsible",
        NURSE,
        "--service",
        "helsestasjon",
        "--evaluate-by",
        "2026-12-04",
    )
    run(bti, "log", "add", case, "Emil sier at mandagene er tunge.", "--kind", "stemme")
    run(
        bti,
        "measure",
        "evaluate",
        case,
        "m1",
        "--outcome",
        "fortsett",
        "--next-by",
        "2026-12-18",
        "--note",
        "Bedre oppmøte.",
        "--voice",
        "Det hjelper å snakke med noen.",
    )
    run(bti, "step", "set", case, "3", "--reason", "Tiltakene er i gang.")
    run(bti, "handover", "offer", case, "--to", NURSE, "--reason", "Tettest kontakt med Emil")
    run(bti, "handover", "accept", case, who=NURSE)
    run(bti, "log", "add", case, "Skrevet av en som ikke lenger er stafettholder.")
    run(bti, "case", "list", "--holder", "nils")
    run(bti, "case", "list")
    run(bti, "case", "show", case)
    run(bti, "due", who=NURSE)
    run(bti, "validate")
    run(bti, "rules")
    run(bti, "report")
    run(
        bti,
        "meeting",
        "agenda",
        case,
        "--kind",
        "evaluering",
        "--date",
        "2026-12-03",
        "--time",
        "09:00",
        "--lang",
        lang,
        who=NURSE,
    )
    run(
        bti,
        "meeting",
        "minutes",
        case,
        "--kind",
        "evaluering",
        "--date",
        "2026-12-03",
        "--lang",
        lang,
        who=NURSE,
    )
    run(bti, "team", "refer", case, "--team", "TOT", "--for-parents", who=NURSE)
    run(bti, "meeting", "agenda", "--team", "TOT", "--date", "2026-12-10", "--lang", lang)
    run(bti, "audit", "log", case, "--lang", lang)
    run(bti, "calendar", "generate", "--school-year", "2026", "--format", "md", "--lang", lang)
    run(bti, "case", "close", case, "--reason", "Målene er nådd.", who=NURSE)
    text = "\n".join(lines)
    for real, stand_in in ids.items():
        text = text.replace(real, stand_in)
    text = text.replace(str(tmp_path), "TMP")
    text = re.sub(r"\b[0-9a-f]{8}\b(?=\])", "SHA", text)  # [commit 1a2b3c4d]
    text = re.sub(r"\b[0-9a-f]{7,40}\b", "SHA", text)
    return text + "\n"


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_the_story_reads_in_each_language(
    tmp_path: Path, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _story(tmp_path, lang, monkeypatch)
    golden = GOLDEN / f"story.{lang}.txt"
    if os.environ.get("BTI_GOLDEN") == "update":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"{golden} is missing: BTI_GOLDEN=update writes it"
    assert text == golden.read_text(encoding="utf-8"), (
        f"the {lang} story changed; if that was meant, BTI_GOLDEN=update writes {golden} anew "
        "(read its diff before committing)"
    )


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_no_english_sentence_in_the_norwegian_story(lang: str) -> None:
    """Beyond the transcript's equality: the Norwegian transcripts hold no English sentence of
    bti's own (the names, the commands and what staff typed are Norwegian or literal anyway)."""
    text = (GOLDEN / f"story.{lang}.txt").read_text(encoding="utf-8")
    shown = "\n".join(line for line in text.splitlines() if not line.startswith("$ bti"))
    shown = re.sub(r"\bbti(?: [a-z][a-z-]*){1,2}", "", shown)  # the commands named in advice
    english = re.findall(
        r"\b(?:the|is|was|has|not|with|without|which|this|case|consent|holder|measure)\b "
        r"[a-z]+",
        shown,
    )
    assert not english, f"English words in the {lang} story: {sorted(set(english))[:20]}"
