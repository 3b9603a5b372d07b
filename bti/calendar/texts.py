"""People-facing words of the årshjul; their bokmål and nynorsk are in the catalogues (bti/i18n.py).

Holiday names come from the `holidays` package in English (its stable names) and are translated
through the catalogues, so a reason reads the same whatever locale the machine runs in.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from bti.i18n import N_, translations

# English, as the catalogues' keys; `month_name` and `weekday_name` give them in a language.
MONTHS: Final = (
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
)
WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_WORDS: Final[dict[str, str]] = {
    "title": N_("Annual calendar"),
    "own_title": N_("BTI annual calendar {municipality}"),
    "school_year": N_("school year {a}–{b}"),
    "calendar_year": N_("the year {a}"),
    "date": N_("Date"),
    "day": N_("Day"),
    "meeting": N_("Meeting"),
    "participants": N_("Participants"),
    "responsible": N_("Responsible"),
    "purpose": N_("Purpose"),
    "note": N_("Note"),
    "moved": N_("Moved from {date} ({reason})"),
    "holiday": N_("public holiday: {name}"),
    "weekend": N_("weekend"),
    "break": N_("break: {name}"),
    "summer": N_("Summer holiday"),
    "none": N_("No meetings in this period."),
    "count": N_("{n} meetings in {m} series."),
    "legend_moved": N_(
        "Open marker: the meeting was moved (holiday, weekend or break). Grey areas: breaks."
    ),
    "legend_day": N_("The number in or beside a marker is the day of the month."),
    "generated": N_("Made with bti from {source}."),
}

# The names `holidays` gives Norway's public holidays, marked for the catalogues.
HOLIDAYS: Final = (
    N_("New Year's Day"),
    N_("Maundy Thursday"),
    N_("Good Friday"),
    N_("Easter Sunday"),
    N_("Easter Monday"),
    N_("Labor Day"),
    N_("Constitution Day"),
    N_("Ascension Day"),
    N_("Pentecost"),
    N_("Whit Sunday"),
    N_("Pentecost Monday"),
    N_("Whit Monday"),
    N_("Christmas Day"),
    N_("Second Day of Christmas"),
)


def word(lang: str, key: str, **values: object) -> str:
    return translations(lang).gettext(_WORDS[key]).format(**values)


def month_name(lang: str, month: int) -> str:
    tr = translations(lang)
    names = (
        tr.pgettext("month", "January"),
        tr.pgettext("month", "February"),
        tr.pgettext("month", "March"),
        tr.pgettext("month", "April"),
        tr.pgettext("month", "May"),
        tr.pgettext("month", "June"),
        tr.pgettext("month", "July"),
        tr.pgettext("month", "August"),
        tr.pgettext("month", "September"),
        tr.pgettext("month", "October"),
        tr.pgettext("month", "November"),
        tr.pgettext("month", "December"),
    )
    return names[month - 1]


def day_name(lang: str, weekday: int) -> str:
    """The name of a weekday by its number (Monday is 0)."""
    tr = translations(lang)
    names = (
        tr.pgettext("weekday", "Monday"),
        tr.pgettext("weekday", "Tuesday"),
        tr.pgettext("weekday", "Wednesday"),
        tr.pgettext("weekday", "Thursday"),
        tr.pgettext("weekday", "Friday"),
        tr.pgettext("weekday", "Saturday"),
        tr.pgettext("weekday", "Sunday"),
    )
    return names[weekday]


def weekday_name(lang: str, day: dt.date) -> str:
    return day_name(lang, day.weekday())


def short_date(lang: str, day: dt.date) -> str:
    """A date as people write it: 'fredag 14. mai 2027' / 'Friday 14 May 2027'."""
    form = translations(lang).pgettext("date", "{weekday} {day} {month} {year}")
    return form.format(
        weekday=weekday_name(lang, day),
        day=day.day,
        month=month_name(lang, day.month),
        year=day.year,
    )


def holiday_name(lang: str, english: str) -> str:
    """'Constitution Day; Pentecost Monday' -> '17. mai og 2. pinsedag' (each part translated)."""
    tr = translations(lang)
    parts = [tr.gettext(p.strip()) for p in english.split(";") if p.strip()]
    joiner = tr.pgettext("list", "and")
    return f" {joiner} ".join(parts)
