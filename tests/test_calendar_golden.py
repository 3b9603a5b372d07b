"""Årshjul outputs against golden files, one per format and language, with the clock fixed.

Run with BTI_UPDATE_GOLDEN=1 to write the files again after a deliberate change; read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from bti.cli import main

GOLDEN = Path(__file__).resolve().parent / "golden" / "calendar"
NOW = "2026-11-20T10:00:00+01:00"


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
@pytest.mark.parametrize("fmt", ["md", "csv", "json", "ics", "svg"])
def test_output_matches_the_golden_file(
    fmt: str, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(GOLDEN)
    result = CliRunner().invoke(
        main,
        [
            "calendar",
            "generate",
            "--from",
            "input.yaml",
            "--school-year",
            "2026",
            "--format",
            fmt,
            "--lang",
            lang,
        ],
        env={"BTI_NOW": NOW},
    )
    assert result.exit_code == 0, result.output
    golden = GOLDEN / f"school-2026.{lang}.{fmt}"
    if os.environ.get("BTI_UPDATE_GOLDEN"):
        golden.write_text(result.stdout, encoding="utf-8", newline="")
    assert result.stdout == golden.read_bytes().decode("utf-8"), (
        f"{golden.name} differs; if the change is meant, run with BTI_UPDATE_GOLDEN=1"
    )
