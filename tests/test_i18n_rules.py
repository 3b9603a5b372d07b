"""The judge speaks the person's language: rule messages, schema messages, the hooks' refusals and
`bti rules` in nynorsk and bokmål, with the same rule codes; and a cached verdict never answers in
the language it was cached in."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from bti import i18n
from bti.checks import parse_case
from tests.conftest import (
    LEADER,
    Bti,
    git,
    git_env,
    isolated_environment,
    new_case,
    push,
    server_with_clone,
)


def _level_without_consent(repo: Bti) -> str:
    """A case brought to level 1 by hand, with no consent and no holder: BTI101, BTI103, BTI201."""
    case_id = new_case(repo)
    path = repo.cwd / "cases" / f"{case_id}.yaml"
    text = path.read_text().replace("level: 0", "level: 1")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("holder:")) + "\n"
    path.write_text(text)
    return case_id


def _validate(repo: Bti, *options: str) -> tuple[int, str]:
    result = repo("validate", *options)
    return result.exit_code, result.stdout


def test_validate_says_the_rules_in_nynorsk(repo: Bti, monkeypatch: pytest.MonkeyPatch) -> None:
    _level_without_consent(repo)
    monkeypatch.setenv("BTI_LANG", "nn")
    code, out = _validate(repo, "--no-cache")
    assert code == 1
    assert "BTI101 feil: saka er på nivå 1 utan gyldig samtykke" in out
    assert "'bti consent add'" in out  # commands stay as they are typed
    assert "BTI201 feil: saka er på nivå 1 utan stafetthaldar" in out
    assert "without a valid consent" not in out


def test_validate_says_the_rules_in_bokmal(repo: Bti, monkeypatch: pytest.MonkeyPatch) -> None:
    _level_without_consent(repo)
    monkeypatch.setenv("BTI_LANG", "nb")
    code, out = _validate(repo, "--no-cache")
    assert code == 1
    assert "BTI101 feil: saken er på nivå 1 uten gyldig samtykke" in out
    assert "BTI103 feil: tjenesten 'skole' er involvert" in out
    assert "BTI201 feil: saken er på nivå 1 uten stafettholder" in out


def test_a_cached_verdict_is_said_again_in_the_new_language(
    repo: Bti, monkeypatch: pytest.MonkeyPatch
) -> None:
    _level_without_consent(repo)
    monkeypatch.setenv("BTI_LANG", "en")
    code, out = _validate(repo)
    assert code == 1
    assert "BTI101 error: case is at level 1 without a valid consent" in out
    code, out = _validate(repo)  # from the cache, in English
    assert "BTI101 error: case is at level 1 without a valid consent" in out
    monkeypatch.setenv("BTI_LANG", "nn")
    code, out = _validate(repo)  # the cache is warm, but in English
    assert code == 1
    assert "BTI101 feil: saka er på nivå 1 utan gyldig samtykke" in out
    assert "without a valid consent" not in out
    monkeypatch.setenv("BTI_LANG", "en")
    code, out = _validate(repo)
    assert "BTI101 error: case is at level 1 without a valid consent" in out


def test_a_file_that_cannot_be_read_is_explained_in_nynorsk(
    repo: Bti, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo.cwd / "cases" / "2026-AAAAA.yaml").write_text("id: 2026-AAAAA\nid: 2026-BBBBB\n")
    monkeypatch.setenv("BTI_LANG", "nn")
    code, out = _validate(repo, "--no-cache")
    assert code == 1
    assert "BTI001 feil:" in out
    assert "nøkkelen 'id' står to gonger i denne samlinga" in out


@pytest.mark.parametrize(
    ("lang", "date", "unknown"),
    [
        ("nn", "er ikkje ein gyldig dato — skriv ÅÅÅÅ-MM-DD", "ukjent felt 'holdr'"),
        ("nb", "er ikke en gyldig dato — skriv ÅÅÅÅ-MM-DD", "ukjent felt 'holdr'"),
        ("en", "is not a valid date — write YYYY-MM-DD", "unknown field 'holdr'"),
    ],
)
def test_schema_messages_in_words_of_each_language(lang: str, date: str, unknown: str) -> None:
    text = "id: 2026-AAAAA\nopened: 2026-02-30\nholdr: x\nsubject: {name: A, born: 2015-01-01}\n"
    with i18n.use(lang):
        parsed = parse_case(text, "cases/2026-AAAAA.yaml")
    messages = [p.message for p in parsed.problems]
    assert all(p.code == "BTI002" for p in parsed.problems)
    assert any("opened:" in m and date in m for m in messages), messages
    assert any(unknown in m for m in messages), messages


def test_rules_lists_the_rules_in_nynorsk(repo: Bti, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BTI_LANG", "nn")
    out = repo.ok("rules").output
    assert "kode" in out and "alvorsgrad" in out and "regel" in out
    assert "nivå 1 eller høgare krev eit gyldig samtykke frå nokon med mynde" in out
    assert "BTI101" in out and "åtvaring" in out
    json_out = repo.ok("rules", "--format", "json").output
    assert '"severity": "error"' in json_out  # what a program reads stays as it is
    assert "nivå 1 eller høgare krev eit gyldig samtykke" in json_out


def _nynorsk_server(base: Path) -> tuple[Path, Path]:
    """A server whose repository speaks nynorsk (bti.yaml `language: nn`), and a clone."""
    server, clone = server_with_clone(base)
    config = clone / "bti.yaml"
    text = config.read_text()
    assert "language: nb" in text
    config.write_text(text.replace("language: nb", "language: nn"))
    git(clone, "commit", "-qam", "språk: nynorsk", env=git_env(LEADER))
    code, err = push(clone)
    assert code == 0, err
    return server, clone


def _stray_file(clone: Path) -> None:
    """A file with no place in a case repository (BTI008), committed past the client hooks."""
    (clone / "notat.txt").write_text("eit notat\n")
    git(clone, "add", "notat.txt")
    git(clone, "commit", "-q", "--no-verify", "-m", "notat", env=git_env(LEADER))


def test_the_server_refuses_in_the_repository_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with isolated_environment(tmp_path / "home"):
        _server, clone = _nynorsk_server(tmp_path)
        _stray_file(clone)
        monkeypatch.delenv("BTI_LANG")  # nobody's language reaches the server
        code, err = push(clone)
    assert code != 0
    assert "BTI008 feil: 'notat.txt' høyrer ikkje heime i saksarkivet" in err
    assert "pushen vart avvist: ingenting av han vart lagra" in err
    assert "has no place" not in err


def test_the_server_environment_chooses_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with isolated_environment(tmp_path / "home"):
        _server, clone = _nynorsk_server(tmp_path)
        _stray_file(clone)
        monkeypatch.setenv("BTI_LANG", "en")  # the server's administrator sets it
        code, err = push(clone)
    assert code != 0
    assert "BTI008 error: 'notat.txt' has no place in a case repository" in err
    assert "the push was refused: nothing of it was stored" in err


def test_the_commit_msg_hook_refuses_in_the_repository_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with isolated_environment(tmp_path / "home"):
        _server, clone = _nynorsk_server(tmp_path)
        bti = Bti(clone)
        bti.ok("hooks", "install")
        new_case(bti, name="Ola Testesen")
        monkeypatch.delenv("BTI_LANG")  # a commit made with git itself: bti.yaml's language
        (clone / "README.md").write_text("Om saksarkivet\n")
        git(clone, "add", "README.md", env=git_env(LEADER))
        result = subprocess.run(
            ["git", "commit", "-q", "-m", "Notat om Ola Testesen"],
            cwd=clone,
            capture_output=True,
            text=True,
            env={**os.environ, **git_env(LEADER)},
        )
    assert result.returncode != 0
    assert "BTI502 feil: meldinga nemner eit barn eller ein føresett på linje 1" in result.stderr
    assert "commiten vart stoppa; meldinga di er teken vare på i" in result.stderr


def test_a_message_problem_is_said_when_it_is_made() -> None:
    from bti.names import NameIndex
    from bti.rules.privacy import message_problems

    with i18n.use("nn"):
        found = message_problems("Om Ola Testesen", NameIndex.build(["Ola Testesen"]))
    assert [v.code for v in found] == ["BTI502"]
    assert "meldinga nemner eit barn eller ein føresett på linje 1, kolonne 4" in found[0].message
    assert found[0].render().startswith("BTI502 error: ")  # the word for the severity: when shown


def test_the_audit_remembers_each_language_apart(
    repo: Bti, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo.cwd / "notat.txt").write_text("eit notat\n")
    git(repo.cwd, "add", "notat.txt")
    git(repo.cwd, "commit", "-q", "--no-verify", "-m", "notat", env=git_env(LEADER))
    first = repo("audit", "verify", "--format", "json")
    assert "'notat.txt' has no place in a case repository" in first.stdout
    monkeypatch.setenv("BTI_LANG", "nn")
    again = repo("audit", "verify", "--format", "json")  # every commit judged already, in English
    assert '"code": "BTI008"' in again.stdout
    assert "'notat.txt' høyrer ikkje heime i saksarkivet" in again.stdout
    assert "has no place" not in again.stdout


def test_an_installed_hook_says_in_the_installer_language_that_python_is_gone(
    repo: Bti, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BTI_LANG", "nn")
    repo.ok("hooks", "install")
    hook = repo.cwd / ".git" / "hooks" / "pre-commit"
    script = hook.read_text()
    assert "finst ikkje lenger" in script
    broken = repo.cwd / "broken-hook"
    lines = [
        "PYTHON=/nowhere/python" if line.startswith("PYTHON=") else line
        for line in script.splitlines()
    ]
    broken.write_text("\n".join(lines) + "\n")
    result = subprocess.run(["sh", str(broken)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "bti-kroken pre-commit:" in result.stderr
    assert "finst ikkje lenger; køyr 'bti hooks install' på nytt" in result.stderr
