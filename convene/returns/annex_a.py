"""Ofsted's Annex A, List 5: Section 47 enquiries and ICPCs, as an XLSX workbook.

One row per S47 enquiry whose deciding strategy discussion fell in the period.
The allocated team and worker are the enquiry's open allocation, or the one it
inherits (discussion, then referral: ``allocation.selectors.current_for``), read for
every enquiry at once. Whether the ICPC resulted in a child protection plan is the outcome
recorded for the child after the conference was held (``S47Enquiry.cp_plan``), blank
until it is recorded. Only reads.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from io import BytesIO

from django.db.models import Q
from openpyxl import Workbook

from convene.allocation.models import Allocation, SubjectKind
from convene.followup.models import S47Enquiry
from convene.followup.vocab import IcpcState, Route, S47State
from convene.people.models import Partnership
from convene.workdays import london_date
from convene.workdays.timescales import LONDON

__all__ = ["COLUMNS", "annex_a_rows", "annex_a_xlsx", "rows_as_xlsx"]

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


def _allocations(enquiries: list[S47Enquiry]) -> dict[int, Allocation]:
    """Each enquiry's allocation: its own open one, else its discussion's, else its referral's.

    One query for all the enquiries (the same inheritance as ``current_for``, set-based)."""
    s47_ids = {e.pk for e in enquiries}
    discussion_ids = {e.discussion_id for e in enquiries}
    referral_ids = {e.discussion.referral_id for e in enquiries}
    open_rows = Allocation.objects.filter(ended_at__isnull=True).select_related(
        "social_worker", "team"
    )
    by_subject: dict[tuple[str, int | None], Allocation] = {}
    for row in open_rows.filter(
        Q(s47_enquiry__in=s47_ids) | Q(discussion__in=discussion_ids) | Q(referral__in=referral_ids)
    ):
        pk = row.s47_enquiry_id or row.discussion_id or row.referral_id
        by_subject[(row.subject_kind, pk)] = row
    found: dict[int, Allocation] = {}
    for e in enquiries:
        for key in (
            (SubjectKind.S47.value, e.pk),
            (SubjectKind.DISCUSSION.value, e.discussion_id),
            (SubjectKind.REFERRAL.value, e.discussion.referral_id),
        ):
            if key in by_subject:
                found[e.pk] = by_subject[key]
                break
    return found


def _window(partnership: Partnership, start: date, end: date) -> list[S47Enquiry]:
    """The enquiries a row or its "last 12 months" counts can read: begun from a year before
    ``start`` to ``end``, or with a conference held in that window (London days)."""
    since = datetime.combine(start - timedelta(days=366), time(0), tzinfo=LONDON)
    until = datetime.combine(end + timedelta(days=1), time(0), tzinfo=LONDON)
    return list(
        S47Enquiry.objects.filter(partnership=partnership)
        .filter(
            Q(record_version__record__held_at__gte=since)
            | Q(icpc__state=IcpcState.HELD, icpc__held_at__gte=since),
            record_version__record__held_at__lt=until,
        )
        .select_related("child", "record_version__record", "icpc", "discussion")
        # Only what the rows read: not the versions' contents nor other JSON.
        .only(
            "child_id",
            "discussion_id",
            "state",
            "route",
            "child__sex",
            "child__ethnicity",
            "child__date_of_birth",
            "child__disability",
            "record_version__record__held_at",
            "icpc__state",
            "icpc__held_at",
            "cp_plan",
            "discussion__referral_id",
        )
        .order_by("record_version__record__held_at", "pk")
    )


def _yes_no(answer: bool | None) -> str | None:
    return None if answer is None else ("Yes" if answer else "No")


def annex_a_rows(*, partnership: Partnership, start: date, end: date) -> list[list[object]]:
    """One row per enquiry begun in [start, end]. One query for the enquiries and one for
    the allocations, whatever their number; the counts per child read a dict, not a scan."""
    qs = _window(partnership, start, end)
    begun = {e.pk: london_date(e.record_version.record.held_at) for e in qs}
    held = {
        e.pk: london_date(e.icpc.held_at)
        for e in qs
        if e.icpc is not None and e.icpc.state == IcpcState.HELD and e.icpc.held_at
    }
    of_child: dict[int, list[S47Enquiry]] = defaultdict(list)
    for e in qs:
        of_child[e.child_id].append(e)
    allocated = _allocations([e for e in qs if start <= begun[e.pk] <= end])
    rows: list[list[object]] = []
    for e in qs:
        day = begun[e.pk]
        if not start <= day <= end:
            continue
        year_ago = day - timedelta(days=365)
        mine = of_child[e.child_id]
        s47s = Counter(year_ago < begun[o.pk] <= day for o in mine)[True]
        icpcs = Counter(o.pk in held and year_ago < held[o.pk] <= day for o in mine)[True]
        unnecessary = e.state in (S47State.OUTCOME_RECORDED, S47State.CLOSED) and (
            e.route != Route.ICPC
        )
        child = e.child
        allocation = allocated.get(e.pk)
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
                _yes_no(e.cp_plan) if e.pk in held else None,
                s47s,
                icpcs,
                str(allocation.team) if allocation and allocation.team else None,
                allocation.social_worker.get_full_name() if allocation else None,
            ]
        )
    return rows


def annex_a_xlsx(*, partnership: Partnership, start: date, end: date) -> bytes:
    return rows_as_xlsx(annex_a_rows(partnership=partnership, start=start, end=end))


def rows_as_xlsx(rows: list[list[object]]) -> bytes:
    """List 5's rows (from :func:`annex_a_rows`) as a workbook with the specification's headers."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "List 5"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
