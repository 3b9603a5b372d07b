from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bti.cli import main

LEADER = "kari.leder@fjordvik.example"
HOLDER = "ingrid.lerer@fjordvik.example"
NURSE = "nils.helse@fjordvik.example"
OUTSIDER = "ukjent@fjordvik.example"

# Every test runs at this instant unless it is about time and sets its own: bti's clock (BTI_NOW) and
# git's dates alike, so no test depends on the day it runs.
PINNED_NOW = "2026-11-20T10:00:00+01:00"

# Messages in English unless a test is about language and sets its own (BTI_LANG, or --lang): the
# repositories the tests make are bokmål by bti.yaml, and most tests read English messages. The hooks
# git starts inherit it.
os.environ["BTI_LANG"] = "en"


def clock_env(now: str = PINNED_NOW) -> dict[str, str]:
    """bti's clock and git's author and committer dates, all at `now`."""
    return {"BTI_NOW": now, "GIT_AUTHOR_DATE": now, "GIT_COMMITTER_DATE": now}


_KEYS: dict[str, Path] = {}
_KEY_DIR: list[Path] = []


def key_file(email: str) -> Path:
    """`email`'s private ed25519 key, made with ssh-keygen the first time a test asks (~10 ms),
    kept for the session: every test person has their own real key."""
    email = email.lower()
    if email not in _KEYS:
        if not _KEY_DIR:
            _KEY_DIR.append(Path(tempfile.mkdtemp(prefix="bti-test-keys-")))
        path = _KEY_DIR[0] / email
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", email, "-f", str(path)],
            check=True,
            capture_output=True,
        )
        _KEYS[email] = path
    return _KEYS[email]


def public_key(email: str) -> str:
    path = key_file(email)
    return path.with_name(path.name + ".pub").read_text().strip()


def git_env(email: str, *, signed: bool = True) -> dict[str, str]:
    """`email` as git's author; with `signed`, every commit git makes is signed with their key
    (through GIT_CONFIG_COUNT, so bti, raw git and the hooks all see it)."""
    env = {
        "GIT_AUTHOR_NAME": email.split("@")[0],
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": "bti test",
        "GIT_COMMITTER_EMAIL": "test@fjordvik.example",
    }
    env["GIT_CONFIG_COUNT"] = "0"  # unsigned: no signing from the surrounding environment
    if signed:
        config = {
            "gpg.format": "ssh",
            "user.signingkey": str(key_file(email)),
            "commit.gpgsign": "true",
        }
        env["GIT_CONFIG_COUNT"] = str(len(config))
        for i, (key, value) in enumerate(config.items()):
            env[f"GIT_CONFIG_KEY_{i}"] = key
            env[f"GIT_CONFIG_VALUE_{i}"] = value
    return env


@contextlib.contextmanager
def isolated_environment(home: Path) -> Iterator[None]:
    """For fixtures made once per module or session, outside each test's own isolation: no
    developer's git configuration, and faults in bti shown with their traceback."""
    saved = dict(os.environ)
    os.environ.update(
        {
            "HOME": str(home),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
            "BTI_DEBUG": "1",
            **git_env(LEADER),
            **clock_env(),
        }
    )
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(autouse=True)
def _isolated_git(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads the developer's own git configuration or the real clock."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("BTI_DEBUG", "1")  # a fault in bti fails the test with its traceback
    for key, value in {**git_env(LEADER), **clock_env()}.items():
        monkeypatch.setenv(key, value)


def git(cwd: Path, *args: str, env: dict[str, str] | None = None, check: bool = True) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})}
    )
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}{result.stdout}")
    return result.stdout


