"""The message catalogues: every marked string has its bokmål and nynorsk, the placeholders survive
translation, and the person's language is chosen in the documented order."""

from __future__ import annotations

import string
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bti import i18n

PROJECT = Path(__file__).resolve().parent.parent
LOCALE = PROJECT / "bti" / "locale"

Key = tuple[str | None, str]  # (msgctxt, msgid)


def _source_messages() -> dict[Key, tuple[str, ...]]:
    """Every marked message in bti/, as `pybabel extract -F pyproject.toml` finds it."""
    config = tomllib.loads((PROJECT / "pyproject.toml").read_text())["tool"]["babel"]
    method_map = [(m["pattern"], m["method"]) for m in config["mappings"]]
    found: dict[Key, tuple[str, ...]] = {}
    for _file, _line, message, _comments, context in extract_from_dir(
        PROJECT, method_map=method_map
    ):
        ids = (message,) if isinstance(message, str) else tuple(message)
        found[(context, ids[0])] = ids
    return found


def _catalogue(lang: str) -> Catalog:
    with (LOCALE / lang / "LC_MESSAGES" / "bti.po").open("rb") as fp:
        return read_po(fp, locale=lang)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


SOURCE = _source_messages()


def test_the_source_has_marked_messages() -> None:
    assert len(SOURCE) > 100
    assert (None, "Relay log opened at level 0 ({service}).") in SOURCE
    assert ("month", "May") in SOURCE


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_every_message_is_translated(lang: str) -> None:
    catalogue = _catalogue(lang)
    missing = []
    for context, msgid in SOURCE:
        message = catalogue.get(msgid, context=context)
        strings = () if message is None else message.string
        strings = (strings,) if isinstance(strings, str) else tuple(strings)
        if message is None or message.fuzzy or not all(strings):
            missing.append(f"{context + ': ' if context else ''}{msgid}")
    assert not missing, (
        f"{len(missing)} messages lack their {lang} text in bti/locale/{lang}/LC_MESSAGES/bti.po "
        "(README, Development: pybabel extract, pybabel update, then translate):\n  "
        + "\n  ".join(sorted(missing))
    )


def test_the_english_catalogue_holds_every_message() -> None:
    catalogue = _catalogue("en")
    missing = [m for c, m in SOURCE if catalogue.get(m, context=c) is None]
    assert not missing, f"bti/locale/en/LC_MESSAGES/bti.po lacks: {missing}"


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_every_placeholder_survives_translation(lang: str) -> None:
    wrong = []
    for message in _catalogue(lang):
        if not message.id:
            continue
        ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
        strings = (message.string,) if isinstance(message.string, str) else message.string
        # Norwegian has English's two forms: each form keeps the placeholders of the English form
        # it stands for ("Did you mean {possibility}?" / "… one of: {possibilities}?").
        for i, text in enumerate(strings):
            expected = _fields(ids[min(i, len(ids) - 1)])
            if text and _fields(text) != expected:
                wrong.append(f"{ids[0]!r} -> {text!r}: {sorted(_fields(text))}")
    assert not wrong, "placeholders differ from the English:\n  " + "\n  ".join(wrong)


@pytest.mark.parametrize(
    ("value", "lang"),
    [
        ("nb", "nb"),
        ("nb_NO.UTF-8", "nb"),
        ("no_NO", "nb"),
        ("no", "nb"),
        ("nn_NO.UTF-8", "nn"),
        ("nn", "nn"),
        ("en_GB.UTF-8", "en"),
        ("de_DE", "en"),
        ("C", "en"),
        ("POSIX", "en"),
    ],
)
def test_the_locale_gives_the_language(value: str, lang: str) -> None:
    assert i18n.from_locale({"LANG": value}) == lang


def test_lc_all_comes_before_lc_messages_before_lang() -> None:
    assert i18n.from_locale({"LANG": "en_US", "LC_MESSAGES": "nn_NO", "LC_ALL": "nb_NO"}) == "nb"
    assert i18n.from_locale({"LANG": "en_US", "LC_MESSAGES": "nn_NO"}) == "nn"
    assert i18n.from_locale({}) == "en"


def test_the_language_is_the_option_then_bti_lang_then_bti_yaml_then_the_locale() -> None:
    env = {"BTI_LANG": "nn", "LANG": "en_US.UTF-8"}
    assert i18n.choose("en", "nb", env) == "en"
    assert i18n.choose(None, "nb", env) == "nn"
    assert i18n.choose(None, "nb", {"LANG": "en_US.UTF-8"}) == "nb"
    assert i18n.choose(None, None, {"LANG": "nn_NO.UTF-8"}) == "nn"
    assert i18n.choose(None, None, {"BTI_LANG": "", "LANG": "nb_NO"}) == "nb"


def test_use_sets_the_language_and_as_a_block_restores_it() -> None:
    before = i18n.current()
    with i18n.use("nn"):
        assert i18n.current() == "nn"
        assert i18n.pgettext("month", "May") == "mai"
        assert i18n.gettext("Coordination meeting") == "Samarbeidsmøte"
        with i18n.use("en"):
            assert i18n.pgettext("outcome", "continue") == "continue"
        assert i18n.pgettext("outcome", "continue") == "halde fram"
    assert i18n.current() == before
    with pytest.raises(ValueError):
        i18n.use("")


def test_a_message_without_a_translation_is_said_in_english() -> None:
    assert i18n.translations("nb").gettext("no such message {x}") == "no such message {x}"


def test_the_compiled_catalogue_is_read_without_importing_babel() -> None:
    """`bti --help` stays fast: Babel is imported only to compile a .po newer than its .mo."""
    code = (
        "import sys, bti.cli; from bti import events; "
        "assert events.text('to_closed', 'nn') == 'Saka er avslutta.'; "
        "print('babel' in sys.modules)"
    )
    for _ in range(2):  # the first run may compile a catalogue that was just edited
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
    assert out.stdout.strip() == "False"


def test_a_catalogue_compiled_from_the_po_is_the_one_read() -> None:
    expected = {"nb": "Saken er avsluttet.", "nn": "Saka er avslutta."}
    for lang, text in expected.items():
        data = i18n.compile_po(LOCALE / lang / "LC_MESSAGES" / "bti.po")
        assert text.encode("utf-8") in data
