"""Benchmark for DESIGN §6 / issue 4: `bti audit verify` over a generated history of 100,000
commits on 2,000 cases — cold, and again after 1,000 new commits — beside `git log -p` over the
same history, in the same run.

Run: .venv/bin/python tests/bench/bench_audit.py [--cases 2000] [--commits 100000]
The history is written with `git fast-import` (a minute or two); every commit appends one log entry
to one case, as the holder would, so the whole history is lawful and verify must find nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import ENV, PROJECT, git

WORK = PROJECT / "tests" / "bench" / "_work"
AUTHOR = "ingrid.lerer@fjordvik.example"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
START = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
# Commits come 30 s apart, so 100,000 of them reach into December. The audit runs after its
# history, as it does in life: its clock is set past the last commit (it bounds commit times by now).
AUDIT_AT = (START + dt.timedelta(days=90)).isoformat()


def case_id(i: int) -> str:
    code = ""
    for _ in range(5):
        code += ALPHABET[i % 32]
        i //= 32
    return f"2026-{code}"


def holder_of(text: str) -> str:
    match = re.search(r"\nholder: (\S+)", text)
    return match.group(1) if match else AUTHOR


def _data(out: list[bytes], content: bytes) -> None:
    out.append(b"data %d\n" % len(content))
    out.append(content)
    out.append(b"\n")


class History:
    """Writes commits through one `git fast-import` process, keeping each case's text."""

    def __init__(self, repo: Path, cases: int) -> None:
        self.repo = repo
        self.texts: dict[str, str] = {}
        self.count = 0
        self.proc = subprocess.Popen(
            ["git", "fast-import", "--quiet", "--done"], cwd=repo, stdin=subprocess.PIPE, env=ENV
        )
        # Each case is opened by its holder, in their own service (BTI210), so its entries are
        # written in the holder's name (an entry in someone else's name is BTI308, and this
        # history is meant to be lawful).
        sources = [
            re.sub(r"(\n    author: )\S+", rf"\g<1>{holder_of(p.read_text())}", p.read_text())
            for p in sorted((PROJECT / "cases").glob("*.yaml"))
            if "\nstatus: open\n" in p.read_text() and "\nhandovers: []\n" in p.read_text()
        ]
        self.first = False
        settings = {
            "bti.yaml": (PROJECT / "bti.yaml").read_text(),
            "people.yaml": (PROJECT / "people.yaml").read_text(),
        }
        self.commit("settings", settings)
        by_holder: dict[str, dict[str, str]] = {}
        for i in range(cases):
            source = sources[i % len(sources)]
            old_id = source.split("\nid: ", 1)[1].split("\n", 1)[0]
            text = source.replace(old_id, case_id(i))
            self.texts[case_id(i)] = text
            by_holder.setdefault(holder_of(text), {})[f"cases/{case_id(i)}.yaml"] = text
        for holder, files in by_holder.items():
            self.commit("generated cases", files, holder)

    def commit(self, message: str, files: dict[str, str], author: str = AUTHOR) -> None:
        when = START + dt.timedelta(seconds=30 * self.count)
        stamp = f"{int(when.timestamp())} +0100".encode()
        out = [
            b"commit refs/heads/main\n",
            b"author Staff <" + author.encode() + b"> " + stamp + b"\n",
            b"committer Staff <" + author.encode() + b"> " + stamp + b"\n",
        ]
        _data(out, message.encode())
        if self.first:  # the first commit of a process that continues an existing branch
            out.append(b"from refs/heads/main^0\n")
            self.first = False
        for path, text in files.items():
            out.append(b"M 100644 inline " + path.encode() + b"\n")
            _data(out, text.encode())
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"".join(out))
        self.count += 1

    def append_entry(self, i: int) -> None:
        cid = case_id(i % len(self.texts))
        when = START + dt.timedelta(seconds=30 * self.count)
        holder = holder_of(self.texts[cid])  # who may write in the case (BTI211)
        self.texts[cid] += (
            f"  - time: {when.isoformat()}\n    author: {holder}\n"
            f"    kind: note\n    text: Oppfølging nr. {i}.\n"
        )
        self.commit(f"{cid}: entry added", {f"cases/{cid}.yaml": self.texts[cid]}, holder)

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"done\n")
        self.proc.stdin.close()
        assert self.proc.wait() == 0


def timed(args: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    env = {**ENV, "BTI_NOW": AUDIT_AT}
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=2_000)
    parser.add_argument("--commits", type=int, default=100_000)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the history written by an earlier run (and what verify remembers)",
    )
    args = parser.parse_args()
    repo = WORK / "audit"
    start = time.perf_counter()
    if not (args.reuse and repo.exists()):
        if repo.exists():
            shutil.rmtree(repo)
        repo.mkdir(parents=True)
        git(repo, "init", "-q", "-b", "main")
        history = History(repo, args.cases)
        for i in range(args.commits - 1 - len({holder_of(t) for t in history.texts.values()})):
            history.append_entry(i)
        history.close()
        git(repo, "checkout", "-q", "-f", "main")
        shutil.rmtree(repo / ".git" / "bti", ignore_errors=True)
    total = int(git(repo, "rev-list", "--count", "HEAD"))
    print(
        f"history: {total:,} commits over {args.cases:,} cases, written in "
        f"{time.perf_counter() - start:.0f} s"
    )

    log_s, _ = timed(["git", "log", "-p", "--format=%H"], repo)
    print(f"git log -p over the same history: {log_s:.1f} s = {total / log_s:,.0f} commits/s")
    bti = [sys.executable, "-m", "bti", "audit", "verify"]
    cold_s, result = timed(bti, repo)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    print(
        f"bti audit verify, {'first run on a kept history' if args.reuse else 'cold'}: "
        f"{cold_s:.1f} s = {total / cold_s:,.0f} commits/s (budget ≥ 3,000 and within 3× of git log -p)"
    )
    warm_s, result = timed(bti, repo)
    assert result.returncode == 0
    print(
        f"bti audit verify, nothing new: {warm_s:.2f} s = {total / warm_s:,.0f} commits/s "
        "(budget ≥ 20,000 over the verified part)"
    )

    history = History.__new__(History)
    history.repo, history.count, history.first = repo, total, True
    history.texts = {
        case_id(i): (repo / "cases" / f"{case_id(i)}.yaml").read_text() for i in range(args.cases)
    }
    history.proc = subprocess.Popen(
        ["git", "fast-import", "--quiet", "--done"], cwd=repo, stdin=subprocess.PIPE, env=ENV
    )
    for i in range(1_000):
        history.append_entry(total + i * 7)
    history.close()
    git(repo, "checkout", "-q", "-f", "main")
    again_s, result = timed(bti, repo)
    assert result.returncode == 0, result.stderr[-2000:]
    print(
        f"bti audit verify after 1,000 new commits: {again_s:.2f} s (budget 5 s); "
        f"{result.stderr.strip().splitlines()[-1]}"
    )


if __name__ == "__main__":
    main()