class Bti:
    """Runs bti commands in a folder, as a given person, through click's CliRunner."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.runner = CliRunner()

    def __call__(
        self, *args: str, who: str = LEADER, now: str | None = None, input: str | None = None
    ) -> Result:
        env = git_env(who)
        if now:
            env.update(clock_env(now))
        if args[:2] == ("person", "add") and "--key" not in args and "@" in "".join(args[2:3]):
            # Every test person has a real key: added as if they had run "bti key init".
            args = (*args, "--key", public_key(args[2]))
        if args[:1] == ("init",) and "--server-key" not in args and "--no-sealing" not in args:
            args = (*args, "--no-sealing")  # sealed repositories are made on purpose
        old = Path.cwd()
        os.chdir(self.cwd)
        try:
            return self.runner.invoke(
                main, list(args), env=env, input=input, catch_exceptions=False
            )
        finally:
            os.chdir(old)

    def ok(self, *args: str, **kwargs: str) -> Result:
        result = self(*args, **kwargs)  # type: ignore[arg-type]
        assert result.exit_code == 0, result.output
        return result


# The staff of the invented Fjordvik kommune that most server tests start from.
STAFF = [
    (LEADER, "Kari Fjellstad", "skole", "leader,holder"),
    (HOLDER, "Ingrid Strandli", "skole", "holder"),
    (NURSE, "Nils Bakkevik", "helsestasjon", "holder"),
]


def server_key(server: Path) -> Path:
    """The private sealing key `bti hooks install --server` made for the bare repository."""
    return server / "bti" / "server_ed25519"


def push(
    clone: Path, *refspecs: str, who: str = LEADER, env: dict[str, str] | None = None
) -> tuple[int, str]:
    """`git push origin REFSPECS` (default HEAD:main) as `who`; the exit code and what git said."""
    result = subprocess.run(
        ["git", "push", "origin", *(refspecs or ("HEAD:main",))],
        cwd=clone,
        capture_output=True,
        text=True,
        env={**os.environ, **git_env(who), **(env or {})},
    )
    return result.returncode, result.stderr


def server_with_clone(
    base: Path,
    people: list[tuple[str, str, str, str]] = STAFF,
    clone_name: str = "clone",
    *,
    sealed: bool = False,
) -> tuple[Path, Path]:
    """A bare server with bti's pre-receive hook, and a clone of it made a case repository with
    `people` (email, name, service, roles) and pushed. Call inside `isolated_environment`.
    `sealed`: the repository seals its cases to their readers and to the server's key (made by
    `bti hooks install --server`, kept in the server's git folder: server_key(server))."""
    server = base / "server.git"
    git(base, "init", "-q", "--bare", "-b", "main", str(server))
    Bti(base).ok("hooks", "install", "--server", str(server))
    clone = base / clone_name
    git(base, "clone", "-q", str(server), str(clone))
    bti = Bti(clone)
    if sealed:
        bti.ok(
            "init",
            "--municipality",
            "Fjordvik kommune",
            "--server-key",
            f"{server_key(server)}.pub",
        )
    else:
        bti.ok("init", "--municipality", "Fjordvik kommune")
    for email, name, service, roles in people:
        bti.ok("person", "add", email, "--name", name, "--service", service, "--role", roles)
    code, err = push(clone)
    assert code == 0, err
    return server, clone


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    return tmp_path


@pytest.fixture(scope="session")
def _repo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Made once: a case repository with a leader, a holder and a nurse (four real commits)."""
    root = tmp_path_factory.mktemp("template") / "repo"
    root.mkdir()
    home = tmp_path_factory.mktemp("template-home")
    with isolated_environment(home):
        bti = Bti(root)
        bti.ok("init", "--municipality", "Fjordvik kommune")
        bti.ok(
            "person",
            "add",
            LEADER,
            "--name",
            "Kari Fjellstad",
            "--service",
            "skole",
            "--role",
            "leader,holder",
        )
        bti.ok(
            "person",
            "add",
            HOLDER,
            "--name",
            "Ingrid Strandli",
            "--service",
            "skole",
            "--role",
            "holder",
        )
        bti.ok(
            "person",
            "add",
            NURSE,
            "--name",
            "Nils Bakkevik",
            "--service",
            "helsestasjon",
            "--role",
            "holder",
        )
    return root


@pytest.fixture
def repo(tmp_path: Path, _repo_template: Path) -> Iterator[Bti]:
    """A case repository with a leader, two holders and a nurse (a copy of the template)."""
    shutil.copytree(_repo_template, tmp_path / "repo", symlinks=True)
    yield Bti(tmp_path / "repo")


def new_case(bti: Bti, who: str = HOLDER, **options: str) -> str:
    args = [
        "case",
        "new",
        "--service",
        options.get("service", "skole"),
        "--name",
        options.get("name", "Ola Testesen"),
        "--born",
        options.get("born", "2015-03-02"),
        "--concern",
        options.get("concern", "Virker trist."),
    ]
    if "kind" in options:
        args += ["--kind", options["kind"]]
    result = bti.ok(*args, who=who)
    return result.output.strip().splitlines()[-1]


def level1_case(
    bti: Bti,
    guardian: tuple[str, str] = ("Mia Lund", "mor"),
    reason: str = "Tiltak i skolen",
    **options: str,
) -> str:
    """A case at level 1, held by HOLDER: a guardian with parental responsibility has consented
    to sharing between skole and helsestasjon."""
    case_id = new_case(bti, who=HOLDER, **options)
    name, relation = guardian
    bti.ok("guardian", "add", case_id, "--name", name, "--relation", relation, who=HOLDER)
    bti.ok(
        "consent",
        "add",
        case_id,
        "--given-by",
        name,
        "--services",
        "skole,helsestasjon",
        "--purpose",
        "Samarbeid",
        who=HOLDER,
    )
    bti.ok("level", "set", case_id, "1", "--reason", reason, who=HOLDER)
    return case_id
