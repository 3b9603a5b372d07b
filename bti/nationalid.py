"""Norwegian national ids (fødselsnummer, D-nummer, synthetic test numbers) and finding them in text.

Eleven digits: DDMMYY, a three-digit individual number, two mod-11 check digits. A D-number adds 4 to
the first digit; synthetic test numbers add 40 (NAV, and H-numbers) or 80 (Tenor) to the month. From
2032 the first check digit is relaxed: the weighted sum may leave a remainder of 0, 1, 2 or 3. The
privacy rules must catch every number that could be real, so the relaxed rule is the one we apply.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator

from stdnum.no import fodselsnummer

_K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)
_K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)

# A digit of any script: \d (every Unicode decimal digit) and the other characters that stand for
# digits (superscripts, circled and parenthesised digits, Ethiopic…), listed from Unicode 14 by
# tests/test_disguises.py, which fails when Python's Unicode tables grow.
_DIGIT = (
    r"\d\u00b2\u00b3\u00b9\u1369-\u1371\u19da\u2070\u2074-\u2079\u2080-\u2089\u2460-\u249b"
    r"\u24ea\u24f5-\u24fd\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf\U00010a40-\U00010a43"
    r"\U00010e60-\U00010e68\U00011052-\U0001105a\U0001f100-\U0001f10a"
)
# What may stand between the digit groups of a written number: any space or line break, the usual
# punctuation of numbers (. - / _ and every dash, fullwidth forms), a comment's '#', and the
# invisible format characters (category Cf: zero-width space and joiner, word joiner, soft hyphen,
# byte-order mark, direction marks), which a copy from a web page or a malicious hand slips in.
_SEPARATOR = (
    r"\s.\-/_#\u058a\u05be\u1400\u1806\u2010-\u2015\u2212\u2e17\u2e1a\u2e3a\u2e3b\u2e40"
    r"\u2e5d\u301c\u3030\u30a0\ufe31\ufe32\ufe52\ufe58\ufe63\uff0d\uff0e\uff0f\uff3f"
    r"\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    r"\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    r"\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    r"\U000e0020-\U000e007f"
)
# At least eleven digits joined only by separators: the only text worth a closer look. Most text
# has no such run and is passed over at C speed.
_CLUSTER = re.compile(rf"[{_DIGIT}](?:[{_SEPARATOR}]*[{_DIGIT}]){{10,}}")
_GROUP = re.compile(rf"[{_DIGIT}]+")
# The same in JSON text, where a line break or an invisible character may be an escape (\n, \u200b).
_JSON_CLUSTER = re.compile(
    rf"[{_DIGIT}](?:(?:[{_SEPARATOR}]|\\[nrtbf]|\\u[0-9a-fA-F]{{4}})*[{_DIGIT}]){{10,}}"
)


def may_hold_in_json(text: str) -> bool:
    """False when JSON text `text` certainly holds no national id: a quick test before a search."""
    return _JSON_CLUSTER.search(text) is not None


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


def _ascii(group: str) -> str:
    """The ASCII digits a run of digit characters of any script stands for."""
    if group.isascii():
        return group
    out = []
    for char in group:
        value = unicodedata.digit(char, None)
        if value is not None:
            out.append(str(value))
        else:  # a circled or parenthesised number such as ⑩: what NFKC makes of it
            out.extend(c for c in unicodedata.normalize("NFKC", char) if c.isdigit())
    return "".join(out)


def digits(text: str) -> str:
    """The ASCII digits written in `text`, in any script, all else left out."""
    return "".join(_ascii(g.group()) for g in _GROUP.finditer(text))


def spans(text: str) -> Iterator[tuple[int, int, str]]:
    """Start, end and value (eleven ASCII digits) of every valid national id written in `text`,
    however it is disguised: digits of any script, and any separators or invisible characters
    between any grouping of its digits (02.03.15 10034, 0203 1510034, 020315_10034…). An id is
    a sequence of whole digit groups: never a piece of a longer run of digits."""
    for cluster in _CLUSTER.finditer(text):
        base = cluster.start()
        groups = [
            (base + g.start(), base + g.end(), _ascii(g.group()))
            for g in _GROUP.finditer(cluster.group())
        ]
        for first in range(len(groups)):
            digits, end = "", first
            while end < len(groups) and len(digits) < 11:
                digits += groups[end][2]
                end += 1
            if len(digits) == 11 and is_valid(digits):
                yield groups[first][0], groups[end - 1][1], digits


def find(text: str) -> Iterator[tuple[int, str]]:
    """Offsets and values of every valid national id written in free text, in any disguise."""
    for start, _, number in spans(text):
        yield start, number


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


def masked(text: str) -> str:
    """`text` with every national id in it shown as its mask (a path or a ref name in a refusal
    must not print what it refuses)."""
    for start, end, number in sorted(spans(text), reverse=True):
        text = text[:start] + mask(number) + text[end:]
    return text
