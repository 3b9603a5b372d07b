"""Shell completion (issue 13): commands, and case ids, people and services from the repository."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Bti, new_case

BTI = str(Path(sys.executable).parent / "bti")


def complete(cwd: Path, line: str) -> list[str]:
    words = line.split(" ")
    result = subprocess.run(
        [BTI],
        cwd=cwd,
        env={
            **os.environ,
            "_BTI_COMPLETE": "bash_complete",
            "COMP_WORDS": line,
            "COMP_CWORD": str(len(words) - 1),
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return [item.split(",", 1)[1] for item in result.stdout.splitlines() if "," in item]


def test_case_ids_people_and_services_are_completed_from_the_repository(repo: Bti) -> None:
    case_id = new_case(repo)
    assert case_id in complete(repo.cwd, f"bti log add {case_id[:6]}")
    assert complete(repo.cwd, "bti handover offer X --to nils") == ["nils.helse@fjordvik.example"]
    assert "skole" in complete(repo.cwd, "bti case new --service sk")
    assert complete(repo.cwd, "bti consent add X --services skole,hel") == ["skole,helsestasjon"]
    assert "evaluate" in complete(repo.cwd, "bti measure ev")


def test_outside_a_repository_completion_offers_nothing_and_never_fails(tmp_path: Path) -> None:
    assert complete(tmp_path, "bti log add 2026") == []


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_completion_script_is_printed_for_each_shell(repo: Bti, shell: str) -> None:
    script = repo.ok("completion", shell).output
    assert "_BTI_COMPLETE" in script
