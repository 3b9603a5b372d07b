"""Local safety: one command at a time in a clone, nothing half-written when a commit fails, and a
plain word about git's own stale lock. Real git, real hooks, real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from bti import lock
from tests.conftest import HOLDER, Bti, git, git_env, new_case


def _case_file(bti: Bti, case_id: str) -> Path:
    return bti.cwd / "cases" / f"{case_id}.yaml"


def _texts(path: Path) -> list[str]:
    return [e["text"] for e in yaml.safe_load(path.read_text("utf-8"))["log"]]


def _clean(bti: Bti) -> None:
    assert git(bti.cwd, "status", "--porcelain") == ""
    assert git(bti.cwd, "diff", "--cached", "--name-only") == ""


def _spawn(bti: Bti, *args: str, **env: str) -> subprocess.Popen[str]:
    """The installed bti in its own process (and its own process group, to kill it whole)."""
    return subprocess.Popen(
        [sys.executable, "-m", "bti", *args],
        cwd=bti.cwd,
        env={**os.environ, **git_env(HOLDER), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _slow_hook(bti: Bti, seconds: float, then: str) -> Path:
    """Put a pre-commit hook in front of bti's that says it started, then sleeps."""
    hooks = bti.cwd / ".git" / "hooks"
    started = bti.cwd.parent / "hook-started"
    (hooks / "pre-commit").rename(hooks / "pre-commit.real")
    script = f'#!/bin/sh\ntouch "{started}"\nsleep {seconds}\n{then}\n'
    (hooks / "pre-commit").write_text(script, "utf-8")
    (hooks / "pre-commit").chmod(0o755)
    return started


def _restore_hook(bti: Bti) -> None:
    hooks = bti.cwd / ".git" / "hooks"
    (hooks / "pre-commit.real").replace(hooks / "pre-commit")


def _wait_for(path: Path, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.02)


# -- git's own stale lock ------------------------------------------------------------------------


def test_stale_index_lock_is_named_and_nothing_is_written(repo: Bti) -> None:
    case_id = new_case(repo, who=HOLDER)
    path = _case_file(repo, case_id)
    before = path.read_bytes()
    index_lock = repo.cwd / ".git" / "index.lock"
    index_lock.write_bytes(b"")  # what a git killed at the wrong moment leaves
    result = repo("log", "add", case_id, "Første forsøk", who=HOLDER)
    assert result.exit_code == 1, result.output
    assert "index.lock" in result.output and "rm '" in result.output
    assert "if no git or bti program is running" in result.output
    assert "Traceback" not in result.output
    assert path.read_bytes() == before
    assert index_lock.exists()  # never deleted by bti: only a person can tell it is stale
    index_lock.unlink()
    _clean(repo)
    head = git(repo.cwd, "rev-parse", "HEAD").strip()
    repo.ok("log", "add", case_id, "Andre forsøk", who=HOLDER)
    assert git(repo.cwd, "rev-list", "--count", f"{head}..HEAD").strip() == "1"
    assert git(repo.cwd, "log", "-1", "--format=%s").strip() == f"{case_id}: entry added"
    texts = _texts(path)
    assert "Andre forsøk" in texts and "Første forsøk" not in texts
    _clean(repo)


def test_refused_commit_puts_file_and_index_back(repo: Bti) -> None:
    case_id = new_case(repo, who=HOLDER)
    path = _case_file(repo, case_id)
    before = path.read_bytes()
    _slow_hook(repo, 0, "echo 'a hook says no' >&2; exit 1")
    try:
        result = repo("log", "add", case_id, "Blir ikke med", who=HOLDER)
    finally:
        _restore_hook(repo)
    assert result.exit_code == 1 and "a hook says no" in result.output
    assert path.read_bytes() == before
    _clean(repo)


def test_refused_commit_keeps_what_the_person_had_staged(repo: Bti) -> None:
    """The index entry goes back to what it was, not to HEAD: a person's staged edit stays staged."""
    case_id = new_case(repo, who=HOLDER)
    path = _case_file(repo, case_id)
    path.write_text(path.read_text("utf-8") + "# notert for hånd\n", "utf-8")
    git(repo.cwd, "add", str(path))
    staged = git(repo.cwd, "ls-files", "-s", str(path))
    before = path.read_bytes()
    _slow_hook(repo, 0, "exit 1")
    try:
        result = repo("log", "add", case_id, "Blir ikke med", who=HOLDER)
    finally:
        _restore_hook(repo)
    assert result.exit_code == 1
    assert path.read_bytes() == before
    assert git(repo.cwd, "ls-files", "-s", str(path)) == staged


def test_refused_commit_of_a_new_file_removes_it(repo: Bti) -> None:
    _slow_hook(repo, 0, "exit 1")
    try:
        result = repo(
            *("case", "new", "--service", "skole", "--name", "Per Prøve", "--born", "2016-01-01"),
            who=HOLDER,
        )
    finally:
        _restore_hook(repo)
    assert result.exit_code == 1
    assert list((repo.cwd / "cases").glob("*.yaml")) == []
    _clean(repo)


