"""The domain's words in bokmål, nynorsk and English: the levels (nivå 0–3) and their steps (trinn
1–5) as seed 003 names them, the kinds of meeting, and dates in running text."""

from __future__ import annotations

import datetime as dt

from bti.calendar.texts import month_name

LEVELS: dict[str, tuple[str, ...]] = {
    "nb": (
        "avklare om det er grunn til uro",
        "innsats i én tjeneste",
        "enkelt tverrfaglig samarbeid mellom to–tre tjenester",
        "omfattende tverrfaglig samarbeid mellom flere tjenester",
    ),
    "nn": (
        "avklare om det er grunn til uro",
        "innsats i éi teneste",
        "enkelt tverrfagleg samarbeid mellom to–tre tenester",
        "meir omfattande tverrfagleg samarbeid mellom fleire tenester",
    ),
    "en": (
        "clarify whether there is cause for concern",
        "measures within one service",
        "simple collaboration between two or three services",
        "extensive collaboration between several services",
    ),
}

# Steps (trinn) by language, for level 0, level 1 and levels 2–3 (seed 003).
STEPS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "nb": (
        (
            "forstå og definere hva uroen handler om",
            "dele uroen med nærmeste leder",
            "lytte til barnet og dele uroen med foresatte",
            "vurdere om det er grunn til videre oppfølging",
            "avslutte saken hvis det ikke er grunn til uro – eller gå videre",
        ),
        (
            "innhente samtykke fra foresatte",
            "bli enige om mål, og hva som skal gjøres når",
            "gjennomføre tiltak",
            "evaluere effekten av tiltakene",
            "beslutte veien videre",
        ),
        (
            "oppstart av tverrfaglig samarbeid",
            "bli enige om mål, og hva som skal gjøres når",
            "gjennomføre koordinerte tiltak",
            "evaluere effekten av koordinerte tiltak og samarbeidet",
            "beslutte veien videre",
        ),
    ),
    "nn": (
        (
            "forstå og definere kva uroa handlar om",
            "dele uroa med næraste leiar",
            "lytte til barnet og dele uroa med føresette",
            "vurdere om det er grunn til vidare oppfølging",
            "avslutte saka om det ikkje er grunn til uro – eller gå vidare",
        ),
        (
            "innhente samtykke frå føresette",
            "bli samde om mål, og kva som skal gjerast når",
            "gjennomføre tiltak",
            "evaluere effekten av tiltaka",
            "avgjere vegen vidare",
        ),
        (
            "oppstart av tverrfagleg samarbeid",
            "bli samde om mål, og kva som skal gjerast når",
            "gjennomføre samordna tiltak",
            "evaluere effekten av samordna tiltak og samarbeidet",
            "avgjere vegen vidare",
        ),
    ),
    "en": (
        (
            "define what the concern is about",
            "share the concern with your nearest leader",
            "listen to the child and share the concern with the guardians",
            "assess whether further follow-up is needed",
            "close the case if there is no cause for concern – or go on",
        ),
        (
            "obtain consent from the guardians",
            "agree on goals, and what is to be done when",
            "carry out the measures",
            "evaluate the effect of the measures",
            "decide the way forward",
        ),
        (
            "start the interdisciplinary collaboration",
            "agree on goals, and what is to be done when",
            "carry out coordinated measures",
            "evaluate the coordinated measures and the collaboration",
            "decide the way forward",
        ),
    ),
}

KINDS: dict[str, dict[str, str]] = {
    "nb": {
        "coordination": "Samarbeidsmøte",
        "evaluation": "Evalueringsmøte",
        "team": "Teammøte",
        "other": "Møte",
    },
    "nn": {
        "coordination": "Samarbeidsmøte",
        "evaluation": "Evalueringsmøte",
        "team": "Teammøte",
        "other": "Møte",
    },
    "en": {
        "coordination": "Coordination meeting",
        "evaluation": "Evaluation meeting",
        "team": "Team meeting",
        "other": "Meeting",
    },
}

_HELD = {
    "nb": "{kind} holdt {date}.",
    "nn": "{kind} halde {date}.",
    "en": "{kind} held on {date}.",
}


def plain_date(lang: str, day: dt.date) -> str:
    """'12. juni 2026' / '12 June 2026': a date in running text, without the weekday."""
    dot = "" if lang == "en" else "."
    return f"{day.day}{dot} {month_name(lang, day.month)} {day.year}"


def clock_time(lang: str, time: dt.time) -> str:
    """'kl. 09.30' / '09:30': a time of day as each language writes it in a document."""
    if lang == "en":
        return f"{time:%H:%M}"
    return f"kl. {time:%H.%M}"


def level_name(level: int, lang: str) -> str:
    return LEVELS[lang][level]


def step_name(level: int, step: int, lang: str) -> str:
    return STEPS[lang][min(level, 2)][step - 1]


def kind_name(kind: str, lang: str) -> str:
    return KINDS[lang][kind]


def held_text(kind: str, day: dt.date, lang: str, summary: str | None) -> str:
    """The log entry of a recorded meeting."""
    text = _HELD[lang].format(kind=kind_name(kind, lang), date=plain_date(lang, day))
    return f"{text} {summary}" if summary else text
