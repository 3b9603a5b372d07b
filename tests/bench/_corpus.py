"""A generated case repository for the benchmarks: many realistic cases, committed in git."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "ingrid.lerer@fjordvik.example",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "ingrid.lerer@fjordvik.example",
}


def git(cwd: Path, *args: str, input: str | None = None) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=ENV, check=True, capture_output=True, text=True, input=input
    ).stdout


def _variants() -> list[str]:
    return sorted((PROJECT / "cases").glob("*.yaml"))  # type: ignore[return-value]


def make_repository(root: Path, count: int) -> Path:
    """`count` case files made from the shipped examples (new ids), in one commit."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    for name in ("bti.yaml", "people.yaml"):
        shutil.copy(PROJECT / name, root / name)
    cases = root / "cases"
    cases.mkdir()
    templates = [(p.stem, p.read_text()) for p in map(Path, _variants())]
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    for i in range(count):
        source_id, text = templates[i % len(templates)]
        n, code = i, ""
        for _ in range(5):
            code += alphabet[n % 32]
            n //= 32
        case_id = f"2026-{code}"
        (cases / f"{case_id}.yaml").write_text(text.replace(source_id, case_id))
    git(root, "add", "-A")
    git(root, "commit", "-qm", f"{count} generated cases")
    return root


def lines_per_case() -> float:
    files = list(map(Path, _variants()))
    return sum(len(p.read_text().splitlines()) for p in files) / len(files)
