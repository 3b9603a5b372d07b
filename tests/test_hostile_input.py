"""Hostile input never hangs, crashes or floods memory: alias bombs, deep nesting, absurd numbers,
tags, control characters, huge files, pipes, devices and links. Each is one BTI001 line with a
place, from `bti validate`, the pre-commit hook, the server's pre-receive hook and `bti audit
verify` alike."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bti import yamlio, yamlscan
from bti.checks import parse_case, preview, schema_message
from bti.errors import FileProblem
from tests.conftest import (
    HOLDER,
    STAFF,
    Bti,
    git,
    git_env,
    isolated_environment,
    push,
    server_with_clone,
)

CASE = "cases/2026-AAAAA.yaml"
FAST = 2.0  # seconds: generous on a shared machine; the bugs this guards against took minutes


def _bomb(levels: int = 9) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


# name: (text, words in the message, line, column)
HOSTILE: dict[str, tuple[str, str, int, int]] = {
    "alias bomb": (_bomb(), "anchor (&name) or alias", 1, 5),
    "alias alone": ("id: 2026-AAAAA\nx: *a0\n", "alias", 2, 4),
    "flow nesting": ("id: " + "[" * 60_000 + "]" * 60_000 + "\n", "nested more than 64", 1, 68),
    "flow mapping nesting": ("id: " + "{a: " * 30_000 + "1" + "}" * 30_000, "nested", 1, 257),
    "json nesting": ('{"a": ' * 20_000 + "1" + "}" * 20_000, "nested", 1, 385),
    "block nesting": ("".join(" " * i + "a:\n" for i in range(100)), "nested", 65, 65),
    "compact nesting": ("- " * 30_000 + "x\n", "nested", 1, 129),
    "hex integer": ("id: 0x" + "f" * 5_000 + "\n", "a number 5,002 characters long", 1, 5),
    "decimal integer": ("level: " + "9" * 5_000 + "\n", "number", 1, 8),
    "underscored integer": ("level: 1" + "_000" * 1_000 + "\n", "number", 1, 8),
    "octal integer": ("level: 0" + "7" * 5_000 + "\n", "number", 1, 8),
    "yaml 1.2 octal": ("level: 0o" + "7" * 5_000 + "\n", "number", 1, 8),
    "binary integer": ("level: 0b" + "1" * 20_000 + "\n", "number", 1, 8),
    "sexagesimal": ("level: 1" + ":59" * 30_000 + "\n", "number", 1, 8),
    "text in 1.1, a number in 1.2": ("text: 0" + "9" * 5_000 + "\n", "number", 1, 7),
    "long float": ("level: 1." + "1" * 5_000 + "e+10\n", "number", 1, 8),
    "python object tag": ("id: !!python/object/apply:os.system [ls]\n", "tag", 1, 5),
    "binary tag": ("id: !!binary " + "QUFB" * 1000 + "\n", "tag", 1, 5),
    "set tag": ("id: !!set {a, b}\n", "tag", 1, 5),
    "omap tag": ("id: !!omap [a: 1]\n", "tag", 1, 5),
    "int tag on text": ('level: !!int "0x' + "f" * 5_000 + '"\n', "tag", 1, 8),
    "local tag": ("id: !mine x\n", "tag", 1, 5),
    "merge key": ("id: 2026-AAAAA\nsubject:\n  <<: {name: X}\n", "merge key", 3, 3),
    "control character": ("id: 2026-AAAAA\ntext: bell \x07 here\n", "control character", 2, 12),
    "lone surrogate": ("id: 2026-AAAAA\ntext: \ud800\n", "control character", 2, 7),
}


def _parse(text: str) -> tuple[list[str], float]:
    start = time.perf_counter()
    parsed = parse_case(text.encode("utf-8", "surrogatepass"), CASE)
    took = time.perf_counter() - start
    return [v.render() for v in parsed.problems], took


@pytest.mark.parametrize("name", list(HOSTILE))
def test_each_hostile_shape_is_one_placed_bti001(name: str) -> None:
    text, words, line, col = HOSTILE[name]
    start = time.perf_counter()
    with pytest.raises(FileProblem) as caught:
        yamlio.load(text, CASE)
    assert time.perf_counter() - start < FAST
    problem = caught.value
    assert problem.code == "BTI001" and words in problem.message, problem.message
    assert (problem.line, problem.col) == (line, col), problem.message
    assert len(problem.message) < 300
    # The same through bytes (as git and validate give them), when the text can be bytes.
    if name != "lone surrogate":
        rendered, took = _parse(text)
        assert took < FAST and len(rendered) == 1
        assert rendered[0].startswith(f"{CASE}:{line}:{col}: BTI001 error: ")


# A merge key is valid YAML to ruamel: the libyaml reader refuses it, and every text is read with
# libyaml before a command writes it, so the round-trip reader never sees one.
@pytest.mark.parametrize("name", [name for name in HOSTILE if name != "merge key"])
def test_the_round_trip_reader_refuses_the_same(name: str) -> None:
    """ruamel.yaml (pure Python, used when a command writes) gets the same checks first."""
    text, _, line, col = HOSTILE[name]
    with pytest.raises(FileProblem) as caught:
        yamlio.rt_load(text, CASE)
    assert (caught.value.line, caught.value.col) == (line, col)


def test_a_lone_surrogate_in_utf8_bytes_is_not_utf8() -> None:
    data = b"id: 2026-AAAAA\ntext: " + b"\xed\xa0\x80\n"
    found = parse_case(data, CASE).problems
    assert len(found) == 1 and "is not UTF-8 text" in found[0].message and found[0].line == 2


def test_size_is_refused_before_parsing_at_a_settable_limit() -> None:
    text = "id: 2026-AAAAA\ntext: " + "x" * (yamlscan.MAX_FILE_BYTES + 10) + "\n"
    with pytest.raises(FileProblem, match="more than the 1,048,576 bytes"):
        yamlio.decode(text.encode(), CASE)
    with pytest.raises(FileProblem, match="more than the 1,048,576 bytes"):
        yamlio.load(text, CASE)
    with pytest.raises(FileProblem, match="3,000 bytes"):
        yamlio.load("text: " + "æ" * 2_000 + "\n", CASE, max_bytes=3_000)  # UTF-8 bytes count
    assert yamlio.load("a: 1\n", CASE, max_bytes=10) == {"a": 1}


@pytest.mark.parametrize(
    "text",
    [
        "id: 2026-AAAAA\ntext: " + "x" * 1_000_000 + "\n",  # a 1 MB scalar
        "x" * 1_000_000 + ": 1\n",  # a key that is a huge string
        "id: 2026-AAAAA\nlevel: 1.0e+999999\n",  # a float that is infinite
        "id: 2026-AAAAA\nlevel: .inf\n",
        "id: 2026-AAAAA\nopened: 99999-01-01\n",
        "id: 2026-AAAAA\nopened: 0000-01-01\n",
        "\ufeffid: 2026-AAAAA\r\nlevel: 1\r\n",  # BOM and CRLF
        "id: Tom & Jerry\ntext: NB! *viktig* & mer\n",  # &, * and ! inside text are fine
        "id: 2026-AAAAA\ntext: " + "1234567890" * 9 + "\n",  # a long number under the limit
        "".join(f"k{i}: 1\n" for i in range(60_000)),  # 60,000 unknown keys
        "log:\n" + "  - 1\n" * 60_000,  # 60,000 wrong items
    ],
    ids=[
        "big scalar",
        "big key",
        "infinite float",
        "inf",
        "five-digit year",
        "year zero",
        "bom crlf",
        "indicators in text",
        "90 digits",
        "many keys",
        "many items",
    ],
)
def test_odd_but_harmless_input_gives_plain_problems_quickly(text: str) -> None:
    rendered, took = _parse(text)
    assert took < 4 * FAST, took  # the largest are near 1 MB
    assert len(rendered) <= 52 and all(len(line) < 400 for line in rendered)
    assert "Traceback" not in "".join(rendered)


def test_a_wrong_value_is_shown_within_bounds_however_large() -> None:
    huge = int("f" * 5_000, 16)  # repr() of this raises: more than 4,300 digits
    assert preview(huge) == "a number of about 6,000 digits"
    assert len(preview(list(range(1_000_000)))) == 60
    assert len(preview("x" * 10_000_000)) == 60
    nested: list[object] = []
    inner = nested
    for _ in range(10_000):
        inner.append([])
        inner = inner[0]  # type: ignore[assignment]
    assert preview(nested) == "[[[[...]]]]"
    assert preview({"a": 1, "b": [1, 2]}) == "{'a': 1, 'b': [1, 2]}"
    error = {"type": "string_type", "loc": ("id",), "input": huge, "msg": "", "ctx": {}}
    assert schema_message(error) == "id: a number of about 6,000 digits must be text"
    key = "k" * 1_000
    error = {"type": "extra_forbidden", "loc": (key,), "input": 1, "msg": ""}
    assert len(schema_message(error)) < 200


def test_many_schema_problems_are_counted_not_listed() -> None:
    rendered, _ = _parse("".join(f"k{i}: 1\n" for i in range(1_000)))
    assert len(rendered) == 51
    assert "and 955 more problems" in rendered[-1]


# -- any input ----------------------------------------------------------------------------------

FRAGMENTS = [
    *"[]{},:-?&*!|>'\"#%@`\n\t ",
    "- ",
    ": ",
    "? ",
    "&a ",
    "*a",
    "!!int ",
    "!!python/object ",
    "<<: ",
    "0x",
    "0b",
    "0o",
    "1:2",
    "9" * 120,
    "---\n",
    "...\n",
    "id: ",
    "log:\n",
    "  ",
    "\ufeff",
    "\r\n",
    "2026-01-01",
    "1e999",
    ".inf",
    '"\\ud800"',
    "\\x00",
]


def _never_raises(data: bytes) -> None:
    start = time.perf_counter()
    parsed = parse_case(data, CASE)
    assert time.perf_counter() - start < FAST
    assert parsed.case is not None or parsed.problems


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2_000))
def test_any_bytes_give_a_case_or_problems(data: bytes) -> None:
    _never_raises(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=200), st.integers(1, 400))
def test_any_yamlish_text_gives_a_case_or_problems(parts: list[str], repeat: int) -> None:
    text = "".join(parts)
    _never_raises(text.encode("utf-8", "surrogatepass"))
    _never_raises((text * repeat)[:200_000].encode("utf-8", "surrogatepass"))


# -- through bti validate -------------------------------------------------------------------------

SHAPES_FOR_COMMANDS = ["alias bomb", "flow nesting", "hex integer", "python object tag"]


@pytest.mark.parametrize("name", list(HOSTILE))
def test_validate_answers_each_with_bti001_quickly(repo: Bti, name: str) -> None:
    text, _, line, col = HOSTILE[name]
    (repo.cwd / CASE).write_bytes(text.encode("utf-8", "surrogatepass"))
    start = time.perf_counter()
    result = repo("validate")
    assert time.perf_counter() - start < 2 * FAST
    assert result.exit_code == 1, result.output
    expected = (
        f"{CASE}:2:7: BTI001 error: is not UTF-8"
        if name == "lone surrogate"
        else f"{CASE}:{line}:{col}: BTI001 error: "
    )
    assert expected in result.output
    assert "Traceback" not in result.output


def test_validate_refuses_links_pipes_devices_and_huge_files_unread(repo: Bti) -> None:
    cases = repo.cwd / "cases"
    good = cases / "2026-GGGGG.yaml"
    good.write_text("id: 2026-GGGGG\n")  # judged as usual: the others do not stop validate
    os.mkfifo(cases / "2026-AAAAA.yaml")  # reading would wait for ever
    (cases / "2026-BBBBB.yaml").symlink_to("/dev/zero")  # reading would never end
    (cases / "2026-CCCCC.yaml").symlink_to(repo.cwd / "bti.yaml")  # inside the repository
    with (cases / "2026-DDDDD.yaml").open("wb") as sparse:
        sparse.truncate(50 * 1024 * 1024)  # 50 MB that take no disk
    (repo.cwd / "people.yaml").rename(repo.cwd / "people.real.yaml")
    (repo.cwd / "people.yaml").symlink_to("/dev/zero")
    start = time.perf_counter()
    result = repo("validate")
    assert time.perf_counter() - start < 2 * FAST
    out = result.output
    assert result.exit_code == 1
    assert "people.yaml:1:1: BTI001 error: is a symbolic link" in out
    (repo.cwd / "people.yaml").unlink()
    (repo.cwd / "people.real.yaml").rename(repo.cwd / "people.yaml")
    out = repo("validate").output
    assert "cases/2026-AAAAA.yaml:1:1: BTI001 error: is a named pipe, not a file" in out
    assert "cases/2026-BBBBB.yaml:1:1: BTI001 error: is a symbolic link, not a file" in out
    assert "cases/2026-CCCCC.yaml:1:1: BTI001 error: is a symbolic link, not a file" in out
    assert "cases/2026-DDDDD.yaml:1:1: BTI001 error: the file is 52,428,800 bytes" in out
    assert "cases/2026-GGGGG.yaml:1:1: BTI002 error:" in out
    named = repo("validate", "cases/2026-BBBBB.yaml", "cases/2026-AAAAA.yaml")
    assert named.exit_code == 1 and named.output.count("BTI001") == 2
    listing = repo("case", "list")
    assert "cases/2026-BBBBB.yaml: cannot be read" in listing.output
    refused = repo("log", "add", "2026-AAAAA", "hei", who=HOLDER)
    assert refused.exit_code == 2 and "is a named pipe" in refused.output


def test_a_file_swapped_for_a_pipe_after_lstat_is_still_not_waited_on(tmp_path: Path) -> None:
    pipe = tmp_path / "2026-AAAAA.yaml"
    os.mkfifo(pipe)
    with pytest.raises(FileProblem, match="named pipe"):
        yamlio.read_bytes(pipe, follow=True)  # opened without waiting, then refused by fstat
    with pytest.raises(FileProblem, match="a device"):
        yamlio.read_text(Path("/dev/zero"), follow=True)


# -- through the pre-commit hook, the server and the audit ----------------------------------------


def _commit(cwd: Path, message: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "commit", "-q", "-m", message, *extra],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **git_env(HOLDER)},
    )


@pytest.mark.parametrize("name", SHAPES_FOR_COMMANDS)
def test_pre_commit_refuses_with_bti001(repo: Bti, name: str) -> None:
    text, _, line, col = HOSTILE[name]
    before = git(repo.cwd, "rev-parse", "HEAD")
    (repo.cwd / CASE).write_text(text)
    git(repo.cwd, "add", "-A")
    start = time.perf_counter()
    result = _commit(repo.cwd, "2026-AAAAA: opened")
    assert time.perf_counter() - start < 5 * FAST
    assert result.returncode != 0
    assert f"{CASE}:{line}:{col}: BTI001 error" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert git(repo.cwd, "rev-parse", "HEAD") == before


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("hostile-server")
    with isolated_environment(tmp_path_factory.mktemp("hostile-home")):
        bare, clone = server_with_clone(base, STAFF[:2])
    return {"server": bare, "clone": clone}


@pytest.mark.parametrize("name", SHAPES_FOR_COMMANDS)
def test_the_server_refuses_a_hostile_push_with_bti001(server: dict[str, Path], name: str) -> None:
    text, _, line, col = HOSTILE[name]
    clone, bare = server["clone"], server["server"]
    refs = git(bare, "show-ref")
    head = git(clone, "rev-parse", "HEAD").strip()
    (clone / CASE).write_text(text)
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "--no-verify", "-m", "2026-AAAAA: opened", env=git_env(HOLDER))
    try:
        start = time.perf_counter()
        code, said = push(clone, who=HOLDER)
        assert time.perf_counter() - start < 5 * FAST
    finally:
        git(clone, "reset", "-q", "--hard", head)
    assert code != 0
    assert f"{CASE}:{line}:{col}: BTI001 error" in said, said
    assert "Traceback" not in said
    assert git(bare, "show-ref") == refs


def test_audit_verify_names_the_commit_that_planted_it(repo: Bti) -> None:
    planted = {}
    for name in SHAPES_FOR_COMMANDS:
        text = HOSTILE[name][0]
        (repo.cwd / CASE).write_text(text)
        git(repo.cwd, "add", "-A")
        git(repo.cwd, "commit", "-q", "--no-verify", "-m", "2026-AAAAA: edit", env=git_env(HOLDER))
        planted[git(repo.cwd, "rev-parse", "HEAD").strip()] = HOSTILE[name]
    start = time.perf_counter()
    result = repo("audit", "verify", "--format", "json")
    assert time.perf_counter() - start < 5 * FAST
    assert result.exit_code == 1
    landed = json.loads(result.stdout)
    found = {str(v["commit"]): v for v in landed if v["code"] == "BTI001"}
    assert set(found) == set(planted)
    for commit, (_, words, line, _col) in planted.items():
        assert words in str(found[commit]["message"])
        assert found[commit]["line"] == line  # the audit's rows show the line, not the column


def test_appending_past_the_size_limit_is_judged_like_a_whole_file() -> None:
    from bti.checks import parse_appended

    example = sorted((Path(__file__).resolve().parents[1] / "cases").glob("*.yaml"))[0]
    text = example.read_text()
    before = parse_case(text.encode(), f"cases/{example.name}")
    assert before.case is not None and text.rstrip().splitlines()[-1].startswith("    ")
    entry = f"  - time: 2026-01-05T10:00:00+01:00\n    author: {HOLDER}\n    kind: note\n"
    data = (text + entry + "    text: " + "x" * 2_000 + "\n").encode()
    limit = len(text) + 1_000
    assert parse_appended(before, data, before.path, max_bytes=limit) is None
    whole = parse_case(data, before.path, max_bytes=limit)
    assert [v.code for v in whole.problems] == ["BTI001"]
    assert parse_appended(before, data, before.path) is not None  # under the default limit


def test_a_calendar_template_may_be_a_link_but_never_to_a_device(tmp_path: Path) -> None:
    from bti.calendar import template

    real = tmp_path / "real.yaml"
    real.write_text(
        "title: X\nyear: calendar\nmeetings:\n  - name: Fagdag\n    when: {date: 2027-01-04}\n"
    )
    (tmp_path / "link.yaml").symlink_to(real)
    assert template.read(tmp_path / "link.yaml").title == "X"
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    with pytest.raises(FileProblem, match="is a device"):
        template.read(tmp_path / "zero.yaml")
