"""National ids and names in every disguise (issue 10 §8): the spellings that landed, found again,
in pure functions and through real git hooks; and CSV cells a spreadsheet would run."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bti import gitrepo, nationalid
from bti.namecache import names_of, repository_names
from bti.names import NameIndex
from bti.output import render_rows
from bti.rules.privacy import (
    ids_in_case_text,
    ids_in_text,
    message_problems,
    object_problems,
    text_id_violations,
)
from tests.conftest import HOLDER, PINNED_NOW, Bti, git, git_env, level1_case, new_case

ID = nationalid.make_synthetic(dt.date(2015, 3, 2), 101) or ""  # month + 80: synthetic
OTHER_ID = nationalid.make_synthetic(dt.date(2012, 11, 30), 121) or ""
assert nationalid.is_valid(ID) and nationalid.is_valid(OTHER_ID)
D, M, Y, N = ID[0:2], ID[2:4], ID[4:6], ID[6:]

ZWSP, WJ, NBSP, SHY, BOM, ZWJ = "\u200b", "\u2060", "\u00a0", "\u00ad", "\ufeff", "\u200d"


def _script(digits: str, zero: int) -> str:
    """`digits` written in the script whose zero is code point `zero`."""
    return "".join(chr(zero + int(d)) for d in digits)


SPELLINGS = {
    "plain": ID,
    "dd.mm.yy nnnnn": f"{D}.{M}.{Y} {N}",
    "4+7": f"{D}{M} {Y}{N}",
    "two spaces": f"{D}{M}{Y}  {N}",
    "slash": f"{D}/{M}/{Y}/{N}",
    "underscore": f"{D}{M}{Y}_{N}",
    "hyphen": f"{D}{M}{Y}-{N}",
    "en dash": f"{D}{M}{Y}\u2013{N}",
    "zero-width space": f"{D}{M}{ZWSP}{Y}{N}",
    "word joiners": WJ.join(ID),
    "zero-width joiner": f"{D}{ZWJ}{M}{Y}{N}",
    "soft hyphen": f"{D}{M}{Y}{SHY}{N}",
    "byte-order mark": f"{D}{M}{BOM}{Y}{N}",
    "no-break space": f"{D}{M}{Y}{NBSP}{N}",
    "narrow no-break space": f"{D}{M}{Y}\u202f{N}",
    "line break": f"{D}{M}{Y}\n{N}",
    "line break and indent": f"{D}{M}{Y}\n    {N}",
    "dot and space": f"{D}. {M}. {Y}. {N}",
    "tab": f"{D}{M}{Y}\t{N}",
    "3+3+5": f"{ID[:3]} {ID[3:6]} {N}",
    "2+2+2+5 mixed": f"{D}-{M}/{Y} . {N}",
    "every digit apart": " ".join(ID),
    "fullwidth digits": _script(ID, 0xFF10),
    "arabic-indic digits": _script(ID, 0x0660),
    "devanagari digits": _script(ID, 0x0966),
    "mathematical bold digits": _script(ID, 0x1D7CE),
    "mixed scripts": _script(ID[:6], 0xFF10) + " " + N,
    "a yaml comment over two lines": f"# fnr {D}{M}{Y}\n# {N}",
}


@pytest.mark.parametrize("written", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_an_id_is_found_in_any_disguise(written: str) -> None:
    text = f"Samtale med mor. Fnr: {written}, ring etter kl. 14."
    assert [number for _, number in nationalid.find(text)] == [ID]
    start, end, _ = next(nationalid.spans(text))
    assert text[start:end] == written.removeprefix("# fnr ")


@pytest.mark.parametrize(
    "text",
    [
        "Møte 2026-11-20 10:00 på skolen.",
        "2026-11-20T10:00:00+01:00",
        "20.11.2026 kl. 10.00",
        "20.11.2026 10:00-11:30",
        "Tlf. +47 912 34 567 eller 22 33 44 55",
        f"1{ID}",  # part of a longer run of digits
        f"{ID}9",
        f"{ID[:6]}{ID[6:]}0 og 12",
        "opened: 2026-10-05\nborn: 2012-05-14\n",
        "",
    ],
)
def test_dates_times_and_longer_numbers_are_not_ids(text: str) -> None:
    assert list(nationalid.find(text)) == []


def test_an_id_beside_other_numbers_is_still_found() -> None:
    assert [n for _, n in nationalid.find(f"sak 12 {ID} 2026")] == [ID]
    assert [n for _, n in nationalid.find(f"{ID} {OTHER_ID}")] == [ID, OTHER_ID]


def test_mask_shows_six_digits_only() -> None:
    assert nationalid.mask(ID) == f"{ID[:6]}*****"


def test_the_digit_and_separator_tables_cover_unicode() -> None:
    """Every character Python calls a digit, and every invisible format character, is known."""
    digits, formats = [], []
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if unicodedata.digit(char, None) is not None:
            digits.append(char)
        elif unicodedata.category(char) == "Cf":
            formats.append(char)
    assert nationalid._GROUP.fullmatch("".join(digits))
    written = f"{D}{M}{Y}{''.join(formats)}{N}"
    assert [n for _, n in nationalid.find(written)] == [ID]


SEPARATORS = [" ", "  ", ".", "-", "/", "_", "\n", "\n  ", ". ", "\t", NBSP, ZWSP, WJ, SHY, BOM]
SCRIPTS = [0x30, 0xFF10, 0x0660, 0x06F0, 0x0966, 0x1D7CE]


@st.composite
def disguised(draw: st.DrawFn) -> tuple[str, str]:
    born = draw(st.dates(dt.date(1940, 1, 1), dt.date(2031, 12, 31)))
    number = None
    while number is None:
        individual = draw(st.integers(0, 999))
        number = nationalid.make_synthetic(born, individual, offset=draw(st.sampled_from([40, 80])))
    out = []
    for i, digit in enumerate(number):
        if i and draw(st.booleans()):
            out.append(draw(st.sampled_from(SEPARATORS)) * draw(st.integers(1, 2)))
        out.append(chr(draw(st.sampled_from(SCRIPTS)) + int(digit)))
    before = draw(st.sampled_from(["", "fnr ", "Fødselsnr.: ", "# ", "sak 12 "]))
    after = draw(st.sampled_from(["", ".", " i dag", " 2026", "\nneste linje"]))
    return number, before + "".join(out) + after


@settings(max_examples=300, deadline=None)
@given(disguised())
def test_separators_and_format_characters_never_hide_an_id(case: tuple[str, str]) -> None:
    number, text = case
    assert number in [n for _, n in nationalid.find(text)]


# -- text scans: comments, settings files, case files ------------------------------------------


def test_an_id_in_a_yaml_comment_is_found_with_its_line_and_column() -> None:
    text = f"municipality: Fjordvik\n# kontakt: {D}{M}{Y}{ZWSP}{N}\nlang: nb\n"
    assert ids_in_text(text) == [(2, 12, f"{ID[:6]}*****")]


def test_an_id_in_people_yaml() -> None:
    text = f"people:\n  - email: a@x.no\n    name: Kari {D}.{M}.{Y} {N}\n"
    assert ids_in_text(text) == [(3, 16, f"{ID[:6]}*****")]


CASE = f"""subject:
  kind: child
  name: Ola Testesen
  national_id: '{ID}'
