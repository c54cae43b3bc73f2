"""The workbooks hold what openpyxl wrote before XlsxWriter replaced it (issue 13, "Speed":
Annex A at a million written several times faster). Each workbook is read back with
openpyxl and compared with what openpyxl's own writers (the code the downloads used until
December 2026, kept here as the reference) make of the same rows: sheet names, headers,
values and their types (a date is read back as a date, a number as a number, a blank as
nothing). The one difference on purpose: a text cell that begins with "=" stays text, where
openpyxl made it a formula (free text must never run in Excel)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from convene.reporting.downloads import as_xlsx
from convene.reporting.tables import Table
from convene.returns.annex_a import COLUMNS, annex_a_rows, rows_as_xlsx, write_annex_a
from tests.returns.test_cin_census import partnership_year  # noqa: F401 - a fixture

Read = list[tuple[str, list[list[tuple[object, str]]]]]


def _openpyxl_annex_a(rows: Iterable[list[object]]) -> bytes:
    """Annex A as openpyxl's write-only workbook wrote it (main before XlsxWriter)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("List 5")
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _openpyxl_table(table: Table) -> bytes:
    """A report table as ``reporting.downloads.as_xlsx`` wrote it with openpyxl."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.title[:31]
    sheet.append(table.headers)
    for row in table.rows:
        sheet.append(["" if cell is None else cell for cell in row])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _read(content: bytes) -> Read:
    """Every sheet's cells as (value, type name), rows padded to the widest."""
    book = load_workbook(BytesIO(content))
    return [
        (
            sheet.title,
            [
                [(cell.value, type(cell.value).__name__) for cell in row]
                for row in sheet.iter_rows(min_col=1, max_col=sheet.max_column)
            ],
        )
        for sheet in book.worksheets
    ]


EDGES: list[list[object]] = [
    # Every kind of cell Annex A writes, blanks inside and at the end of a row.
    [
        "CNV1",
        "Female",
        "WBRI",
        date(2015, 4, 1),
        10,
        "No",
        date(2026, 4, 1),
        "No",
        None,
        None,
        1,
        0,
        None,
        None,
    ],
    [
        "CNV22",
        "Not known",
        "",
        date(2026, 2, 29 - 1),
        0,
        "Yes",
        date(2027, 3, 31),
        "Yes",
        date(2026, 12, 24),
        "Yes",
        3,
        2,
        "Équipe Nord — Brent & Harrow",
        "Zoë O'Brien-Ñúñez",
    ],
    ["CNV333", "Male", "  spaces  ", date(2000, 1, 1), 26, "No", date(2026, 1, 2)],
]


@pytest.mark.django_db
def test_annex_a_is_what_openpyxl_wrote_for_a_partnerships_year(partnership_year):  # noqa: F811
    start, end = date(2026, 4, 1), date(2027, 3, 31)
    rows = annex_a_rows(partnership=partnership_year, start=start, end=end)
    assert len(rows) == 3
    out = BytesIO()
    assert write_annex_a(out, partnership=partnership_year, start=start, end=end) == 3
    expected = _read(_openpyxl_annex_a(rows))
    assert expected[0][1][0] == [(header, "str") for header in COLUMNS]
    assert _read(out.getvalue()) == expected
    assert _read(rows_as_xlsx(rows)) == expected


def test_annex_a_cells_of_every_kind_read_back_as_openpyxl_wrote_them():
    expected = _read(_openpyxl_annex_a(EDGES))
    assert _read(rows_as_xlsx(EDGES)) == expected
    # Dates come back as dates (openpyxl reads a date cell as a datetime at midnight).
    assert expected[0][1][1][3] == (expected[0][1][1][3][0], "datetime")
    assert _read(rows_as_xlsx([])) == _read(_openpyxl_annex_a([]))


def test_a_report_table_reads_back_as_openpyxl_wrote_it():
    table = Table(
        key="attendance",
        title="Attendance by agency, 1 April 2026 to 31 March 2027 (a long title, cut)",
        headers=["Agency", "Attended", "Share", "Note"],
        rows=[
            ["Police", 12, 85.5, None],
            ["Health — GP", 0, 0.0, ""],
            ["Education", 3, None, "Zoë's school"],
        ],
        numeric=True,
    )
    assert _read(as_xlsx(table)) == _read(_openpyxl_table(table))


def test_text_that_looks_like_a_formula_is_written_as_text():
    """Free text (an ethnicity, a team's name) beginning with "=" is a text cell, not a
    formula Excel would run."""
    rows: list[list[object]] = [['=HYPERLINK("http://x")', "Female", "=1+1"]]
    sheet = load_workbook(BytesIO(rows_as_xlsx(rows))).worksheets[0]
    cells = next(iter(sheet.iter_rows(min_row=2, max_col=3)))
    assert [(c.value, c.data_type) for c in cells] == [
        ('=HYPERLINK("http://x")', "s"),
        ("Female", "s"),
        ("=1+1", "s"),
    ]
