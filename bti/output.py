"""Rows to a table, JSON or CSV: one function for every listing command. A table is read by a
person: its headings, yes/no and stored words (status, roles) are in the person's language; JSON
and CSV are for machines and keep the English keys and the stored values."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FORMATS = ("table", "json", "csv")

# The columns whose stored values a table shows in words (bti.words.value_word's fields).
VALUE_FIELDS: dict[str, str] = {"status": "status", "roles": "role", "role": "role"}


def _headings() -> dict[str, str]:
    """A table's headings in the person's language; a column not named here is shown as it is."""
    from bti.i18n import pgettext

    return {
        "id": pgettext("column", "id"),
        "status": pgettext("column", "status"),
        "level": pgettext("column", "level"),
        "step": pgettext("column", "step"),
        "owner": pgettext("column", "owner"),
        "services": pgettext("column", "services"),
        "holder": pgettext("column", "holder"),
        "opened": pgettext("column", "opened"),
        "last_entry": pgettext("column", "last_entry"),
        "name": pgettext("column", "name"),
        "email": pgettext("column", "email"),
        "service": pgettext("column", "service"),
        "roles": pgettext("column", "roles"),
        "key": pgettext("column", "key"),
        "external": pgettext("column", "external"),
        "open_cases": pgettext("column", "open_cases"),
        "members": pgettext("column", "members"),
        "rhythm": pgettext("column", "rhythm"),
        "place": pgettext("column", "place"),
        "due": pgettext("column", "due"),
        "case": pgettext("column", "case"),
        "kind": pgettext("column", "kind"),
        "ref": pgettext("column", "ref"),
        "days": pgettext("column", "days"),
        "when": pgettext("column", "when"),
        "what": pgettext("column", "what"),
        "time": pgettext("column", "time"),
        "who": pgettext("column", "who"),
        "commit": pgettext("column", "commit"),
        "pushed": pgettext("column", "pushed"),
        "author": pgettext("column", "author"),
        "date": pgettext("column", "date"),
        "file": pgettext("column", "file"),
        "line": pgettext("column", "line"),
        "message": pgettext("column", "message"),
        "code": pgettext("column", "code"),
        "severity": pgettext("column", "severity"),
        "checked": pgettext("column", "checked"),
        "rule": pgettext("column", "rule"),
        "measure": pgettext("column", "measure"),
        "group": pgettext("column", "group"),
        "value": pgettext("column", "value"),
        "unit": pgettext("column", "unit"),
        "note": pgettext("column", "note"),
    }


def _in_words(column: str, value: Any) -> Any:
    """A table cell as a person reads it: yes/no, and stored words in the person's language."""
    from bti.i18n import pgettext

    if isinstance(value, bool):
        return pgettext("table", "yes") if value else pgettext("table", "no")
    field = VALUE_FIELDS.get(column)
    if field is None or value is None:
        return value
    from bti.words import value_word

    if isinstance(value, list | tuple):
        return [value_word(field, str(v)) for v in value]
    return value_word(field, str(value))


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _cell(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): a case text
# or meeting name such as '=HYPERLINK(...)' must arrive as text. The fullwidth forms too, which some
# spreadsheets fold to the ASCII ones.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def csv_cell(value: Any) -> str:
    """A value as a CSV cell a spreadsheet shows and never runs: a leading ' (the OWASP advice)
    before text that would start a formula; numbers, negative ones too, stay numbers."""
    text = _cell(value)
    formula = text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text)
    if "\r" in text:
        # the writer quotes a cell holding its line terminator (\n) but not a bare \r, which a
        # spreadsheet may read as a new row: one that could start with a formula
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "'" + text if formula else text


def render_rows(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    fmt: str,
    *,
    widths: Mapping[str, int] | None = None,
) -> str:
    """Render rows (mappings) in `fmt`; `columns` fixes the order and the table's headings.
    `widths`: the widest a table's column may be (longer cells wrap onto more lines)."""
    rows = list(rows)
    if fmt == "json":
        return json.dumps(
            [{c: _plain(r.get(c)) for c in columns} for r in rows], ensure_ascii=False, indent=2
        )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([csv_cell(c) for c in columns])
        for row in rows:
            writer.writerow([csv_cell(row.get(c)) for c in columns])
        return out.getvalue().rstrip("\n")
    from tabulate import tabulate

    table = [[_cell(_in_words(c, r.get(c))) for c in columns] for r in rows]
    named = _headings()
    headers = [named.get(c, c) for c in columns]
    if widths and table:
        limits = [widths.get(c) for c in columns]
        return tabulate(table, headers=headers, maxcolwidths=limits)
    return tabulate(table, headers=headers)
