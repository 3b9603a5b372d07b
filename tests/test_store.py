"""Writing case files: comments and key order survive, writes are atomic, schemas are current."""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import pytest

from bti import yamlio
from bti.models import SCHEMAS
from tests.conftest import HOLDER, Bti, git, new_case

PROJECT = Path(__file__).resolve().parents[1]


def test_hand_written_comment_and_key_order_survive_a_command(repo: Bti) -> None:
    case_id = new_case(repo)
    path = repo.cwd / "cases" / f"{case_id}.yaml"
    lines = path.read_text().splitlines()
    # A person edits by hand: a comment, and the subject block moved to the end.
    start = lines.index("subject:")
    block = lines[start : start + 4]
    del lines[start : start + 4]
    lines = [*lines, *block]
    lines.insert(2, "# Saken ble drøftet anonymt i ressursteamet først.")
    lines = [
        line + "  # skolens sak" if line.startswith("owner_service:") else line for line in lines
    ]
    path.write_text("\n".join(lines) + "\n")
    git(repo.cwd, "commit", "-qam", f"{case_id}: hand edit")
    before = path.read_text()
    repo.ok("log", "add", case_id, "Ny samtale.", who=HOLDER)
    after = path.read_text()
    assert "# Saken ble drøftet anonymt i ressursteamet først." in after
    assert "owner_service: skole  # skolens sak" in after
    assert after.rstrip().endswith("born: 2015-03-02")
    # Only lines were added: every earlier line is still there, in the same order.
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    changes = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    assert [op[0] for op in changes] == ["insert"]
    inserted = after.splitlines()[changes[0][3] : changes[0][4]]
    assert any("Ny samtale." in line for line in inserted) and len(inserted) == 4


def test_unchanged_round_trip_is_byte_identical(repo: Bti) -> None:
    for path in (PROJECT / "cases").glob("*.yaml"):
        text = path.read_text()
        assert yamlio.rt_dump(yamlio.rt_load(text)) == text, path.name


def test_multiline_text_uses_the_literal_style(repo: Bti) -> None:
    case_id = new_case(repo)
    repo.ok("log", "add", case_id, "Første linje.\nAndre linje.", who=HOLDER)
    text = (repo.cwd / "cases" / f"{case_id}.yaml").read_text()
    assert "text: |\n      Første linje.\n      Andre linje.\n" in text
    assert "&id" not in text and "*id" not in text


def test_atomic_write_leaves_old_content_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "case.yaml"
    target.write_text("old: true\n")

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        yamlio.atomic_write(target, "new: true\n")
    assert target.read_text() == "old: true\n"
    assert [p.name for p in tmp_path.iterdir()] == ["case.yaml"]


def test_refused_change_writes_nothing(repo: Bti) -> None:
    case_id = new_case(repo, who=HOLDER)
    path = repo.cwd / "cases" / f"{case_id}.yaml"
    before = path.read_text()
    head = git(repo.cwd, "rev-parse", "HEAD")
    result = repo("level", "set", case_id, "2", "--reason", "Trenger samarbeid", who=HOLDER)
    assert result.exit_code == 1
    assert "BTI101" in result.output and "nothing was written" in result.output
    assert path.read_text() == before
    assert git(repo.cwd, "rev-parse", "HEAD") == head
    assert git(repo.cwd, "status", "--porcelain") == ""


def test_schemas_in_the_project_are_current() -> None:
    for name, model in SCHEMAS.items():
        path = PROJECT / "schemas" / f"{name}.schema.json"
        stored = json.loads(path.read_text())
        current = model.model_json_schema()
        stored.pop("$schema", None)
        stored.pop("$id", None)
        assert stored == current, f"schemas/{name}.schema.json is stale: run 'bti schema export'"


def test_schema_export_writes_three_schemas(tmp_path: Path) -> None:
    result = Bti(tmp_path).ok("schema", "export", "--out", str(tmp_path / "out"))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "bti.schema.json",
        "case.schema.json",
        "people.schema.json",
    ]
    assert "wrote" in result.output