log:
  - text: Samtale.
"""


def test_a_case_may_hold_its_own_id_in_its_field_only() -> None:
    assert ids_in_case_text(CASE, ID) == []
    assert ids_in_text(CASE) == [(4, 17, f"{ID[:6]}*****")]
    commented = CASE.replace(f"'{ID}'", f"'{ID}'  # {D}{M}{Y} {N}")
    assert ids_in_case_text(commented, ID) == [(4, 33, f"{ID[:6]}*****")]
    in_a_value = CASE + f"  - text: Fnr {ID[:4]}{NBSP}{ID[4:]}\n"
    assert ids_in_case_text(in_a_value, ID) == [(7, 15, f"{ID[:6]}*****")]
    other = CASE.replace(ID, OTHER_ID)
    assert len(ids_in_case_text(other, ID)) == 1
    assert len(ids_in_case_text(CASE, None)) == 1


def test_text_violations_say_bti501_with_a_place_and_never_the_number() -> None:
    [violation] = text_id_violations(CASE + f"# {ID}\n", "cases/2026-AAAAA.yaml", ID)
    rendered = violation.render()
    assert rendered.startswith("cases/2026-AAAAA.yaml:7:3: BTI501 error: a national id")
    assert ID not in rendered and N not in rendered


def test_a_case_files_comments_are_scanned_on_top_of_its_values() -> None:
    from bti.checks import judge, parse_case
    from bti.rules.privacy import case_text_violations
    from tests.rulekit import ctx

    # a plain case file (the shipped examples are sealed)
    text = (Path(__file__).parent / "data" / "plain-case-2026-DCRX3.yaml").read_text("utf-8")
    text += "  - time: 2026-10-07T10:00:00+02:00\n    author: eva.barnehage@fjordvik.example\n"
    text += f"    kind: note\n    text: Fnr {D}{M}{Y}{ZWSP}{N}  # og {ID[:6]} {N}\n# {ID}\n"
    path = "cases/2026-DCRX3.yaml"
    parsed = parse_case(text, path)
    found = judge(parsed, ctx(path=path))
    line = text[: text.index("text: Fnr")].count("\n") + 1
    # validate's judgment holds both: the value (from the model) and the comment line (from the
    # text), each once
    assert [v.line for v in found if v.code == "BTI501"] == [line, line + 1]
    model_only = [v for v in found if v.line == line]
    extra = case_text_violations(text, path, None, model_only)
    assert [(v.code, v.line) for v in extra] == [("BTI501", line + 1)]  # the comment line
    assert case_text_violations(text, path, None, found) == []


# -- names ---------------------------------------------------------------------------------------

NAMES = NameIndex.build(["Ola Testesen", "Åse Brennhaug", "Bo Li", "Mia Lund"])


@pytest.mark.parametrize(
    "message",
    [
        "Møte om Ola",
        "Møte om Ola Testesen",
        "møte om testesen",
        "TESTESEN",
        "Olas time",
        "Testesens sak",
        "Testesen's sak",
        "Testesens' sak",
        "samtale med a\u030ase",  # å written as a + combining ring
        "samtale med A\u030aSE",
        f"O{ZWSP}la kom",
        f"Te{SHY}ste{WJ}sen",
        f"Ola{ZWSP}Testesen",
        f"Ola{NBSP}Testesen",
        "Ola\n  Testesen",
        "Bo Li",
        "Bo  Lis",
        "ＯＬＡ",  # fullwidth letters
        "hos Lunds",  # a guardian's surname, genitive
    ],
)
def test_names_are_found_however_written(message: str) -> None:
    assert NAMES.find(message), message


@pytest.mark.parametrize("message", ["Olav kom", "bo her", "li", "Lundby", "2026-7KQ3M: entry"])
def test_other_words_are_not_names(message: str) -> None:
    assert NAMES.find(message) == []


def test_find_gives_the_name_as_written_once_per_place() -> None:
    assert NAMES.find("Ola Testesen og ola") == ["Ola Testesen", "ola"]
    assert NAMES.spans("Møte om Ola Testesen") == [(8, 20)]


def test_message_problems_read_every_line_and_give_the_place_not_the_name() -> None:
    message = f"2026-AAAAA: entry added\n\n# notat om Testesen\n# fnr {D}{M}{Y}{WJ}{N}\n"
    found = message_problems(message, NAMES)
    assert [v.code for v in found] == ["BTI503", "BTI502"]
    assert "line 4, column 7" in found[0].message and f"{ID[:6]}*****" in found[0].message
    assert "line 3, column 12" in found[1].message
    assert all("Testesen" not in v.message and N not in v.message for v in found)


def test_message_problems_leave_out_the_diff_git_commit_v_shows() -> None:
    scissors = "# ------------------------ >8 ------------------------"
    message = f"2026-AAAAA: entry added\n{scissors}\n+  name: Ola Testesen\n"
    assert message_problems(message, NAMES) == []


def test_object_problems_read_the_author_line_and_the_message() -> None:
    raw = (
        "tree 4b825dc642cb6eb9a060e54bf8d69288fbed4904\n"
        f"author Kari {D}{M}{Y} {N} <kari@x.no> 1763629200 +0100\n"
        "committer Kari <kari@x.no> 1763629200 +0100\n\n"
        "Møte om Mia\n"
    )
    assert sorted(v.code for v in object_problems(raw, NAMES)) == ["BTI502", "BTI503"]


def test_names_are_read_from_bti_layout_and_from_any_other_yaml() -> None:
    ours = b"subject:\n  kind: child\n  name: Ola Testesen\nguardians:\n  - name: 'Mia Lund'\n"
    ours += b"    relation: mor\n"
    assert names_of(ours) == ["Ola Testesen", "Mia Lund"]
    flow = b'subject: {name: "Ola \\u00c5se"}\nguardians: [{name: Per Li, relation: far}]\n'
    assert names_of(flow) == ["Ola Åse", "Per Li"]
    folded = b"subject:\n  name: Ola\n    Testesen\n"
    assert names_of(folded) == ["Ola Testesen"]
    assert names_of(b"subject: [unclosed\n") == []


# -- through git: the repository's names, cached; the hooks ------------------------------------


class CountingReader(gitrepo.ObjectReader):
    """A real reader that counts what it reads."""

    reads = 0

    def lookup(self, name: str) -> tuple[str, bytes] | None:
        CountingReader.reads += 1
        return super().lookup(name)


def test_repository_names_are_read_once_per_blob(repo: Bti) -> None:
    level1_case(repo, guardian=("Randi Brennhaug", "mor"), name="Ola Testesen")
    new_case(repo, name="Åse Lund")
    root = repo.cwd
    shutil.rmtree(root / ".git" / "bti")  # the commits' hooks have filled it
    CountingReader.reads = 0
    with CountingReader(root) as reader:
        first = repository_names(root, "HEAD", reader)
    assert CountingReader.reads == 2
    assert first.find("Brennhaugs møte") and first.find("åse") and first.find("Testesen")
    assert oct((root / ".git" / "bti" / "names.json").stat().st_mode)[-3:] == "600"
    CountingReader.reads = 0
    with CountingReader(root) as reader:
        again = repository_names(root, "HEAD", reader)
    assert CountingReader.reads == 0 and again.words == first.words
    case_id = new_case(repo, name="Per Nyhus")  # a new version: read on top of the kept index
    CountingReader.reads = 0
    with CountingReader(root) as reader:
        third = repository_names(root, "HEAD", reader)
    assert CountingReader.reads == 1 and third.find("Nyhus") and third.find("Testesen")
    assert case_id


def _commit(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "commit", "-q", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, **git_env(HOLDER)},
    )


def _append_entry(repo: Bti, case_id: str) -> None:
    path = repo.cwd / "cases" / f"{case_id}.yaml"
    path.write_text(
        path.read_text() + f"  - time: {PINNED_NOW}\n    author: {HOLDER}\n"
        "    kind: note\n    text: Samtale.\n"
    )
    git(repo.cwd, "add", "-A")


def test_commit_msg_refuses_any_name_of_the_repository(repo: Bti) -> None:
    new_case(repo, name="Ola Testesen")
    new_case(repo, name="Åse Brennhaug")
    other = new_case(repo, name="Kari Nordby")
    nothing = _commit(repo.cwd, "--allow-empty", "-m", "Møte om Ola")
    assert nothing.returncode != 0 and "BTI502" in nothing.stderr
    assert "line 1, column 9" in nothing.stderr and "Ola" not in nothing.stderr
    _append_entry(repo, other)
    another = _commit(repo.cwd, "-m", f"{other}: Testesens sak")
    assert another.returncode != 0 and "BTI502" in another.stderr
    hidden = _commit(repo.cwd, "-m", f"{other}: o{ZWSP}LA var der")
    assert hidden.returncode != 0 and "BTI502" in hidden.stderr
    decomposed = _commit(repo.cwd, "-m", f"{other}: a\u030ases mor")
    assert decomposed.returncode != 0 and "BTI502" in decomposed.stderr
    assert _commit(repo.cwd, "-m", f"{other}: entry added").returncode == 0


def test_commit_msg_refuses_a_disguised_id_on_a_verbatim_hash_line(repo: Bti) -> None:
    case_id = new_case(repo)
    _append_entry(repo, case_id)
    message = f"{case_id}: entry added\n\n# {D}.{M}.{Y}{NBSP}{N}\n"
    refused = _commit(repo.cwd, "--cleanup=verbatim", "-m", message)
    assert refused.returncode != 0 and "BTI503" in refused.stderr
    assert "line 3, column 3" in refused.stderr and N not in refused.stderr
    assert _commit(repo.cwd, "-m", f"{case_id}: entry added").returncode == 0


def test_pre_commit_refuses_an_id_hidden_by_a_zero_width_space(repo: Bti) -> None:
    case_id = new_case(repo)
    path = repo.cwd / "cases" / f"{case_id}.yaml"
    path.write_text(
        path.read_text() + f"  - time: {PINNED_NOW}\n    author: {HOLDER}\n"
        f"    kind: note\n    text: 'Fnr {D}{M}{Y}{ZWSP}{N}'\n"
    )
    git(repo.cwd, "add", "-A")
    refused = _commit(repo.cwd, "-m", f"{case_id}: entry added")
    assert refused.returncode != 0 and "BTI501" in refused.stderr
    assert N not in refused.stderr


# -- CSV a spreadsheet shows and never runs ------------------------------------------------------


def test_csv_cells_that_would_start_a_formula_are_quoted() -> None:
    rows = [
        {"a": '=HYPERLINK("http://x")', "b": "+1+2", "c": "-2+3", "d": "@SUM(A1)"},
        {"a": "\tx", "b": "\r=1", "c": -5, "d": "-3.5"},
        {"a": "Møte", "b": 4, "c": "\uff1d1+1", "d": None},
    ]
    out = render_rows(rows, ["a", "b", "c", "d"], "csv").split("\n")
    assert out[1] == '"\'=HYPERLINK(""http://x"")",\'+1+2,\'-2+3,\'@SUM(A1)'
    assert out[2] == "'\tx,\"'" and out[3] == '=1",-5,-3.5'  # \r is a line break, quoted
    assert out[-1] == "Møte,4,'\uff1d1+1,"


def test_calendar_csv_quotes_a_meeting_named_like_a_formula(tmp_path: Path) -> None:
    from tests.test_calendar import run

    template = tmp_path / "arshjul.yaml"
    template.write_text(
        "title: Årshjul\nyear: calendar\nmeetings:\n"
        '  - name: \'=HYPERLINK("http://x","klikk")\'\n    when: {date: 2027-01-05}\n'
        "  - name: '@Fagdag'\n    participants: ['-skole']\n    when: {date: 2027-01-06}\n",
        encoding="utf-8",
    )
    result = run(
        "calendar", "generate", "--from", str(template), "--year", "2027", "--format", "csv"
    )
    assert result.exit_code == 0, result.output
    assert "'=HYPERLINK" in result.stdout and "'@Fagdag" in result.stdout
    assert "\n=" not in result.stdout and ",=" not in result.stdout and ",@" not in result.stdout


def test_case_list_csv_quotes_a_name_that_would_start_a_formula(repo: Bti) -> None:
    case_id = new_case(repo, name="=HYPERLINK(Ola)")
    out = repo.ok("case", "list", "--names", "--format", "csv").output
    row = next(line for line in out.splitlines() if line.startswith(case_id))
    assert row.endswith(",'=HYPERLINK(Ola)")
