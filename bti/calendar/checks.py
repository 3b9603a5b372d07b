"""The checks every part of an årshjul template shares: each failure is a FileProblem at line:col.

Positions are looked up only when something is wrong, so a good template is read at libyaml speed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any, NoReturn

import yaml

from bti import yamlio
from bti.errors import FileProblem
from bti.i18n import _

Loc = tuple[str | int, ...]


WEEKDAY_NAMES = {
    name: index
    for index, names in enumerate(
        (
            ("monday", "mo", "mandag", "måndag"),
            ("tuesday", "tu", "tirsdag", "tysdag"),
            ("wednesday", "we", "onsdag"),
            ("thursday", "th", "torsdag"),
            ("friday", "fr", "fredag"),
            ("saturday", "sa", "lørdag", "laurdag"),
            ("sunday", "su", "søndag", "sundag"),
        )
    )
    for name in names
}


def load(text: str, name: str) -> Any:
    try:
        return yamlio.load(text, name)
    except (ValueError, OverflowError):  # libyaml read a date that is not in the calendar
        line, col, value = _bad_timestamp(text)
        raise FileProblem(
            name,
            line,
            col,
            _(
                "{value} is not a date in the calendar — check the day and the month (write "
                "dates as YYYY-MM-DD)"
            ).format(value=value),
        ) from None


def _bad_timestamp(text: str) -> tuple[int, int, str]:
    root = yaml.compose(text, Loader=yaml.CSafeLoader)
    stack: list[yaml.Node] = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            if node.tag.endswith(":timestamp"):
                try:
                    dt.date.fromisoformat(str(node.value)[:10])
                except ValueError:
                    return node.start_mark.line + 1, node.start_mark.column + 1, str(node.value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                stack.extend([value, key])
    return 1, 1, "a date"


class Checker:
    """Reads values out of parsed YAML, failing with the place in the text."""

    def __init__(self, text: str, name: str) -> None:
        self.text = text
        self.name = name

    def fail(self, loc: Sequence[str | int], message: str) -> NoReturn:
        line, col = yamlio.locate(self.text, loc)
        raise FileProblem(self.name, line, col, message)

    def place(self, loc: Sequence[str | int]) -> Loc:
        return tuple(loc)  # turned into line:col only if there is something to report

    def keys(
        self, data: dict[Any, Any], loc: tuple[str | int, ...], allowed: Sequence[str], what: str
    ) -> None:
        for key in data:
            if key not in allowed:
                self.fail(
                    (*loc, key),
                    _("unknown key '{key}' in {what} — the keys here are: {keys}").format(
                        key=key, what=what, keys=", ".join(allowed)
                    ),
                )

    def mapping(self, value: Any, loc: tuple[str | int, ...], what: str) -> dict[Any, Any]:
        if not isinstance(value, dict):
            self.fail(
                loc,
                _(
                    "{what} should be a mapping of keys and values — write it as key: value "
                    "lines, or {{key: value, …}}"
                ).format(what=what),
            )
        return value

    def text_value(self, value: Any, loc: tuple[str | int, ...], what: str) -> str:
        if (
            isinstance(value, bool)
            or not isinstance(value, str | int | float)
            or not str(value).strip()
        ):
            self.fail(
                loc,
                _(
                    "{what} should be a short text — write it on the same line, in quotes if it "
                    "has a colon"
                ).format(what=what),
            )
        return str(value).strip()

    def integer(
        self, value: Any, loc: tuple[str | int, ...], what: str, low: int, high: int, hint: str = ""
    ) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(
                loc,
                _(
                    "{what} should be a whole number from {low} to {high}, not {value} — {hint}"
                ).format(
                    what=what,
                    low=low,
                    high=high,
                    value=repr(value),
                    hint=hint or _("correct the number"),
                ),
            )
        return value

    def weekday(self, value: Any, loc: tuple[str | int, ...]) -> int:
        found = WEEKDAY_NAMES.get(str(value).strip().lower()) if isinstance(value, str) else None
        if found is None:
            self.fail(
                loc,
                _(
                    "'{value}' is not a weekday — write monday, tuesday, wednesday, thursday, "
                    "friday, saturday or sunday (mandag, tirsdag/tysdag, … also work)"
                ).format(value=value),
            )
        return found

    def date(
        self, value: Any, loc: tuple[str | int, ...], yearly: bool
    ) -> tuple[int, int] | dt.date:
        """A date (YYYY-MM-DD) or, when `yearly`, a day every year (MM-DD)."""
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            text = value.strip()
            if re.fullmatch(r"\d{4}-\d\d-\d\d", text):
                try:
                    return dt.date.fromisoformat(text)
                except ValueError:
                    self.fail(
                        loc,
                        _(
                            "{value} is not a date in the calendar — check the day and the month"
                        ).format(value=text),
                    )
            if yearly and re.fullmatch(r"\d\d-\d\d", text):
                month, day = int(text[:2]), int(text[3:])
                try:
                    dt.date(2024, month, day)  # a leap year: 02-29 is a day some years
                except ValueError:
                    self.fail(
                        loc,
                        _(
                            "{value} is not a day of the year — write MM-DD, month first, for "
                            "example 12-21"
                        ).format(value=text),
                    )
                return month, day
        if yearly:
            said = _(
                "{value} is not a date — write YYYY-MM-DD, or MM-DD for the same day every year "
                'in quotes, e.g. "12-21"'
            )
        else:
            said = _('{value} is not a date — write YYYY-MM-DD in quotes, e.g. "12-21"')
        self.fail(loc, said.format(value=repr(value)))

    def clock(self, value: Any, loc: tuple[str | int, ...]) -> dt.time:
        if isinstance(value, int) and not isinstance(value, bool):  # YAML 1.1 reads 9:30 as 570
            value = f"{value // 60}:{value % 60:02}"
        match = re.fullmatch(r"(\d{1,2})[:.](\d\d)", str(value).strip())
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            self.fail(
                loc,
                _('{value} is not a time of day — write HH:MM, for example "09:00"').format(
                    value=repr(value)
                ),
            )
        return dt.time(int(match[1]), int(match[2]))
