"""A report table as CSV or XLSX. Cells a spreadsheet would run as a formula are neutralised."""

from __future__ import annotations

import csv
import io

from convene.core.xlsx import write_sheet
from convene.reporting.tables import Cell, Table

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Cell) -> Cell:
    # A free-text cell ("=HYPERLINK(...)") must not become a formula in Excel (CSV injection).
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def as_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([_safe(cell) for cell in row])
    # With a byte-order mark, Excel opens it as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(table: Table) -> bytes:
    buffer = io.BytesIO()
    rows = ([_safe(cell) for cell in row] for row in table.rows)
    write_sheet(buffer, title=table.title[:31], headers=table.headers, rows=rows)
    return buffer.getvalue()
