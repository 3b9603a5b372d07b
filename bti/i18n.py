"""Every word a person reads, in bokmål, nynorsk or English: one gettext catalogue per language.

Source strings are English and marked where they stand: `_("…")` for the language the person
chose, `ngettext`/`pgettext` for counts and for short words that need a context, `N_("…")` for a
string kept in a table and translated where it is shown, and `translations(lang).gettext(…)` for a
document, whose language is bti.yaml's unless `--lang` says otherwise. `pybabel extract` (with
`[tool.babel]` in pyproject.toml) finds them all; the catalogues are `bti/locale/{nb,nn,en}/
LC_MESSAGES/bti.po`, compiled to `.mo` when the package is built (hatch_build.py).

The person's language: `--lang`, else BTI_LANG, else bti.yaml's `language`, else the locale
(LC_ALL, LC_MESSAGES, LANG; nb_NO and no -> nb, nn_NO -> nn, anything else -> en) — `choose`.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import Final, Literal

Language = Literal["nb", "nn", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("nb", "nn", "en")
DOMAIN: Final = "bti"
LOCALE_DIR: Final = Path(__file__).parent / "locale"

_current: Language | None = None


def normalize(value: str | None) -> Language | None:
    """'nb', 'nb_NO.UTF-8', 'no', 'nn_NO' -> a language bti speaks; '' and None -> None; any other
    language -> en."""
    if not value:
        return None
    head = value.strip().lower().replace("-", "_").split(".")[0].split("@")[0].split("_")[0]
    if head in ("nb", "no", "nob", "nor"):
        return "nb"
    if head in ("nn", "nno"):
        return "nn"
    return "en" if head else None


def from_locale(environ: Mapping[str, str] | None = None) -> Language:
    """The language of the machine's locale, read as POSIX does (LC_ALL before LC_MESSAGES before
    LANG); C, POSIX and anything not Norwegian are English."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(name):
            return normalize(env[name]) or "en"
    return "en"


def choose(
    option: str | None = None,
    configured: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Language:
    """The person's language: `--lang`, else BTI_LANG, else bti.yaml's language, else the
    locale."""
    env = os.environ if environ is None else environ
    return (
        normalize(option)
        or normalize(env.get("BTI_LANG"))
        or normalize(configured)
        or from_locale(env)
    )


def configured_language(start: Path) -> str | None:
    """bti.yaml's `language` in the case repository at or above `start`, read as one line of
    text (the settings model is not built for it: `bti --help` must start fast)."""
    import re

    for folder in (start, *start.parents):
        config = folder / "bti.yaml"
        try:
            text = config.read_text(encoding="utf-8")
        except OSError:
            if (folder / ".git").exists():
                return None  # the top of a repository that is not a case repository
            continue
        found = re.search(r"^language:[ \t]*[\"']?([A-Za-z_-]+)", text, re.MULTILINE)
        return found.group(1) if found else None
    return None


def current() -> Language:
    """The language messages are said in now: the one last `use`d, else `choose()`'s."""
    return _current if _current is not None else choose()


class use:  # reads as a verb: `i18n.use("nn")`, or `with i18n.use("nn"):`
    """Say messages in `lang` from now on; as a context manager, only inside the block."""

    def __init__(self, lang: str) -> None:
        global _current
        language = normalize(lang)
        if language is None:
            raise ValueError(f"not a language: {lang!r} (nb, nn or en)")
        self.language: Language = language
        self._before = _current
        _current = language

    def __enter__(self) -> Language:
        return self.language

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        global _current
        _current = self._before


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The catalogue of `lang` (nb, nn or en): compiled `.mo` when it is there and not older than
    its `.po`, else the `.po` read with Babel (a source tree where a catalogue was just edited, or
    that was never built), which then writes the `.mo` for the next run where it may."""
    language = normalize(lang) or "en"
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    mo, po = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    try:
        mo_time = mo.stat().st_mtime
    except OSError:
        mo_time = None
    try:
        po_time: float | None = po.stat().st_mtime
    except OSError:
        po_time = None
    if mo_time is not None and (po_time is None or po_time <= mo_time):
        with mo.open("rb") as fp:
            return _gettext.GNUTranslations(fp)
    if po_time is None:
        return _gettext.NullTranslations()
    return _from_po(po, mo)


def _from_po(po: Path, mo: Path) -> _gettext.NullTranslations:
    import io

    data = compile_po(po)
    try:
        temporary = mo.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, mo)
    except OSError:
        pass  # a read-only install: the catalogue is read from the .po each run
    return _gettext.GNUTranslations(io.BytesIO(data))


def compile_po(po: Path) -> bytes:
    """The `.mo` bytes of a `.po` catalogue (used at build time and as the fallback above)."""
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fp:
        catalog = read_po(fp, locale=po.parent.parent.name, domain=DOMAIN)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def gettext(message: str) -> str:
    """`message` in the current language."""
    return translations(current()).gettext(message)


_ = gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message that fits the count `n`, in the current language."""
    return translations(current()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """A short word in the current language, where `context` says which sense is meant
    ('May' the month; 'end' the outcome of a measure)."""
    return translations(current()).pgettext(context, message)


def N_(message: str) -> str:
    """Marks a message to be translated where it is shown, not here (a table of messages)."""
    return message
