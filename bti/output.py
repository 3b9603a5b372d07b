"""Rows to a table, JSON or CSV: one function for every listing command."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
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


def render_rows(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], fmt: str) -> str:
    """Render rows (mappings) in `fmt`; `columns` fixes the order and the table's headings."""
    rows = list(rows)
    if fmt == "json":
        return json.dumps(
            [{c: _plain(r.get(c)) for c in columns} for r in rows], ensure_ascii=False, indent=2
        )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
        return out.getvalue().rstrip("\n")
    from tabulate import tabulate

    return tabulate([[_cell(r.get(c)) for c in columns] for r in rows], headers=list(columns))
