"""Benchmarks for sealed cases (issue 12, DESIGN §6): what sealing costs.

- `bti validate` of 10,000 sealed cases, cold, against the same 10,000 cases in plain text (budget:
  within 2×). Sealed, it is run with the demo server's key, which opens every case: the most work.
- A command (`bti log add`, with its commit and both client hooks) on a sealed case in a 10,000-case
  repository, against the same command in the plain repository (budget: within 100 ms).

Run: .venv/bin/python tests/bench/bench_sealing.py [--cases N]
Each number is the best wall time of a few runs of the real command in a new process.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import ENV, PROJECT, SERVER_KEY, make_repository

BTI = [sys.executable, "-m", "bti"]
WORK = PROJECT / "tests" / "bench" / "_work"
HOLDER = "ingrid.lerer@fjordvik.example"
HOLDER_KEY = PROJECT / "examples" / "keys" / HOLDER


def cold_validate(repo: Path, env: dict[str, str], runs: int = 2) -> float:
    best = float("inf")
    for _ in range(runs):
        for cache in (repo / ".git" / "bti").glob("validate-cache*"):
            cache.unlink()
        start = time.perf_counter()
        result = subprocess.run(
            [*BTI, "validate"], cwd=repo, env=env, capture_output=True, text=True
        )
        best = min(best, time.perf_counter() - start)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return best


def holder_case(repo: Path) -> str:
    """An open case held by the bench's author, owned by her service."""
    for path in sorted((repo / "cases").iterdir()):
        text = path.read_text()
        if "\nstatus: open\n" in text and f"\nholder: {HOLDER}\n" in text:
            return path.stem
    raise SystemExit("no open case held by the bench's author")


def command(repo: Path, env: dict[str, str], runs: int = 5) -> float:
    subprocess.run([*BTI, "hooks", "install"], cwd=repo, env=env, check=True, capture_output=True)
    case_id = holder_case(repo)
    times = []
    for n in range(runs):
        start = time.perf_counter()
        result = subprocess.run(
            [*BTI, "log", "add", case_id, f"Oppfølging nr. {n}."],
            cwd=repo,
            env={**env, "BTI_NOW": f"2026-11-20T10:{n:02d}:00+01:00"},
            capture_output=True,
            text=True,
        )
        times.append(time.perf_counter() - start)
        assert result.returncode == 0, result.stdout + result.stderr
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    count = parser.parse_args().cases
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    holder = {
        **ENV,
        "GIT_AUTHOR_EMAIL": HOLDER,
        "GIT_COMMITTER_EMAIL": HOLDER,
        "GIT_CONFIG_COUNT": "0",
        "BTI_KEY_FILE": str(HOLDER_KEY),
    }
    server = {**holder, "BTI_KEY_FILE": str(SERVER_KEY)}

    start = time.perf_counter()
    plain = make_repository(WORK / "plain", count)
    sealed = make_repository(WORK / "sealed", count, sealed=True)
    print(f"repositories: 2 × {count:,} cases made in {time.perf_counter() - start:.1f} s")

    plain_s = cold_validate(plain, holder)
    sealed_s = cold_validate(sealed, server)
    mine_s = cold_validate(sealed, holder)
    print(f"bti validate cold, plain:   {plain_s:.2f} s = {count / plain_s:,.0f} cases/s")
    print(
        f"bti validate cold, sealed (server's key, every case opened): {sealed_s:.2f} s = "
        f"{count / sealed_s:,.0f} cases/s, {sealed_s / plain_s:.2f}× plain (budget ≤ 2×)"
    )
    print(
        f"bti validate cold, sealed (a teacher's key, her cases opened): {mine_s:.2f} s = "
        f"{mine_s / plain_s:.2f}× plain"
    )

    plain_cmd = command(plain, holder)
    sealed_cmd = command(sealed, holder)
    print(f"bti log add with its commit, plain case of {count:,}: {plain_cmd * 1000:.0f} ms")
    print(
        f"bti log add with its commit, sealed case of {count:,}: {sealed_cmd * 1000:.0f} ms, "
        f"{(sealed_cmd - plain_cmd) * 1000:+.0f} ms (budget ≤ +100 ms)"
    )


if __name__ == "__main__":
    main()
