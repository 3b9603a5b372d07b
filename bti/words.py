"""The domain's words: the levels (nivå 0–3) and their steps (trinn 1–5) as seed 003 names them,
the kinds of meeting, and dates in running text; their bokmål and nynorsk are in the catalogues
(bti/i18n.py)."""

from __future__ import annotations

import datetime as dt

from bti.calendar.texts import month_name
from bti.i18n import N_, translations

LEVELS: tuple[str, ...] = (
    N_("clarify whether there is cause for concern"),
    N_("measures within one service"),
    N_("simple collaboration between two or three services"),
    N_("extensive collaboration between several services"),
)

# Steps (trinn) for level 0, level 1 and levels 2–3 (seed 003).
STEPS: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] = (
    (
        N_("define what the concern is about"),
        N_("share the concern with your nearest leader"),
        N_("listen to the child and share the concern with the guardians"),
        N_("assess whether further follow-up is needed"),
        N_("close the case if there is no cause for concern – or go on"),
    ),
    (
        N_("obtain consent from the guardians"),
        N_("agree on goals, and what is to be done when"),
        N_("carry out the measures"),
        N_("evaluate the effect of the measures"),
        N_("decide the way forward"),
    ),
    (
        N_("start the interdisciplinary collaboration"),
        N_("agree on goals, and what is to be done when"),
        N_("carry out coordinated measures"),
        N_("evaluate the coordinated measures and the collaboration"),
        N_("decide the way forward"),
    ),
)

KINDS: dict[str, str] = {
    "coordination": N_("Coordination meeting"),
    "evaluation": N_("Evaluation meeting"),
    "team": N_("Team meeting"),
    "other": N_("Meeting"),
}


def plain_date(lang: str, day: dt.date) -> str:
    """'12. juni 2026' / '12 June 2026': a date in running text, without the weekday."""
    form = translations(lang).pgettext("date", "{day} {month} {year}")
    return form.format(day=day.day, month=month_name(lang, day.month), year=day.year)


def clock_time(lang: str, time: dt.time) -> str:
    """'kl. 09.30' / '09:30': a time of day as each language writes it in a document."""
    if lang == "en":
        return f"{time:%H:%M}"
    return f"kl. {time:%H.%M}"


def level_name(level: int, lang: str) -> str:
    return translations(lang).gettext(LEVELS[level])


def step_name(level: int, step: int, lang: str) -> str:
    return translations(lang).gettext(STEPS[min(level, 2)][step - 1])


def kind_name(kind: str, lang: str) -> str:
    return translations(lang).gettext(KINDS[kind])


def held_text(kind: str, day: dt.date, lang: str, summary: str | None) -> str:
    """The log entry of a recorded meeting."""
    held = translations(lang).gettext("{kind} held on {date}.")
    text = held.format(kind=kind_name(kind, lang), date=plain_date(lang, day))
    return f"{text} {summary}" if summary else text
