"""Rows to a table, JSON or CSV: one function for every listing command."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FORMATS = ("table", "json", "csv")


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

    table = [[_cell(r.get(c)) for c in columns] for r in rows]
    if widths and table:
        limits = [widths.get(c) for c in columns]
        return tabulate(table, headers=list(columns), maxcolwidths=limits)
    return tabulate(table, headers=list(columns))
