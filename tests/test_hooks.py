"""Client hooks installed for real and run by a real `git commit`."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import yaml

from bti.hooks import MARKER, hooks_dir
from tests.conftest import HOLDER, NURSE, PINNED_NOW, Bti, git, git_env, new_case

PROJECT = Path(__file__).resolve().parents[1]


def commit(
    repo: Path, message: str, who: str = HOLDER, *extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "commit", "-q", "-m", message, *extra],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**os.environ, **git_env(who)},
    )


def test_init_installs_both_client_hooks(repo: Bti) -> None:
    folder = hooks_dir(repo.cwd)
    for name in ("pre-commit", "commit-msg"):
        text = (folder / name).read_text()
        assert MARKER in text and "-m bti hook " + name in text
        assert os.access(folder / name, os.X_OK)


def test_existing_hook_is_chained_and_restored(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    folder = tmp_path / ".git" / "hooks"
    folder.mkdir(exist_ok=True)
    mine = folder / "pre-commit"
    mine.write_text("#!/bin/sh\necho my-own-hook-ran >&2\nexit 0\n")
    mine.chmod(0o755)
    Bti(tmp_path).ok("init")
    assert (folder / "pre-commit.bti-previous").exists()
    (tmp_path / "README.md").write_text("x\n")
    git(tmp_path, "add", "README.md")
    result = commit(tmp_path, "plain file")
    assert result.returncode == 0 and "my-own-hook-ran" in result.stderr
    # A failing earlier hook still stops the commit.
    mine2 = folder / "pre-commit.bti-previous"
    mine2.write_text("#!/bin/sh\necho no >&2\nexit 3\n")
    (tmp_path / "y.txt").write_text("y\n")
    git(tmp_path, "add", "y.txt")
    assert commit(tmp_path, "blocked").returncode != 0
    Bti(tmp_path).ok("hooks", "uninstall")
    assert (folder / "pre-commit").read_text().startswith("#!/bin/sh\necho no")
    assert not (folder / "commit-msg").exists()
    assert "no bti hooks" in Bti(tmp_path).ok("hooks", "uninstall").output


def test_reinstall_does_not_chain_itself(repo: Bti) -> None:
    repo.ok("hooks", "install")
    repo.ok("hooks", "install")
    assert not (hooks_dir(repo.cwd) / "pre-commit.bti-previous").exists()


def test_pre_commit_refuses_a_hand_edited_holder(repo: Bti) -> None:
    case_id = new_case(repo, who=HOLDER)
    path = repo.cwd / "cases" / f"{case_id}.yaml"
    path.write_text(path.read_text().replace(f"holder: {HOLDER}", f"holder: {NURSE}"))
    git(repo.cwd, "add", "-A")
    result = commit(repo.cwd, f"{case_id}: holder")
    assert result.returncode != 0
    assert f"cases/{case_id}.yaml:" in result.stderr and "BTI202 error" in result.stderr
    assert git(repo.cwd, "log", "-1", "--format=%s").strip() == f"{case_id}: opened at level 0"


def test_pre_commit_judges_the_staged_version_not_the_worktree(repo: Bti) -> None:
    case_id = new_case(repo, who=HOLDER)
    path = repo.cwd / "cases" / f"{case_id}.yaml"
    good = path.read_text()
    path.write_text(
        good + f"  - time: {PINNED_NOW}\n    author: {HOLDER}\n"
        "    kind: note\n    text: Ny samtale.\n"
    )
    git(repo.cwd, "add", "-A")
    path.write_text(good.replace(f"holder: {HOLDER}", f"holder: {NURSE}"))  # not staged
    result = commit(repo.cwd, f"{case_id}: entry")
    assert result.returncode == 0, result.stderr


def test_same_violation_same_text_from_validate_hook_and_server(repo: Bti, tmp_path: Path) -> None:
    case_id = new_case(repo, who=HOLDER)
    path = repo.cwd / "cases" / f"{case_id}.yaml"
    path.write_text(path.read_text().replace("level: 0", "level: 2"))
    validate_line = next(line for line in repo("validate").stdout.splitlines() if "BTI101" in line)
    refused = repo("log", "add", case_id, "Samtale", who=HOLDER)  # the command judges first
    assert refused.exit_code == 1
    command_line = next(line for line in refused.output.splitlines() if "BTI101" in line)
    assert command_line.strip() == validate_line
    git(repo.cwd, "add", "-A")
    hook = commit(repo.cwd, f"{case_id}: level")
    hook_line = next(line for line in hook.stderr.splitlines() if "BTI101" in line)
    assert hook_line == validate_line
    server = tmp_path / "server.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(server))
    Bti(tmp_path).ok("hooks", "install", "--server", str(server))
    git(repo.cwd, "commit", "-q", "--no-verify", "-m", f"{case_id}: level")
    git(repo.cwd, "remote", "add", "origin", str(server))
    pushed = subprocess.run(
        ["git", "push", "origin", "HEAD:main"], cwd=repo.cwd, capture_output=True, text=True
    )
    assert pushed.returncode != 0
    server_line = next(line for line in pushed.stderr.splitlines() if "BTI101" in line)
    assert server_line.rstrip().endswith(validate_line)
    audit = json.loads(repo("audit", "verify", "--format", "json").stdout)
    landed = next(v for v in audit if v["code"] == "BTI101")
    assert validate_line == (
        f"{landed['file']}:{landed['line']}:{validate_line.split(':')[2]}: BTI101 error: "
        f"{landed['message']}"
    )


def test_commit_msg_refuses_a_name_or_a_national_id(repo: Bti) -> None:
    case_id = new_case(repo, who=HOLDER, name="Mathea Lund")
    path = repo.cwd / "cases" / f"{case_id}.yaml"
    path.write_text(
        path.read_text() + f"  - time: {PINNED_NOW}\n    author: {HOLDER}\n"
        "    kind: note\n    text: Samtale.\n"
    )
    git(repo.cwd, "add", "-A")
    named = commit(repo.cwd, "samtale med mathea i dag")
    assert named.returncode != 0 and "BTI502" in named.stderr
    assert "line 1, column 13" in named.stderr
    assert "athea" not in named.stderr  # the place is shown, never the name
    numbered = commit(repo.cwd, f"{case_id}: fnr 09821750056")
    assert numbered.returncode != 0 and "BTI503" in numbered.stderr
    assert "09821750056" not in numbered.stderr
    assert commit(repo.cwd, f"{case_id}: entry added").returncode == 0


def test_settings_changed_by_someone_not_a_leader(repo: Bti) -> None:
    people = repo.cwd / "people.yaml"
    data = yaml.safe_load(people.read_text())
    data["people"][1]["roles"] = ["holder", "leader"]
    people.write_text(yaml.safe_dump(data, allow_unicode=True))
    git(repo.cwd, "add", "-A")
    result = commit(repo.cwd, "people: me a leader", HOLDER)
    assert result.returncode != 0 and "BTI009" in result.stderr


def test_pre_commit_framework_manifest_points_at_the_hook_commands() -> None:
    hooks = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())
    entries = {h["id"]: h["entry"] for h in hooks}
    assert entries == {
        "bti-rules": "bti hook pre-commit",
        "bti-commit-message": "bti hook commit-msg",
    }


def test_hook_outside_a_bti_repository_does_nothing(git_repo: Path) -> None:
    Bti(git_repo).ok("hooks", "install")
    (git_repo / "cases").mkdir()
    (git_repo / "cases" / "notes.yaml").write_text("a: 1\n")
    git(git_repo, "add", "-A")
    assert commit(git_repo, "no bti.yaml here").returncode == 0


def test_someone_outside_the_directory_cannot_commit_a_case_change(repo: Bti) -> None:
    case_id = new_case(repo, who=HOLDER)
    path = repo.cwd / "cases" / f"{case_id}.yaml"
    path.write_text(
        path.read_text() + f"  - time: {PINNED_NOW}\n"
        "    author: ukjent@fjordvik.example\n    kind: note\n    text: Hei.\n"
    )
    git(repo.cwd, "add", "-A")
    result = commit(repo.cwd, f"{case_id}: entry", "ukjent@fjordvik.example")
    assert result.returncode != 0 and "BTI010" in result.stderr


def test_concluding_a_merge_by_hand_is_judged_like_the_server_does(repo: Bti) -> None:
    case_id = new_case(repo, who=HOLDER)
    path = repo.cwd / "cases" / f"{case_id}.yaml"
    git(repo.cwd, "checkout", "-q", "-b", "side")
    repo.ok("log", "add", case_id, "Fra sidegrenen.", who=HOLDER)
    git(repo.cwd, "checkout", "-q", "main")
    repo.ok("log", "add", case_id, "Fra hovedgrenen.", who=HOLDER)
    git(repo.cwd, "merge", "-q", "--no-commit", "--no-ff", "side", env=git_env(HOLDER))
    text = path.read_text()
    assert "Fra sidegrenen." in text and "Fra hovedgrenen." in text
    # Slipping a holder change into the merge is refused ...
    path.write_text(text.replace(f"holder: {HOLDER}", f"holder: {NURSE}"))
    git(repo.cwd, "add", "-A")
    refused = commit(repo.cwd, "merge side")
    assert refused.returncode != 0 and "BTI202" in refused.stderr
    # ... the lawful union passes.
    path.write_text(text)
    git(repo.cwd, "add", "-A")
    done = commit(repo.cwd, "merge side")
    assert done.returncode == 0, done.stderr
    assert len(git(repo.cwd, "log", "-1", "--format=%P").split()) == 2


def test_the_server_hook_is_refused_in_a_repository_with_a_working_folder(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    result = Bti(tmp_path)("hooks", "install", "--server", str(tmp_path))
    assert result.exit_code == 2 and "not a bare repository" in result.output
    assert "git clone --bare" in result.output
    assert not (tmp_path / ".git" / "hooks" / "pre-receive").exists()
