"""A report table as CSV or XLSX. Cells a spreadsheet would run as a formula are neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

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


class _Line:
    """A file-like that hands back the line ``csv.writer`` just wrote."""

    def write(self, text: str) -> str:
        return text


def csv_lines(table: Table) -> Iterator[bytes]:
    """The same CSV as :func:`as_csv`, a line at a time (a streamed download)."""
    writer = csv.writer(_Line())
    yield ("\ufeff" + str(writer.writerow(table.headers))).encode("utf-8")
    for row in table.rows:
        yield str(writer.writerow([_safe(cell) for cell in row])).encode("utf-8")


def as_xlsx(table: Table) -> bytes:
    buffer = io.BytesIO()
    rows = ([_safe(cell) for cell in row] for row in table.rows)
    write_sheet(buffer, title=table.title[:31], headers=table.headers, rows=rows)
    return buffer.getvalue()
