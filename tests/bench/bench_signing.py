"""What signing costs: a mutating command signed and unsigned, and pre-receive of N signed commits.

    .venv/bin/python tests/bench/bench_signing.py [N]

Budgets (DESIGN §6 and issue 11): signing adds under 50 ms to a command; pre-receive of 1,000
commits stays under 3 s. Everything runs in a temporary folder with its own HOME and keys.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BTI = [sys.executable, "-m", "bti"]
LEADER = "kari.leder@fjordvik.example"


def run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stderr}{result.stdout}")
    return result.stdout


def timed(args: list[str], cwd: Path, env: dict[str, str], times: int) -> float:
    spent = []
    for _ in range(times):
        start = time.perf_counter()
        run(args, cwd, env)
        spent.append(time.perf_counter() - start)
    return statistics.median(spent) * 1000


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    base = Path(tempfile.mkdtemp(prefix="bti-bench-sign-"))
    key = base / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    env = {
        **os.environ,
        "HOME": str(base),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": str(base / ".gitconfig"),
        "GIT_AUTHOR_NAME": "Kari",
        "GIT_AUTHOR_EMAIL": LEADER,
        "GIT_COMMITTER_NAME": "Kari",
        "GIT_COMMITTER_EMAIL": LEADER,
    }
    server = base / "server.git"
    run(["git", "init", "-q", "--bare", "-b", "main", str(server)], base, env)
    run([*BTI, "hooks", "install", "--server", str(server)], base, env)
    repo = base / "repo"
    run(["git", "clone", "-q", str(server), str(repo)], base, env)
    run([*BTI, "init", "--municipality", "Bench"], repo, env)
    run([*BTI, "key", "init", "--key-file", str(key)], repo, env)
    public = key.with_name("id_ed25519.pub").read_text().strip()
    run([*BTI, "person", "add", LEADER, "--name", "Kari Leder", "--service", "skole",
         "--role", "leader,holder", "--key", public], repo, env)  # fmt: skip
    case = run([*BTI, "case", "new", "--service", "skole", "--name", "Ola Testesen",
                "--born", "2015-03-02", "--concern", "Trist."], repo, env).split()[-1]  # fmt: skip
    log_add = [*BTI, "log", "add", case, "Samtale."]
    signed = timed(log_add, repo, env, 7)
    run(["git", "push", "-q", "origin", "HEAD:main"], repo, env)

    config = repo / "bti.yaml"
    config.write_text(config.read_text().replace("signatures: required", "signatures: 'off'"))
    run(["git", "commit", "-qam", "bti.yaml: signatures off"], repo, env)
    run(["git", "config", "commit.gpgsign", "false"], repo, env)
    unsigned = timed(log_add, repo, env, 7)
    run(["git", "reset", "-q", "--hard", "origin/main"], repo, env)
    run(["git", "config", "commit.gpgsign", "true"], repo, env)
    print(f"log add, median of 7: signed {signed:.0f} ms, unsigned {unsigned:.0f} ms, "
          f"signing adds {signed - unsigned:.0f} ms (budget 50)")  # fmt: skip

    # Each commit changes a file: a commit without changes takes git's slow path in
    # gitrepo.history (a process per commit), which would measure that, not signatures.
    readme = repo / "README.md"
    for i in range(count):
        readme.write_text(f"Bench {i}\n")
        run(["git", "add", "README.md"], repo, env)
        run(["git", "commit", "-q", "--no-verify", "-m", f"readme {i}"], repo, env)
    start = time.perf_counter()
    run(["git", "push", "-q", "origin", "HEAD:main"], repo, env)
    print(f"pre-receive push of {count} signed commits: {time.perf_counter() - start:.2f} s "
          "(budget 3 s)")  # fmt: skip


if __name__ == "__main__":
    main()
