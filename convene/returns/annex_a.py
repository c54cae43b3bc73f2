"""Ofsted's Annex A, List 5: Section 47 enquiries and ICPCs, as an XLSX workbook.

One row per S47 enquiry whose deciding strategy discussion fell in the period.
Columns Convene cannot know are written blank and named in docs/returns.md:
whether the ICPC resulted in a child protection plan, and the allocated team and
worker (the council's case system holds them). Reporting only reads.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from io import BytesIO

from openpyxl import Workbook

from convene.followup.models import S47Enquiry
from convene.followup.vocab import IcpcState, Route, S47State
from convene.people.models import Partnership
from convene.workdays import london_date

__all__ = ["COLUMNS", "annex_a_rows", "annex_a_xlsx"]

COLUMNS = (
    "Child unique ID",
    "Gender",
    "Ethnicity",
    "Date of birth",
    "Age of child (years)",
    "Child has a disability",
    "Strategy discussion initiating Section 47 Enquiry Start Date",
    "Was an Initial Child Protection Conference deemed unnecessary?",
    "Date of Initial Child Protection Conference",
    "Did the Initial Child Protection Conference result in a Child Protection Plan?",
    "Number of Section 47 Enquiries in the last 12 months",
    "Number of ICPCs in the last 12 months",
    "Allocated team",
    "Allocated worker",
)


def annex_a_rows(*, partnership: Partnership, start: date, end: date) -> list[list[object]]:
    qs = list(
        S47Enquiry.objects.filter(partnership=partnership)
        .select_related("child", "record_version__record", "icpc")
        .order_by("record_version__record__held_at", "pk")
    )
    begun = {e.pk: london_date(e.record_version.record.held_at) for e in qs}
    held = {
        e.pk: london_date(e.icpc.held_at)
        for e in qs
        if e.icpc is not None and e.icpc.state == IcpcState.HELD and e.icpc.held_at
    }
    rows: list[list[object]] = []
    for e in qs:
        day = begun[e.pk]
        if not start <= day <= end:
            continue
        year_ago = day - timedelta(days=365)
        mine = [o for o in qs if o.child_id == e.child_id]
        s47s = Counter(year_ago < begun[o.pk] <= day for o in mine)[True]
        icpcs = Counter(o.pk in held and year_ago < held[o.pk] <= day for o in mine)[True]
        unnecessary = e.state in (S47State.OUTCOME_RECORDED, S47State.CLOSED) and (
            e.route != Route.ICPC
        )
        child = e.child
        rows.append(
            [
                f"CNV{child.pk}",
                child.get_sex_display(),
                child.ethnicity,
                child.date_of_birth,
                child.age_on(day),
                "Yes" if child.disability.strip() else "No",
                day,
                "Yes" if unnecessary else "No",
                held.get(e.pk),
                None,
                s47s,
                icpcs,
                None,
                None,
            ]
        )
    return rows


def annex_a_xlsx(*, partnership: Partnership, start: date, end: date) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "List 5"
    sheet.append(list(COLUMNS))
    for row in annex_a_rows(partnership=partnership, start=start, end=end):
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
