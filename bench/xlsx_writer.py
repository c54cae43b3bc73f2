"""How fast Annex A's rows are written as XLSX: openpyxl's write-only workbook (the writer
until December 2026) against ``convene.core.xlsx.write_sheet`` (XlsxWriter, constant memory).

    nice -n 10 .venv/bin/python bench/xlsx_writer.py --rows 50000

Writes ``--rows`` rows shaped like List 5's (14 columns: text, dates, numbers, blanks) to
memory with each writer, ``--repeat`` times, and prints the CPU seconds (median) and rows a
second of each. No database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("CONVENE_DEVELOPMENT", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convene.settings")
    import django

    django.setup()
    from openpyxl import Workbook

    from convene.core.xlsx import write_sheet
    from convene.returns.annex_a import COLUMNS

    def row(i: int) -> list[object]:
        held = i % 3 == 0
        return [
            f"CNV{100000 + i}",
            ("Female", "Male", "Not known")[i % 3],
            "WBRI",
            date(2010 + i % 15, 1 + i % 12, 1 + i % 28),
            i % 18,
            "No",
            date(2025, 1 + i % 12, 1 + i % 28),
            "No" if held else "Yes",
            date(2025, 1 + i % 12, 1 + i % 28) if held else None,
            ("Yes" if i % 2 else "No") if held else None,
            1 + i % 3,
            i % 2,
            "Team North",
            "Alex Ashworth",
        ]

    rows = [row(i) for i in range(options.rows)]

    def openpyxl_write_only() -> None:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("List 5")
        sheet.append(list(COLUMNS))
        for values in rows:
            sheet.append(values)
        book.save(BytesIO())

    def xlsxwriter_constant_memory() -> None:
        write_sheet(BytesIO(), title="List 5", headers=COLUMNS, rows=rows)

    writers: list[tuple[str, Callable[[], None]]] = [
        ("openpyxl write-only", openpyxl_write_only),
        ("XlsxWriter constant_memory (core.xlsx)", xlsxwriter_constant_memory),
    ]
    for name, write in writers:
        times = []
        for _ in range(options.repeat):
            began = time.process_time()
            write()
            times.append(time.process_time() - began)
        median = statistics.median(times)
        rate = options.rows / median
        print(f"{name}: {options.rows:,} rows, {median:.2f} s CPU, {rate:,.0f} rows/s")


if __name__ == "__main__":
    main()
