"""`bti case edit`: a case edited by hand in the person's editor, opened in memory only, judged,
sealed again with its unchanged ciphertext kept, and committed as the person."""

from __future__ import annotations

import shutil
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bti import handedit
from tests.conftest import (
    HOLDER,
    LEADER,
    NURSE,
    Bti,
    git,
    isolated_environment,
    level1_case,
    push,
    server_with_clone,
)

EDITOR = textwrap.dedent(
    """
    import os, pathlib, sys
    path = pathlib.Path(sys.argv[-1])
    seen = pathlib.Path(os.environ["EDIT_SEEN"])
    mode = os.stat(path).st_mode & 0o777
    folder = os.stat(path.parent).st_mode & 0o777
    with seen.open("a") as out:
        out.write(f"{path} {mode:o} {folder:o}\\n")
    what = os.environ.get("EDIT_MODE", "append")
    text = path.read_text()
    if what == "append":
        text += (
            "  - time: 2026-11-20T10:00:00+01:00\\n"
            "    author: ingrid.lerer@fjordvik.example\\n"
            "    kind: note\\n"
            "    text: Samtale med Ola om friminuttene.\\n"
        )
    elif what == "rewrite":
        text = text.replace("Virker trist.", "Virket glad.")
    elif what == "broken":
        text += "  - time: [unclosed\\n"
    elif what == "interrupt":
        os.kill(os.getppid(), 2)
    path.write_text(text)
    """
)


