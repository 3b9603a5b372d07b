"""`bti key init`, `bti seal` and `bti case edit` in the person's language: what they say when
they work and when they refuse."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import HOLDER, LEADER, Bti


def test_key_init_speaks_nynorsk_and_names_a_missing_public_key(
    repo: Bti, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BTI_LANG", "nn")
    made = repo.ok("key", "init", who=HOLDER)
    assert "laga ein ny nøkkel" in made.output
    assert "git i dette depotet signerer no kvar commit med han" in made.output
    assert f"bti person set {HOLDER} --key 'ssh-ed25519 " in made.output
    lone = tmp_path / "lone"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(lone)], check=True)
    lone.with_name("lone.pub").unlink()
    refused = repo("key", "init", "--key-file", str(lone), who=HOLDER)
    assert refused.exit_code == 2, refused.output
    assert "kan ikkje lesast: bti treng den offentlege nøkkelen ved sida av" in refused.output
    assert f"ssh-keygen -y -f {lone}" in refused.output


def test_seal_without_the_servers_key_says_so_in_bokmal(
    repo: Bti, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BTI_LANG", "nb")
    refused = repo("seal", who=LEADER)
    assert refused.exit_code == 2, refused.output
    assert "forsegling krever serverens offentlige nøkkel: oppgi --server-key" in refused.output
    assert "'bti hooks install --server PATH' på serveren skriver den ut" in refused.output
    monkeypatch.setenv("BTI_LANG", "nn")
    shown = repo.ok("seal", "--help").output
    assert "Forsegl kvar sak for dei som kan lese ho og for tenaren, i éin commit." in shown


def test_case_edit_says_in_nynorsk_that_the_editor_failed(
    repo: Bti, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import new_case

    case_id = new_case(repo)
    monkeypatch.setenv("BTI_LANG", "nn")
    monkeypatch.setenv("EDITOR", "false")
    monkeypatch.delenv("VISUAL", raising=False)
    failed = repo("case", "edit", case_id, who=HOLDER)
    assert failed.exit_code == 1, failed.output
    assert "redigeringsprogrammet stoppa med ein feil (exit 1); ingenting vart skrive" in (
        failed.output
    )
    monkeypatch.setenv("EDITOR", "/no/such/editor")
    missing = repo("case", "edit", case_id, who=HOLDER)
    assert missing.exit_code == 2 and "redigeringsprogrammet '/no/such/editor'" in missing.output
    assert "set VISUAL eller EDITOR til redigeringsprogrammet ditt" in missing.output
