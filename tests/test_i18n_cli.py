"""The command line speaks the person's language from the first word: help texts, click's own words
and errors, chosen by --lang, BTI_LANG, bti.yaml or the locale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_file
from click.testing import CliRunner

from bti import words
from bti.cli import clickwords, main
from tests.conftest import Bti


def _run(args: list[str], env: dict[str, str]) -> str:
    result = CliRunner().invoke(main, args, env=env)
    return result.output


def test_help_in_nynorsk_with_bti_lang() -> None:
    out = _run(["--help"], {"BTI_LANG": "nn"})
    assert out.startswith("Bruk:")
    assert "Val:" in out or "Val\n" in out
    assert "Kommandoar" in out
    assert "Vis denne hjelpa og avslutt." in out
    assert "stafettloggen i BTI, ført i git med reglane handheva" in out
    assert "Show this message" not in out


def test_help_in_bokmaal_and_english() -> None:
    assert "Vis denne hjelpen og avslutt." in _run(["--help"], {"BTI_LANG": "nb"})
    assert "Show this message and exit." in _run(["--help"], {"BTI_LANG": "en"})


def test_lang_option_wins_over_bti_lang() -> None:
    assert _run(["--lang", "nn", "--help"], {"BTI_LANG": "en"}).startswith("Bruk:")
    assert _run(["--lang=nb", "--help"], {"BTI_LANG": "en"}).startswith("Bruk:")


def test_click_errors_in_nynorsk() -> None:
    result = CliRunner().invoke(main, ["case", "list", "--levl", "2"], env={"BTI_LANG": "nn"})
    assert result.exit_code == 2
    assert "Feil: Valet '--levl' finst ikkje." in result.output
    assert "Meinte du" in result.output
    assert "Prøv «bti case list --help» for hjelp." in result.output.replace("main ", "bti ")


def test_a_bad_date_in_bokmaal() -> None:
    result = CliRunner().invoke(
        main,
        ["case", "new", "--service", "skole", "--name", "Ola", "--born", "1. mai"],
        env={"BTI_LANG": "nb"},
    )
    assert result.exit_code == 2
    assert "er ikke en dato – skriv den som ÅÅÅÅ-MM-DD" in result.output


def test_the_language_of_bti_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no --lang and no BTI_LANG, the repository's language: a nynorsk municipality's
    coordinator reads nynorsk in any folder of the repository."""
    bti = Bti(tmp_path)
    bti.ok("init", str(tmp_path / "repo"), "--municipality", "Fjordvik kommune", "--lang", "nn")
    monkeypatch.delenv("BTI_LANG")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    (tmp_path / "repo" / "cases").mkdir(exist_ok=True)
    inside = Bti(tmp_path / "repo" / "cases")
    assert inside("--help").output.startswith("Bruk:")
    outside = Bti(tmp_path)
    assert outside("--help").output.startswith("Usage:")  # the locale's, outside any repository
    monkeypatch.setenv("LANG", "nb_NO.UTF-8")
    assert "Vis denne hjelpen" in outside("--help").output


def test_the_language_comes_back_after_a_run() -> None:
    from bti import i18n

    with i18n.use("en"):
        _run(["--help"], {"BTI_LANG": "nn"})
        assert i18n.current() == "en"


def test_stored_values_in_words() -> None:
    assert words.value_word("outcome", "continue", "nn") == "halde fram"
    assert words.value_word("outcome", "continue", "nb") == "fortsette"
    assert words.value_word("outcome", "continue", "en") == "continue"
    assert words.value_word("status", "open", "nn") == "open"
    assert words.value_word("status", "closed", "nb") == "avsluttet"
    assert words.value_word("outcome", "something-new", "nn") == "something-new"


def test_every_message_click_shows_a_person_is_listed() -> None:
    """click's installed source against clickwords: a message a newer click adds (and a person
    could see) is noticed here, not by a nynorsk user reading English."""
    folder = Path(click.__file__).parent
    listed = set(clickwords.SINGULAR) | {pair for pair in _plural_ids()}
    programmer_only = {
        "Name '{name}' defined twice",
        "Boolean option {decl!r} cannot use the same flag for true/false.",
        "Could not determine name for option with declarations {decls!r}",
        "Arguments take exactly one parameter declaration, got {length}: {decls}.",
        "Value must be an iterable.",
        "Choice({choices})",
        "Unknown color {colour!r}",
        "Unknown standard stream '{name}'",
        "Shell completion is not supported for Bash versions older than 4.4.",
        "Couldn't detect Bash version, shell completion is not supported.",
        "%(prog)s, version %(version)s",
    }
    missing = []
    for name in clickwords.MODULES:
        for _line, message, _comments, _context in extract_from_file(
            "python", str(folder / f"{name}.py")
        ):
            key = message if isinstance(message, str) else message[0]
            if key in programmer_only or key.startswith(("No options defined", "Deprecation")):
                continue
            if key not in listed:
                missing.append(key)
    assert not missing, f"click messages not in bti/cli/clickwords.py: {missing}"


def _plural_ids() -> list[str]:
    from bti import i18n

    with i18n.use("en"):
        return [s for n in (1, 2) for s in clickwords.plurals(n)]


def test_help_starts_fast() -> None:
    """`bti --help` with the catalogues: well under the 150 ms budget (the budget's benchmark is
    tests/bench/bench_cli.py; here a generous bound that only a gross regression breaks)."""
    code = (
        "import time; t=time.perf_counter(); from bti.cli import main; print(time.perf_counter()-t)"
    )
    seconds = float(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    )
    assert seconds < 0.5