@pytest.fixture(scope="module")
def sealed_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sealed repository on a server with the hook, holding one case at level 1 (made once)."""
    base = tmp_path_factory.mktemp("sealed")
    home = tmp_path_factory.mktemp("sealed-home")
    with isolated_environment(home):
        _server, clone = server_with_clone(base, sealed=True)
        case_id = level1_case(Bti(clone))
        code, err = push(clone, who=HOLDER)
        assert code == 0, err
        (base / "case_id").write_text(case_id)
    return base


@pytest.fixture
def sealed(sealed_template: Path, tmp_path: Path) -> Iterator[tuple[Bti, str]]:
    base = tmp_path / "sealed"
    shutil.copytree(sealed_template, base, symlinks=True)
    git(base / "clone", "remote", "set-url", "origin", str(base / "server.git"))
    yield Bti(base / "clone"), (base / "case_id").read_text()


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """EDITOR is a small script; what it saw (path, file mode, folder mode) goes to the file
    returned."""
    script = tmp_path / "editor.py"
    script.write_text(EDITOR)
    seen = tmp_path / "seen"
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.setenv("EDIT_SEEN", str(seen))
    return seen


def edited_paths(seen: Path) -> list[tuple[Path, str, str]]:
    lines = seen.read_text().splitlines() if seen.exists() else []
    return [(Path(a), b, c) for a, b, c in (line.rsplit(" ", 2) for line in lines)]


def case_text(bti: Bti, case_id: str) -> str:
    return (bti.cwd / "cases" / f"{case_id}.yaml").read_text()


def test_an_appended_entry_is_committed_sealed_and_the_rest_keeps_its_ciphertext(
    sealed: tuple[Bti, str], editor: Path
) -> None:
    bti, case_id = sealed
    before = case_text(bti, case_id)
    result = bti.ok("case", "edit", case_id, who=HOLDER)
    assert f"{case_id}: edited by hand" in result.output
    assert git(bti.cwd, "log", "-1", "--format=%s%n%ae").split() == [
        f"{case_id}:",
        "edited",
        "by",
        "hand",
        HOLDER,
    ]
    after = case_text(bti, case_id)
    assert "Samtale med Ola" not in after and "Ola Testesen" not in after
    assert after.startswith(before)  # an append: every line before it is as it was
    added = after[len(before) :]
    assert "text: ENC:s:" in added and "author: ingrid.lerer@fjordvik.example" in added
    diff = git(bti.cwd, "show", "--format=", "HEAD")
    assert not [line for line in diff.splitlines() if line.startswith("-") and "---" not in line]
    data = bti.ok("case", "show", case_id, "--format", "json", who=HOLDER).output
    assert "Samtale med Ola om friminuttene." in data
    ((path, mode, folder),) = edited_paths(editor)
    assert str(path).startswith("/dev/shm/") and mode == "600" and folder == "700"
    assert not path.exists() and not path.parent.exists()
    code, err = push(bti.cwd, who=HOLDER)
    assert code == 0, err


def test_no_change_writes_nothing(
    sealed: tuple[Bti, str], editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bti, case_id = sealed
    monkeypatch.setenv("EDIT_MODE", "none")
    head = git(bti.cwd, "rev-parse", "HEAD")
    before = case_text(bti, case_id)
    result = bti.ok("case", "edit", case_id, who=HOLDER)
    assert "no change" in result.output and "nothing was written" in result.output
    assert git(bti.cwd, "rev-parse", "HEAD") == head and case_text(bti, case_id) == before
    assert not git(bti.cwd, "status", "--porcelain")


def test_an_edit_of_history_is_refused_and_nothing_is_left(
    sealed: tuple[Bti, str], editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bti, case_id = sealed
    monkeypatch.setenv("EDIT_MODE", "rewrite")
    head = git(bti.cwd, "rev-parse", "HEAD")
    before = case_text(bti, case_id)
    result = bti("case", "edit", case_id, who=HOLDER)
    assert result.exit_code == 1
    assert "refused" in result.output and "nothing was written" in result.output
    assert f"your edit of {case_id}:" in result.output and "BTI301" in result.output
    assert "add a new log entry at the end" in result.output
    assert git(bti.cwd, "rev-parse", "HEAD") == head and case_text(bti, case_id) == before
    assert not git(bti.cwd, "status", "--porcelain")
    ((path, _, _),) = edited_paths(editor)
    assert not path.parent.exists()


def test_text_that_is_not_a_case_is_placed_in_the_edit_and_exits_2(
    sealed: tuple[Bti, str], editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bti, case_id = sealed
    monkeypatch.setenv("EDIT_MODE", "broken")
    head = git(bti.cwd, "rev-parse", "HEAD")
    result = bti("case", "edit", case_id, who=HOLDER)
    assert result.exit_code == 2
    assert f"your edit of {case_id}:" in result.output and "nothing was written" in result.output
    assert git(bti.cwd, "rev-parse", "HEAD") == head
    assert not git(bti.cwd, "status", "--porcelain")
    ((path, _, _),) = edited_paths(editor)
    assert not path.parent.exists()


def test_on_a_terminal_a_problem_is_offered_for_another_edit(
    sealed: tuple[Bti, str], editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bti, case_id = sealed
    modes = iter(["broken", "none"])
    asked: list[list[str]] = []

    def run(path: Path) -> None:
        monkeypatch.setenv("EDIT_MODE", next(modes))
        handedit.run_editor(path)

    def again(problems: list[str]) -> bool:
        asked.append(problems)
        monkeypatch.setenv("EDIT_MODE", "none")
        return len(asked) == 1

    from tests.conftest import git_env

    for key, value in git_env(HOLDER).items():
        monkeypatch.setenv(key, value)
    with pytest.raises(handedit.InputError):
        handedit.edit_case(bti.cwd, case_id, again=again, edit=run)
    assert len(asked) == 2 and f"your edit of {case_id}" in asked[0][0]
    assert all(not p.parent.exists() for p, _, _ in edited_paths(editor))


def test_ctrl_c_in_the_editor_leaves_no_file(
    sealed: tuple[Bti, str], editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bti, case_id = sealed
    monkeypatch.setenv("EDIT_MODE", "interrupt")
    result = bti("case", "edit", case_id, who=HOLDER)
    assert result.exit_code == 130, result.output
    ((path, _, _),) = edited_paths(editor)
    assert not path.parent.exists()
    assert not git(bti.cwd, "status", "--porcelain")


def test_a_person_who_cannot_read_the_case_is_told_in_one_line(
    sealed: tuple[Bti, str], editor: Path
) -> None:
    bti, case_id = sealed
    result = bti("case", "edit", case_id, who=NURSE)  # helsestasjon does not work in it yet
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"case {case_id} is not readable for you: it is sealed for its holder ({HOLDER}) and "
        "the staff of skole"
    )
    assert not edited_paths(editor)


def test_without_a_folder_in_memory_nothing_is_opened(
    sealed: tuple[Bti, str], editor: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bti, case_id = sealed
    monkeypatch.setattr(handedit, "candidates", lambda: [tmp_path])
    result = bti("case", "edit", case_id, who=HOLDER)
    assert result.exit_code == 1
    assert "no folder kept in memory only" in result.output
    assert not edited_paths(editor)
    assert not list(tmp_path.glob("bti-edit-*"))


def test_a_plain_repository_works_too(repo: Bti, editor: Path) -> None:
    case_id = level1_case(repo)
    before = case_text(repo, case_id)
    assert "sealed:" not in before
    result = repo.ok("case", "edit", case_id, who=HOLDER)
    assert f"{case_id}: edited by hand" in result.output
    after = case_text(repo, case_id)
    assert after.startswith(before) and "Samtale med Ola om friminuttene." in after
    data = yaml.safe_load(after)
    assert data["log"][-1]["author"] == HOLDER
    assert git(repo.cwd, "log", "-1", "--format=%s") == f"{case_id}: edited by hand\n"


def test_a_leader_may_edit_too(sealed: tuple[Bti, str], editor: Path) -> None:
    bti, case_id = sealed
    # The script writes HOLDER as the entry's author: the leader may not write as someone else.
    result = bti("case", "edit", case_id, who=LEADER)
    assert result.exit_code == 1 and "nothing was written" in result.output
