"""The domain's words: the levels (nivå 0–3) and their steps (trinn 1–5) as seed 003 names them,
the kinds of meeting, and dates in running text; their bokmål and nynorsk are in the catalogues
(bti/i18n.py)."""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
from functools import cache

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
    "ansvarsgruppe": N_("Responsibility group meeting"),
    "ressursteam": N_("Resource team meeting"),
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


# The stored values of the models' word fields, as a person reads them. The files keep the English
# value (`outcome: continue`); output says it in the person's language (`value_word`), and the
# command line takes the Norwegian words too (bti/cli/base.py, NORWEGIAN). The field is the context
# of each word, as the same English word can mean two things.
def _value_words(t: _gettext.NullTranslations) -> dict[tuple[str, str], str]:
    return {
        ("outcome", "end"): t.pgettext("outcome", "end"),
        ("outcome", "continue"): t.pgettext("outcome", "continue"),
        ("outcome", "adjust"): t.pgettext("outcome", "adjust"),
        ("outcome", "refer"): t.pgettext("outcome", "refer"),
        ("subject", "child"): t.pgettext("subject", "child"),
        ("subject", "youth"): t.pgettext("subject", "youth"),
        ("subject", "pregnant"): t.pgettext("subject", "pregnant"),
        ("subject", "family"): t.pgettext("subject", "family"),
        ("entry", "note"): t.pgettext("entry", "note"),
        ("entry", "voice"): t.pgettext("entry", "the child's voice"),
        ("entry", "meeting"): t.pgettext("entry", "meeting"),
        ("entry", "event"): t.pgettext("entry", "event"),
        ("meeting", "coordination"): t.pgettext("meeting", "coordination"),
        ("meeting", "evaluation"): t.pgettext("meeting", "evaluation"),
        ("meeting", "team"): t.pgettext("meeting", "team"),
        ("meeting", "other"): t.pgettext("meeting", "other"),
        ("meeting", "ansvarsgruppe"): t.pgettext("meeting", "responsibility group"),
        ("meeting", "ressursteam"): t.pgettext("meeting", "resource team"),
        ("status", "open"): t.pgettext("status", "open"),
        ("status", "closed"): t.pgettext("status", "closed"),
        ("handover", "offered"): t.pgettext("handover", "offered"),
        ("handover", "accepted"): t.pgettext("handover", "accepted"),
        ("handover", "declined"): t.pgettext("handover", "declined"),
        ("role", "holder"): t.pgettext("role", "holder"),
        ("role", "leader"): t.pgettext("role", "leader"),
        ("role", "coordinator"): t.pgettext("role", "coordinator"),
        ("role", "reviewer"): t.pgettext("role", "reviewer"),
        ("participant", "subject"): t.pgettext("participant", "the subject"),
        ("participant", "guardian"): t.pgettext("participant", "guardian"),
        ("participant", "other"): t.pgettext("participant", "other"),
    }


@cache
def _words(lang: str) -> dict[tuple[str, str], str]:
    return _value_words(translations(lang))


def value_word(field: str, value: str, lang: str | None = None) -> str:
    """A stored value in words: `value_word("outcome", "continue")` is 'fortsett' in bokmål.
    `field` is one of outcome, subject, entry, meeting, status, handover, role, participant; a
    value it does not know is shown as it is stored. Without `lang`, the person's language
    (i18n.current())."""
    from bti.i18n import current

    return _words(lang or current()).get((field, value), value)
