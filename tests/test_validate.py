"""`bti validate` on broken input: every problem with file, line and column, never a traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bti.checks import parse_case
from tests.conftest import HOLDER, Bti, new_case

PROJECT = Path(__file__).resolve().parents[1]


def _case_file(repo: Bti) -> tuple[str, Path]:
    case_id = new_case(repo)
    return case_id, repo.cwd / "cases" / f"{case_id}.yaml"


def _validate(repo: Bti, *paths: str) -> tuple[int, list[str]]:
    result = repo("validate", "--no-cache", *paths)
    return result.exit_code, result.stdout.splitlines()


def test_a_clean_repository_validates(repo: Bti) -> None:
    new_case(repo)
    result = repo("validate")
    assert result.exit_code == 0
    assert "files checked: ok" in result.output


def test_truncated_yaml_points_at_the_line(repo: Bti) -> None:
    case_id, path = _case_file(repo)
    path.write_text(path.read_text()[:200] + '\n  - "unterminated\n')
    code, lines = _validate(repo)
    assert code == 1
    assert any(
        f"cases/{case_id}.yaml:" in line and "BTI001 error: YAML syntax" in line for line in lines
    ), lines


def test_a_tab_is_named_and_explained(repo: Bti) -> None:
    case_id, path = _case_file(repo)
    text = path.read_text().replace("\nstatus: open", "\nstatus:\topen\n\tlevel: 0", 1)
    path.write_text(text)
    code, lines = _validate(repo)
    assert code == 1
    line = next(line for line in lines if "BTI001" in line)
    assert "tab" in line and "spaces" in line
    assert line.startswith(f"cases/{case_id}.yaml:")


def test_wrong_date_names_field_line_and_form(repo: Bti) -> None:
    case_id, path = _case_file(repo)
    text = path.read_text()
    path.write_text(text.replace("born: 2015-03-02", "born: 2015-02-30"))
    lineno = next(i for i, line in enumerate(path.read_text().splitlines(), 1) if "born:" in line)
    code, lines = _validate(repo)
    assert code == 1
    assert lines == [
        f"cases/{case_id}.yaml:{lineno}:3: BTI002 error: subject.born: '2015-02-30' "
        "is not a valid date — write YYYY-MM-DD"
    ]


def test_unknown_service_is_reported_with_the_known_ones(repo: Bti) -> None:
    _case_id, path = _case_file(repo)
    path.write_text(path.read_text().replace("owner_service: skole", "owner_service: sykehus"))
    code, lines = _validate(repo)
    assert code == 1
    assert any(
        "BTI004" in line and "unknown service 'sykehus'" in line and "barnevern" in line
        for line in lines
    ), lines


def test_unknown_field_with_spelling_hint_at_its_line(repo: Bti) -> None:
    case_id, path = _case_file(repo)
    path.write_text(path.read_text().replace("holder:", "holdr:"))
    code, lines = _validate(repo)
    lineno = next(i for i, line in enumerate(path.read_text().splitlines(), 1) if "holdr:" in line)
    assert code == 1
    assert (
        f"cases/{case_id}.yaml:{lineno}:1: BTI002 error: unknown field 'holdr' (did you mean "
        "'holder'?) — remove it or correct the spelling" in lines
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"- a\n- b\n", "a list, not a mapping"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
        (b"id: [unclosed\n", "YAML syntax"),
        (b"\xff\xfeid: x\n", "not UTF-8"),
        (b"id: 2026-AAAAA\nid: 2026-BBBBB\n", "appears twice"),
        (b"just a sentence\n", "not a mapping"),
    ],
)
def test_bad_files_give_a_clear_error(repo: Bti, content: bytes, expected: str) -> None:
    (repo.cwd / "cases" / "2026-AAAAA.yaml").write_bytes(content)
    code, lines = _validate(repo)
    assert code == 1
    assert any(line.startswith("cases/2026-AAAAA.yaml:") and expected in line for line in lines), (
        lines
    )


def test_every_problem_not_only_the_first(repo: Bti) -> None:
    _case_id, path = _case_file(repo)
    text = path.read_text().replace("level: 0", "level: 7").replace("kind: child", "kind: baby")
    path.write_text(text.replace("holder:", "holdr:"))
    code, lines = _validate(repo)
    assert code == 1
    assert len([line for line in lines if "BTI002" in line]) == 3


def test_level_without_consent_and_holder(repo: Bti) -> None:
    _case_id, path = _case_file(repo)
    text = path.read_text().replace("level: 0", "level: 1")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("holder:")) + "\n"
    path.write_text(text)
    code, lines = _validate(repo)
    assert code == 1
    codes = sorted(line.split(": ")[1].split()[0] for line in lines)
    assert codes == ["BTI101", "BTI103", "BTI201"]


def test_national_id_in_free_text_is_masked_in_the_message(repo: Bti) -> None:
    case_id, path = _case_file(repo)
    before = path.read_text()
    refused = repo("log", "add", case_id, "Fnr 09821750056 oppgitt av mor", who=HOLDER)
    assert refused.exit_code == 1 and "BTI501" in refused.output
    assert "09821750056" not in refused.output and path.read_text() == before
    path.write_text(before.replace("text: Virker trist.", "text: Virker trist. 09821750056"))
    code, lines = _validate(repo)
    assert code == 1
    line = next(line for line in lines if "BTI501" in line)
    assert "098217*****" in line and "09821750056" not in line


def test_stray_files_and_file_name_mismatch(repo: Bti) -> None:
    _case_id, path = _case_file(repo)
    shutil.copy(path, repo.cwd / "cases" / "2026-BBBBB.yaml")
    (repo.cwd / "cases" / "notes.txt").write_text("husk\n")
    (repo.cwd / "cases" / "09821750056.yaml").write_text("id: x\n")
    code, lines = _validate(repo)
    assert code == 1
    assert any("2026-BBBBB.yaml" in line and "BTI005" in line for line in lines)
    assert any("notes.txt" in line and "BTI008" in line for line in lines)
    assert any("BTI504" in line for line in lines)


def test_broken_settings_are_reported_not_raised(repo: Bti) -> None:
    (repo.cwd / "people.yaml").write_text("people:\n  - email: not-an-email\n    name: X\n")
    code, lines = _validate(repo)
    assert code == 1
    assert any(line.startswith("people.yaml:2:") and "BTI002" in line for line in lines), lines


def test_validate_named_paths_and_json(repo: Bti) -> None:
    case_id, _path = _case_file(repo)
    result = repo("validate", f"cases/{case_id}.yaml", "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert report["errors"] == 0 and report["files"] == 3
    missing = repo("validate", "cases/nope.yaml")
    assert missing.exit_code == 2


def test_warm_cache_gives_the_same_answer(repo: Bti) -> None:
    _case_id, path = _case_file(repo)
    path.write_text(path.read_text().replace("holder:", "holdr:"))
    first = repo("validate").stdout
    second = repo("validate").stdout
    assert first == second and "BTI002" in first
    path.write_text(path.read_text().replace("holdr:", "holder:"))
    assert repo("validate").exit_code == 0


def test_parallel_and_serial_agree(repo: Bti, monkeypatch: pytest.MonkeyPatch) -> None:
    from bti import validation
    from bti.store import Repository

    case_id, path = _case_file(repo)
    for i in range(12):
        text = path.read_text().replace(case_id, f"2026-AAA{i:02d}")
        if i % 3 == 0:
            text = text.replace("level: 0", "level: 2")
        (repo.cwd / "cases" / f"2026-AAA{i:02d}.yaml").write_text(text)
    monkeypatch.setattr(validation, "PARALLEL_FROM", 4)
    store = Repository(repo.cwd)
    serial = validation.validate(store, use_cache=False, jobs=1)
    parallel = validation.validate(store, use_cache=False, jobs=2)
    assert serial.violations == parallel.violations and serial.errors > 0


def test_the_shipped_example_data_validates() -> None:
    result = Bti(PROJECT)("validate", "--no-cache")
    assert result.exit_code == 0, result.output


def test_examples_use_synthetic_ids_only() -> None:
    from bti import nationalid, sealing

    # the examples are sealed: the demo server key (examples/keys/server) opens every one
    ring = sealing.Keyring()
    ring.add(*sealing.load_identity(PROJECT / "examples" / "keys" / "server"))
    for path in (PROJECT / "cases").glob("*.yaml"):
        sealing.use(ring)
        try:
            parsed = parse_case(path.read_bytes(), path.name)
        finally:
            sealing.use(None)
        assert parsed.case is not None and parsed.readable
        number = parsed.case.subject.national_id
        assert number is None or nationalid.is_synthetic(number), path.name


yaml_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=20), st.dates().map(str)
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "level",
                    "subject",
                    "log",
                    "holder",
                    "x",
                    "name",
                    "born",
                    "consents",
                    "services",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=15,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(yaml_values)
def test_random_yaml_gives_a_model_or_a_clear_error(value: object) -> None:
    import yaml

    text = yaml.safe_dump(value, allow_unicode=True)
    parsed = parse_case(text.encode(), "cases/2026-AAAAA.yaml")
    assert (parsed.case is None) == bool(parsed.problems)
    for problem in parsed.problems:
        assert problem.code in ("BTI001", "BTI002")
        assert problem.line >= 1 and problem.col >= 1
        assert problem.render().startswith("cases/2026-AAAAA.yaml:")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_random_bytes_never_raise(data: bytes) -> None:
    parsed = parse_case(data, "cases/x.yaml")
    assert parsed.case is None
    assert all(p.code in ("BTI001", "BTI002") for p in parsed.problems)


def test_an_unresolved_merge_conflict_says_what_to_do(repo: Bti) -> None:
    _, path = _case_file(repo)
    text = path.read_text().replace(
        "schema_version: 1",
        "merge_conflict:\n  - field: holder\n    yours: a@x.no\n    incoming: b@x.no\nschema_version: 1",
    )
    path.write_text(text)
    code, lines = _validate(repo)
    assert code == 1
    line = next(line for line in lines if "merge_conflict" in line)
    assert "BTI002" in line and "bti sync --continue" in line and "bti sync --abort" in line


@pytest.mark.parametrize("quote", ['"', "'"])
def test_an_unclosed_quote_is_found_where_it_opened(quote: str) -> None:
    from bti import yamlio
    from bti.errors import FileProblem

    text = f"id: 2026-AAAAA\nconcern:\n  text: {quote}Virker trist\n  noted: 2026-09-01\nlog: []\n"
    with pytest.raises(FileProblem) as found:
        yamlio.load(text, "cases/2026-AAAAA.yaml")
    assert (found.value.line, found.value.col) == (3, 9)
    assert "never closed" in found.value.detail
