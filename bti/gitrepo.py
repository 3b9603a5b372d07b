"""The only module that talks to git. Small named functions over `git` subprocesses.

Plain subprocesses, not GitPython, on every path a person waits for: a git process costs ~3 ms, while
importing GitPython costs ~90 ms before it does anything (see shared/MEASURED.md).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bti.errors import InputError, Refused


class GitError(InputError):
    """git failed in a way the user has to look at."""


@dataclass(frozen=True)
class Ident:
    name: str
    email: str


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("LC_ALL", "C.UTF-8")
    return env


def run(
    args: Sequence[str], cwd: Path | str, *, input: str | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    try:
        result = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=input,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=_env(),
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH", hint="install git first") from None
    if check and result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise GitError(f"git {args[0]} failed: {detail}")
    return result


def toplevel(path: Path) -> Path | None:
    result = run(["rev-parse", "--show-toplevel"], path, check=False)
    if result.returncode != 0:
        return None
    return Path(result.stdout.strip())


def git_dir(path: Path) -> Path | None:
    result = run(["rev-parse", "--absolute-git-dir"], path, check=False)
    return Path(result.stdout.strip()) if result.returncode == 0 else None


def init(path: Path) -> None:
    run(["init", "-q", "-b", "main", str(path)], path)


def has_head(path: Path) -> bool:
    return run(["rev-parse", "-q", "--verify", "HEAD^{commit}"], path, check=False).returncode == 0


_IDENT = re.compile(r"^(?P<name>.*?)\s*<(?P<email>[^>]*)>")


def author(path: Path) -> Ident:
    """Who is acting: git's author identity, so GIT_AUTHOR_EMAIL and `-c user.email=` both work."""
    result = run(["var", "GIT_AUTHOR_IDENT"], path, check=False)
    match = _IDENT.match(result.stdout.strip()) if result.returncode == 0 else None
    if match is None or not match.group("email"):
        raise InputError(
            "git does not know who you are, so bti cannot tell who is making this change",
            hint="set it once: git config --global user.name 'Your Name' && "
            "git config --global user.email you@kommune.no",
        )
    return Ident(match.group("name"), match.group("email").lower())


def commit(path: Path, files: Sequence[Path], message: str) -> str:
    """Stage `files` and commit exactly them with `message`; return the new commit id."""
    names = [str(f) for f in files]
    run(["add", "--", *names], path)
    result = run(["commit", "-q", "-m", message, "--", *names], path, check=False)
    if result.returncode != 0:
        detail = (result.stderr + result.stdout).strip()
        raise Refused(
            f"git refused the commit:\n{detail}",
            hint="nothing was committed; fix what the message names and try again",
        )
    return run(["rev-parse", "HEAD"], path).stdout.strip()


def unstage(path: Path, files: Sequence[Path]) -> None:
    """Put the index entries of `files` back to HEAD (after a refused commit); history is untouched."""
    run(["reset", "-q", "--", *[str(f) for f in files]], path, check=False)


def blob_id(data: bytes) -> str:
    """The id git gives this content as a blob: the key for every cached judgment."""
    import hashlib

    return hashlib.sha1(b"blob %d\x00" % len(data) + data, usedforsecurity=False).hexdigest()
