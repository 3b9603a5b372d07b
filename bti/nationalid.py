"""Norwegian national ids (fødselsnummer, D-nummer, synthetic test numbers) and finding them in text.

Eleven digits: DDMMYY, a three-digit individual number, two mod-11 check digits. A D-number adds 4 to
the first digit; synthetic test numbers add 40 (NAV, and H-numbers) or 80 (Tenor) to the month. From
2032 the first check digit is relaxed: the weighted sum may leave a remainder of 0, 1, 2 or 3. The
privacy rules must catch every number that could be real, so the relaxed rule is the one we apply.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from stdnum.no import fodselsnummer

_K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)
_K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)

# Eleven digits, optionally written as DDMMYY NNNNN or DDMMYY-NNNNN, not part of a longer number.
_CANDIDATE = re.compile(r"(?<![\d])(\d{6})[ \-.]?(\d{5})(?![\d])")


def birth_date_part(number: str) -> tuple[int, int, int] | None:
    """Day, month, two-digit year of an id, with D-number and synthetic offsets removed."""
    day, month, year = int(number[0:2]), int(number[2:4]), int(number[4:6])
    if day > 40:
        day -= 40
    if month > 80:
        month -= 80
    elif month > 40:
        month -= 40
    try:
        dt.date(2000, month, day)  # 2000 is a leap year: 29 February passes
    except ValueError:
        return None
    return day, month, year


def is_valid(number: str) -> bool:
    """True for a well-formed national id (old or relaxed check-digit rule, real or synthetic)."""
    number = fodselsnummer.compact(number)
    if len(number) != 11 or not number.isdigit():
        return False
    if birth_date_part(number) is None:
        return False
    digits = [int(c) for c in number]
    if sum(w * d for w, d in zip(_K1_WEIGHTS, digits, strict=False)) % 11 not in (0, 1, 2, 3):
        return False
    return sum(w * d for w, d in zip(_K2_WEIGHTS, digits, strict=True)) % 11 == 0


def is_synthetic(number: str) -> bool:
    """True for a synthetic test number (month + 40 or + 80): the only kind example data may hold."""
    number = fodselsnummer.compact(number)
    return is_valid(number) and int(number[2:4]) > 40


def find(text: str) -> Iterator[tuple[int, str]]:
    """Offsets and values of every valid national id written in free text."""
    for match in _CANDIDATE.finditer(text):
        number = match.group(1) + match.group(2)
        if is_valid(number):
            yield match.start(), number


def mask(number: str) -> str:
    """What a message may show of a national id: the first six digits, never the rest."""
    return number[:6] + "*****"


def make_synthetic(born: dt.date, individual: int, *, offset: int = 80) -> str | None:
    """A synthetic number for a birth date (month + offset), or None when no check digit fits."""
    base = f"{born.day:02d}{born.month + offset:02d}{born.year % 100:02d}{individual:03d}"
    k1 = (11 - sum(w * int(d) for w, d in zip(_K1_WEIGHTS, base, strict=False)) % 11) % 11
    if k1 == 10:
        return None
    partial = base + str(k1)
    k2 = (11 - sum(w * int(d) for w, d in zip(_K2_WEIGHTS, partial, strict=False)) % 11) % 11
    if k2 == 10:
        return None
    return partial + str(k2)
