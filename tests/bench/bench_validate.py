"""Benchmarks for DESIGN §6: `bti --help`, and `bti validate` of 10,000 cases, cold and warm.

Run: .venv/bin/python tests/bench/bench_validate.py [--cases N]
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
from _corpus import ENV, PROJECT, lines_per_case, make_repository

BTI = [sys.executable, "-m", "bti"]
WORK = PROJECT / "tests" / "bench" / "_work"


def wall(args: list[str], cwd: Path, runs: int = 3, env: dict[str, str] | None = None) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, cwd=cwd, env=env or ENV, check=False, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    count = parser.parse_args().cases
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")

    bin_bti = Path(sys.executable).parent / "bti"
    help_s = wall([str(bin_bti), "--help"], PROJECT, runs=7)
    print(f"bti --help: {help_s * 1000:.0f} ms wall (budget 150 ms)")
    # In nynorsk, from the catalogue, with a subcommand's help translated where click formats it.
    nynorsk = {**ENV, "BTI_LANG": "nn"}
    for args in (["--help"], ["case", "new", "--help"]):
        seconds = wall([str(bin_bti), *args], PROJECT, runs=7, env=nynorsk)
        print(f"bti {' '.join(args)} in nynorsk: {seconds * 1000:.0f} ms wall (budget 150 ms)")

    repo = make_repository(WORK / "validate", count)
    print(f"repository: {count} cases, {lines_per_case():.0f} lines per case on average")
    cache = repo / ".git" / "bti" / "validate-cache.json"

    cold = []
    for _ in range(2):
        cache.unlink(missing_ok=True)
        start = time.perf_counter()
        result = subprocess.run(
            [*BTI, "validate"], cwd=repo, env=ENV, capture_output=True, text=True
        )
        cold.append(time.perf_counter() - start)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    cold_s = min(cold)
    warm_s = wall([*BTI, "validate"], repo, runs=3)
    serial = subprocess.run(
        [*BTI, "validate", "--no-cache", "--jobs", "1"], cwd=repo, env=ENV, capture_output=True
    )
    assert serial.returncode == 0
    start = time.perf_counter()
    subprocess.run(
        [*BTI, "validate", "--no-cache", "--jobs", "1"], cwd=repo, env=ENV, capture_output=True
    )
    serial_s = time.perf_counter() - start
    print(f"bti validate cold:  {cold_s:.2f} s = {count / cold_s:,.0f} cases/s (budget ≥ 700)")
    print(f"  one process only: {serial_s:.2f} s = {count / serial_s:,.0f} cases/s")
    print(f"bti validate warm:  {warm_s:.2f} s = {count / warm_s:,.0f} cases/s (budget ≥ 5,000)")


if __name__ == "__main__":
    main()
