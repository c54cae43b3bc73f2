"""One-sheet XLSX workbooks written as the rows come (XlsxWriter's ``constant_memory`` mode).

Each row goes to a temporary file as soon as the next one starts, so a return of any size
never sits in memory, and each cell is written by its type with no guessing: XlsxWriter's
own ``write`` would turn text beginning with "=" into a formula and text that looks like a
web address into a link, which free text (a name, an ethnicity) must never become. Dates
are shown as ``yyyy-mm-dd``, as openpyxl wrote them before (docs/returns.md, "Speed").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

import xlsxwriter

__all__ = ["write_sheet"]

_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
DATE_FORMAT = "yyyy-mm-dd"


def write_sheet(
    out: str | IO[bytes], *, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Write a workbook of one sheet ``title``: ``headers``, then ``rows``, to ``out`` (a
    path or a binary file). A cell may be text, a number, a bool, a date or None (left
    blank, as is empty text: openpyxl read both back as nothing). Returns the number of
    rows after the headers."""
    book = xlsxwriter.Workbook(out, _OPTIONS)
    sheet = book.add_worksheet(title)
    dated = book.add_format({"num_format": DATE_FORMAT})

    def when(row: int, column: int, value: date) -> Any:
        return sheet.write_datetime(row, column, value, dated)

    # By the cell's type, its class or the first base class known (a TextChoices is a str).
    writers: dict[type, Callable[[int, int, Any], Any]] = {
        str: sheet.write_string,
        bool: sheet.write_boolean,
        int: sheet.write_number,
        float: sheet.write_number,
        Decimal: sheet.write_number,
        datetime: when,
        date: when,
    }

    def writer(kind: type) -> Callable[[int, int, Any], Any]:
        found = next((writers[base] for base in kind.__mro__ if base in writers), None)
        if found is None:
            raise TypeError(f"No XLSX cell for a {kind.__name__}")
        writers[kind] = found
        return found

    for column, header in enumerate(headers):
        sheet.write_string(0, column, header)
    written = 0
    for written, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if value is None or value == "":
                continue
            kind = type(value)
            (writers.get(kind) or writer(kind))(written, column, value)
    book.close()
    return written