# -- one command at a time -----------------------------------------------------------------------


def test_a_second_command_says_who_holds_the_lock(repo: Bti) -> None:
    case_id = new_case(repo, who=HOLDER)
    before = _case_file(repo, case_id).read_bytes()
    held = lock.acquire(repo.cwd / ".git", "bti log add …")
    try:
        started = time.monotonic()
        proc = _spawn(repo, "log", "add", case_id, "Venter", BTI_LOCK_WAIT="0.5")
        _, err = proc.communicate(timeout=30)
        waited = time.monotonic() - started
    finally:
        lock.release(held)
    assert proc.returncode == 1, err
    assert (
        f"another bti command is running in this clone (pid {os.getpid()}, `bti log add …`" in err
    )
    assert "wait for it to finish" in err and "Traceback" not in err
    assert waited >= 0.5
    assert _case_file(repo, case_id).read_bytes() == before
    _clean(repo)


def test_a_second_command_waits_for_the_first(repo: Bti) -> None:
    """A command holding the lock through a slow hook; the next one waits, then runs."""
    case_id = new_case(repo, who=HOLDER)
    started = _slow_hook(repo, 1, 'exec "$(dirname "$0")/pre-commit.real" "$@"')
    try:
        first = _spawn(repo, "log", "add", case_id, "Den første")
        _wait_for(started)
        second = _spawn(repo, "log", "add", case_id, "Den andre")
        assert first.wait(timeout=30) == 0, first.communicate()
        assert second.wait(timeout=30) == 0, second.communicate()
    finally:
        _restore_hook(repo)
    texts = _texts(_case_file(repo, case_id))
    assert texts.count("Den første") == 1 and texts.count("Den andre") == 1
    _clean(repo)


@pytest.mark.slow
def test_two_commands_at_once_lose_nothing(repo: Bti) -> None:
    case_id = new_case(repo, who=HOLDER)
    path = _case_file(repo, case_id)
    # The race is in bti's own read, write and commit; the hooks would only triple the time (each
    # command judges its change itself before it writes, and the hook tests run them).
    git(repo.cwd, "config", "core.hooksPath", str(repo.cwd.parent / "no-hooks"))
    commits_before = int(git(repo.cwd, "rev-list", "--count", "HEAD", "--", str(path)))
    rounds = 20
    for n in range(rounds):
        procs = [_spawn(repo, "log", "add", case_id, f"Runde {n} fra {p}") for p in "AB"]
        for proc in procs:
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
    commits = int(git(repo.cwd, "rev-list", "--count", "HEAD", "--", str(path)))
    assert commits - commits_before == 2 * rounds
    texts = _texts(path)
    for n in range(rounds):
        for p in "AB":
            assert texts.count(f"Runde {n} fra {p}") == 1
    _clean(repo)


# -- killed at the wrong moment ------------------------------------------------------------------


def test_killed_mid_commit_leaves_the_next_command_working(repo: Bti) -> None:
    case_id = new_case(repo, who=HOLDER)
    path = _case_file(repo, case_id)
    before = path.read_bytes()
    started = _slow_hook(repo, 30, "exit 0")
    try:
        proc = _spawn(repo, "log", "add", case_id, "Drept underveis")
        _wait_for(started)
        os.killpg(proc.pid, signal.SIGKILL)  # bti, git and the hook, all at once
        proc.communicate(timeout=10)
    finally:
        _restore_hook(repo)
    # git was killed holding its index lock: the next command says so and touches nothing.
    index_lock = repo.cwd / ".git" / "index.lock"
    assert index_lock.exists()
    result = repo("log", "add", case_id, "Neste", who=HOLDER)
    assert result.exit_code == 1 and "index.lock" in result.output
    # The person removes it as told; the next command undoes the killed one's write, then works.
    index_lock.unlink()
    result = repo("log", "add", case_id, "Neste", who=HOLDER)
    assert result.exit_code == 0, result.output
    assert "was stopped before its commit" in result.output
    texts = _texts(path)
    assert "Neste" in texts and "Drept underveis" not in texts
    assert git(repo.cwd, "show", "HEAD~1:" + path.relative_to(repo.cwd).as_posix()).encode() == (
        before
    )
    _clean(repo)


def test_sigterm_mid_commit_waits_then_puts_everything_back(repo: Bti) -> None:
    case_id = new_case(repo, who=HOLDER)
    path = _case_file(repo, case_id)
    before = path.read_bytes()
    started = _slow_hook(repo, 1, "exit 1")
    try:
        proc = _spawn(repo, "log", "add", case_id, "Avbrutt")
        _wait_for(started)
        proc.send_signal(signal.SIGTERM)  # to bti alone: git and the hook carry on
        _, err = proc.communicate(timeout=30)
    finally:
        _restore_hook(repo)
    assert proc.returncode == 130, err
    assert "interrupted; nothing was left half-written" in err and "Traceback" not in err
    assert path.read_bytes() == before
    assert not (repo.cwd / ".git" / "index.lock").exists()
    _clean(repo)
