"""Benchmarks for DESIGN §6: the pre-commit hook with one staged case in a repository of 10,000
cases (budget 300 ms), the commit-msg hook checking every name of those cases (cold and warm name
cache; budget 300 ms warm), and pre-receive for a push of 1,000 commits (budget 3 s).

Run: .venv/bin/python tests/bench/bench_hooks.py [--cases N] [--commits N]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import ENV, PROJECT, git, make_repository

WORK = PROJECT / "tests" / "bench" / "_work"
HOOK = [sys.executable, "-m", "bti", "hook"]
ENTRY = "  - time: 2026-11-02T10:{m:02d}:{s:02d}+01:00\n    author: ingrid.lerer@fjordvik.example\n    kind: note\n    text: Oppfølging nr. {n}.\n"


def append_entry(path: Path, n: int) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(ENTRY.format(m=(n // 60) % 60, s=n % 60, n=n))


def open_cases(repo: Path) -> list[Path]:
    """Cases the bench's author (a teacher at skole) may lawfully append an entry to: open (a
    closed case changes only by reopening) and owned by skole, so that she works in it (BTI211)."""
    return [
        p
        for p in sorted((repo / "cases").iterdir())
        if "\nstatus: open\n" in p.read_text() and "\nowner_service: skole\n" in p.read_text()
    ]


def bench_pre_commit(cases: int) -> None:
    repo = make_repository(WORK / "hooks", cases)
    subprocess.run(
        [sys.executable, "-m", "bti", "hooks", "install"],
        cwd=repo,
        env=ENV,
        check=True,
        capture_output=True,
    )
    files = open_cases(repo)
    target = files[len(files) // 2]
    hook_times, commit_times = [], []
    for n in range(5):
        append_entry(target, n)
        git(repo, "add", str(target))
        start = time.perf_counter()
        result = subprocess.run([*HOOK, "pre-commit"], cwd=repo, env=ENV, capture_output=True)
        hook_times.append(time.perf_counter() - start)
        assert result.returncode == 0, result.stderr
        start = time.perf_counter()
        git(repo, "commit", "-q", "-m", f"{target.stem}: entry added")
        commit_times.append(time.perf_counter() - start)
    print(
        f"pre-commit hook, 1 staged case of {cases}: {min(hook_times) * 1000:.0f} ms wall "
        f"(median {sorted(hook_times)[2] * 1000:.0f} ms; budget 300 ms)"
    )
    print(
        f"  a whole 'git commit' with pre-commit and commit-msg: {min(commit_times) * 1000:.0f} ms"
    )


def bench_commit_msg(cases: int) -> None:
    """commit-msg against the names of every case (HEAD and index), cold and warm cache."""
    repo = make_repository(WORK / "names", cases)
    # every child and guardian a name of their own, as in a real repository
    syllables = ["ka", "ri", "ol", "se", "mi", "ta", "no", "vi", "lu", "de", "ha", "jo"]
    for i, path in enumerate(sorted((repo / "cases").iterdir())):
        text = path.read_text()
        for n, line in enumerate(re.findall(r"^ *-? *name: .*$", text, re.MULTILINE)):
            code = i * 4 + n
            given = "".join(syllables[(code // 12**k) % 12] for k in range(3)).title()
            family = "".join(syllables[(code // 12**k + 5) % 12] for k in range(4)).title()
            text = text.replace(line, f"{line.split('name:')[0]}name: {given} {family}sen", 1)
        path.write_text(text)
    git(repo, "commit", "-qam", "names")
    message = repo / ".git" / "BENCH_MSG"
    message.write_text("2026-00000: entry added\n\n# Please enter the commit message.\n")
    cache = repo / ".git" / "bti"
    cold, warm = [], []
    for _ in range(2):
        shutil.rmtree(cache, ignore_errors=True)
        start = time.perf_counter()
        result = subprocess.run(
            [*HOOK, "commit-msg", str(message)], cwd=repo, env=ENV, capture_output=True
        )
        cold.append(time.perf_counter() - start)
        assert result.returncode == 0, result.stderr
    for _ in range(5):
        start = time.perf_counter()
        result = subprocess.run(
            [*HOOK, "commit-msg", str(message)], cwd=repo, env=ENV, capture_output=True
        )
        warm.append(time.perf_counter() - start)
        assert result.returncode == 0, result.stderr
    print(
        f"commit-msg hook, names of {cases} cases: warm cache {min(warm) * 1000:.0f} ms wall "
        f"(median {sorted(warm)[2] * 1000:.0f} ms; budget 300 ms), "
        f"cold cache {min(cold) * 1000:.0f} ms ({sum(f.stat().st_size for f in cache.iterdir()) / 1e6:.1f} MB cache)"
    )


def bench_pre_receive(commits: int) -> None:
    repo = make_repository(WORK / "push", 200)
    server = WORK / "push.git"
    subprocess.run(["rm", "-rf", str(server)], check=True)
    git(WORK, "init", "-q", "--bare", "-b", "main", str(server))
    git(repo, "remote", "add", "origin", str(server))
    git(repo, "push", "-q", "origin", "main")
    subprocess.run(
        [sys.executable, "-m", "bti", "hooks", "install", "--server", str(server)],
        env=ENV,
        check=True,
        capture_output=True,
    )
    files = open_cases(repo)
    for n in range(commits):
        target = files[n % len(files)]
        append_entry(target, n)
        git(repo, "commit", "-q", "--no-verify", "-am", f"{target.stem}: entry added")
    start = time.perf_counter()
    result = subprocess.run(
        ["git", "push", "-q", "origin", "main"], cwd=repo, env=ENV, capture_output=True, text=True
    )
    took = time.perf_counter() - start
    assert result.returncode == 0, result.stderr[-3000:]
    print(
        f"pre-receive, push of {commits} commits: {took:.2f} s wall, "
        f"{commits / took:,.0f} commits/s (budget 3 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=1_000)
    args = parser.parse_args()
    bench_pre_commit(args.cases)
    bench_commit_msg(args.cases)
    bench_pre_receive(args.commits)


if __name__ == "__main__":
    main()
