"""People-facing words of the årshjul in bokmål, nynorsk and English.

Holiday names come from the `holidays` package in English (its stable names) and are translated
here, so a reason reads the same whatever locale the machine runs in.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

LANGUAGES: Final = ("nb", "nn", "en")

MONTHS: Final[dict[str, tuple[str, ...]]] = {
    "nb": (
        "januar",
        "februar",
        "mars",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "desember",
    ),
    "nn": (
        "januar",
        "februar",
        "mars",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "desember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}

WEEKDAYS: Final[dict[str, tuple[str, ...]]] = {
    "nb": ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"),
    "nn": ("måndag", "tysdag", "onsdag", "torsdag", "fredag", "laurdag", "sundag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}

_HOLIDAYS: Final[dict[str, tuple[str, str]]] = {
    # English name in `holidays` -> (bokmål, nynorsk)
    "New Year's Day": ("1. nyttårsdag", "1. nyttårsdag"),
    "Maundy Thursday": ("skjærtorsdag", "skjærtorsdag"),
    "Good Friday": ("langfredag", "langfredag"),
    "Easter Sunday": ("1. påskedag", "1. påskedag"),
    "Easter Monday": ("2. påskedag", "2. påskedag"),
    "Labor Day": ("1. mai", "1. mai"),
    "Constitution Day": ("17. mai", "17. mai"),
    "Ascension Day": ("Kristi himmelfartsdag", "Kristi himmelfartsdag"),
    "Pentecost": ("1. pinsedag", "1. pinsedag"),
    "Whit Sunday": ("1. pinsedag", "1. pinsedag"),
    "Pentecost Monday": ("2. pinsedag", "2. pinsedag"),
    "Whit Monday": ("2. pinsedag", "2. pinsedag"),
    "Christmas Day": ("1. juledag", "1. juledag"),
    "Second Day of Christmas": ("2. juledag", "2. juledag"),
}

_WORDS: Final[dict[str, dict[str, str]]] = {
    "nb": {
        "title": "Årshjul",
        "own_title": "Årshjul BTI {municipality}",
        "school_year": "skoleåret {a}–{b}",
        "calendar_year": "året {a}",
        "date": "Dato",
        "day": "Dag",
        "meeting": "Møte",
        "participants": "Deltakere",
        "responsible": "Ansvarlig",
        "purpose": "Formål",
        "note": "Merknad",
        "moved": "Flyttet fra {date} ({reason})",
        "holiday": "offentlig fridag: {name}",
        "weekend": "helg",
        "break": "ferie: {name}",
        "summer": "Sommerferie",
        "none": "Ingen møter i perioden.",
        "count": "{n} møter i {m} serier.",
        "legend_moved": "Hul prikk: møtet er flyttet (fridag, helg eller ferie). Grå felt: ferier.",
        "legend_day": "Tallet i prikken er datoen.",
        "generated": "Laget med bti fra {source}.",
    },
    "nn": {
        "title": "Årshjul",
        "own_title": "Årshjul BTI {municipality}",
        "school_year": "skuleåret {a}–{b}",
        "calendar_year": "året {a}",
        "date": "Dato",
        "day": "Dag",
        "meeting": "Møte",
        "participants": "Deltakarar",
        "responsible": "Ansvarleg",
        "purpose": "Føremål",
        "note": "Merknad",
        "moved": "Flytta frå {date} ({reason})",
        "holiday": "offentleg fridag: {name}",
        "weekend": "helg",
        "break": "ferie: {name}",
        "summer": "Sommarferie",
        "none": "Ingen møte i perioden.",
        "count": "{n} møte i {m} seriar.",
        "legend_moved": "Hol prikk: møtet er flytta (fridag, helg eller ferie). Grå felt: feriar.",
        "legend_day": "Talet i prikken er datoen.",
        "generated": "Laga med bti frå {source}.",
    },
    "en": {
        "title": "Annual calendar",
        "own_title": "BTI annual calendar {municipality}",
        "school_year": "school year {a}–{b}",
        "calendar_year": "the year {a}",
        "date": "Date",
        "day": "Day",
        "meeting": "Meeting",
        "participants": "Participants",
        "responsible": "Responsible",
        "purpose": "Purpose",
        "note": "Note",
        "moved": "Moved from {date} ({reason})",
        "holiday": "public holiday: {name}",
        "weekend": "weekend",
        "break": "break: {name}",
        "summer": "Summer holiday",
        "none": "No meetings in this period.",
        "count": "{n} meetings in {m} series.",
        "legend_moved": "Hollow dot: the meeting was moved (holiday, weekend or break). "
        "Grey areas: breaks.",
        "legend_day": "The number in a dot is the day of the month.",
        "generated": "Made with bti from {source}.",
    },
}


def word(lang: str, key: str, **values: object) -> str:
    return _WORDS[lang][key].format(**values)


def month_name(lang: str, month: int) -> str:
    return MONTHS[lang][month - 1]


def weekday_name(lang: str, day: dt.date) -> str:
    return WEEKDAYS[lang][day.weekday()]


def short_date(lang: str, day: dt.date) -> str:
    """A date as people write it: 'fredag 14. mai 2027' / 'Friday 14 May 2027'."""
    if lang == "en":
        return f"{weekday_name(lang, day)} {day.day} {month_name(lang, day.month)} {day.year}"
    return f"{weekday_name(lang, day)} {day.day}. {month_name(lang, day.month)} {day.year}"


def holiday_name(lang: str, english: str) -> str:
    """'Constitution Day; Pentecost Monday' -> '17. mai og 2. pinsedag' (each part translated)."""
    parts = [p.strip() for p in english.split(";") if p.strip()]
    if lang != "en":
        index = 0 if lang == "nb" else 1
        parts = [_HOLIDAYS.get(p, (p, p))[index] for p in parts]
    joiner = " and " if lang == "en" else " og "
    return joiner.join(parts)
