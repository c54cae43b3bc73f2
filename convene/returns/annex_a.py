"""Ofsted's Annex A, List 5: Section 47 enquiries and ICPCs, as an XLSX workbook.

One row per S47 enquiry whose deciding strategy discussion fell in the period, child by
child (in the order the enquiries began), read in chunks and written as read: a year at a
million discussions never sits in memory.
The allocated team and worker are the enquiry's open allocation, or the one it
inherits (discussion, then referral: ``allocation.selectors.current_for``), read for
every enquiry at once. Whether the ICPC resulted in a child protection plan is the outcome
recorded for the child after the conference was held (``S47Enquiry.cp_plan``), blank
until it is recorded. Only reads.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from io import BytesIO
from typing import Any, BinaryIO

from django.db.models import Q, QuerySet

from convene.allocation.models import Allocation, SubjectKind
from convene.core.xlsx import write_sheet
from convene.followup.models import S47Enquiry
from convene.followup.vocab import IcpcState, Route, S47State
from convene.people.models import Partnership, Sex, age_on
from convene.returns.streaming import whole_result
from convene.workdays import london_date
from convene.workdays.timescales import LONDON

__all__ = [
    "COLUMNS",
    "annex_a_rows",
    "annex_a_xlsx",
    "iter_annex_a_rows",
    "rows_as_xlsx",
    "write_annex_a",
]

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


# Allocations are looked up for this many rows at a time: one query a chunk.
CHUNK = 2000
# What a row reads of each enquiry and its child: one ordered query, streamed.
_COLUMNS = (
    "pk",
    "child_id",
    "discussion_id",
    "discussion__referral_id",
    "state",
    "route",
    "record_version__record__held_at",
    "icpc__state",
    "icpc__held_at",
    "child__sex",
    "child__ethnicity",
    "child__date_of_birth",
    "child__disability",
    "cp_plan",
)
# (enquiry, discussion, referral): what the allocation is inherited through.
Subjects = tuple[int, int, int]


def _allocations(subjects: Iterable[Subjects]) -> dict[int, tuple[str | None, str]]:
    """Each enquiry's allocated (team, worker): its own open allocation, else its
    discussion's, else its referral's.

    One query for all the enquiries given (the same inheritance as ``current_for``,
    set-based), reading only the names the row shows (no model built per allocation)."""
    subjects = list(subjects)
    by_subject: dict[tuple[str, int | None], tuple[str | None, str]] = {}
    open_rows = Allocation.objects.filter(ended_at__isnull=True).filter(
        Q(s47_enquiry__in={s for s, _, _ in subjects})
        | Q(discussion__in={d for _, d, _ in subjects})
        | Q(referral__in={r for _, _, r in subjects})
    )
    for kind, s47_id, discussion_id, referral_id, team, first, last in open_rows.values_list(
        "subject_kind",
        "s47_enquiry_id",
        "discussion_id",
        "referral_id",
        "team__name",
        "social_worker__first_name",
        "social_worker__last_name",
    ):
        # As ``Professional.get_full_name``; one open allocation a subject (a constraint).
        by_subject[(kind, s47_id or discussion_id or referral_id)] = (
            team,
            f"{first} {last}".strip(),
        )
    found: dict[int, tuple[str | None, str]] = {}
    for s47_id, discussion_id, referral_id in subjects:
        for key in (
            (SubjectKind.S47.value, s47_id),
            (SubjectKind.DISCUSSION.value, discussion_id),
            (SubjectKind.REFERRAL.value, referral_id),
        ):
            if key in by_subject:
                found[s47_id] = by_subject[key]
                break
    return found


def _window(partnership: Partnership, start: date, end: date) -> QuerySet[S47Enquiry]:
    """The enquiries a row or its "last 12 months" counts can read: begun from a year before
    ``start`` to ``end``, or with a conference held in that window (London days)."""
    since = datetime.combine(start - timedelta(days=366), time(0), tzinfo=LONDON)
    until = datetime.combine(end + timedelta(days=1), time(0), tzinfo=LONDON)
    return S47Enquiry.objects.filter(partnership=partnership).filter(
        Q(record_version__record__held_at__gte=since)
        | Q(icpc__state=IcpcState.HELD, icpc__held_at__gte=since),
        record_version__record__held_at__lt=until,
    )


def _by_child(partnership: Partnership, start: date, end: date) -> Iterator[list[tuple[Any, ...]]]:
    """The window's enquiries, one child's at a time, each child's in the order they began."""
    enquiries = (
        _window(partnership, start, end)
        .order_by("child_id", "record_version__record__held_at", "pk")
        .values_list(*_COLUMNS)
    )
    mine: list[tuple[Any, ...]] = []
    with whole_result():
        for values in enquiries.iterator(chunk_size=5000):
            if mine and mine[-1][1] != values[1]:
                yield mine
                mine = []
            mine.append(values)
    if mine:
        yield mine


def _yes_no(answer: bool | None) -> str | None:
    return None if answer is None else ("Yes" if answer else "No")


def _child_rows(
    mine: list[tuple[Any, ...]], start: date, end: date
) -> Iterator[tuple[Subjects, list[object]]]:
    """One child's rows (those begun in [start, end]), without their allocation yet."""
    begun = {v[0]: london_date(v[6]) for v in mine}
    held = {v[0]: london_date(v[8]) for v in mine if v[7] == IcpcState.HELD and v[8]}
    child_id, sex, ethnicity, born, disability = mine[0][1], *mine[0][9:13]
    plans = {v[0]: v[13] for v in mine}
    sex_label = str(Sex(sex).label)  # as the model says it, without a model per row
    for pk, _child, discussion_id, referral_id, state, route, *_ in mine:
        day = begun[pk]
        if not start <= day <= end:
            continue
        year_ago = day - timedelta(days=365)
        s47s = Counter(year_ago < begun[o[0]] <= day for o in mine)[True]
        icpcs = Counter(o[0] in held and year_ago < held[o[0]] <= day for o in mine)[True]
        unnecessary = state in (S47State.OUTCOME_RECORDED, S47State.CLOSED) and (
            route != Route.ICPC
        )
        row: list[object] = [
            f"CNV{child_id}",
            sex_label,
            ethnicity,
            born,
            age_on(born, day),
            "Yes" if disability.strip() else "No",
            day,
            "Yes" if unnecessary else "No",
            held.get(pk),
            _yes_no(plans[pk]) if pk in held else None,
            s47s,
            icpcs,
        ]
        yield (pk, discussion_id, referral_id), row


def iter_annex_a_rows(
    *, partnership: Partnership, start: date, end: date
) -> Iterator[list[object]]:
    """One row per enquiry begun in [start, end]. One query for the enquiries (streamed) and
    one for the allocations of each ``CHUNK`` rows; the counts per child read that child's
    enquiries only."""
    pending: list[tuple[Subjects, list[object]]] = []

    def allocated() -> Iterator[list[object]]:
        found = _allocations(subjects for subjects, _ in pending)
        for (s47_id, _, _), row in pending:
            team, worker = found.get(s47_id, (None, None))
            yield [*row, team or None, worker]
        pending.clear()

    for mine in _by_child(partnership, start, end):
        pending.extend(_child_rows(mine, start, end))
        if len(pending) >= CHUNK:
            yield from allocated()
    if pending:
        yield from allocated()


def annex_a_rows(*, partnership: Partnership, start: date, end: date) -> list[list[object]]:
    return list(iter_annex_a_rows(partnership=partnership, start=start, end=end))


def annex_a_xlsx(*, partnership: Partnership, start: date, end: date) -> bytes:
    out = BytesIO()
    write_annex_a(out, partnership=partnership, start=start, end=end)
    return out.getvalue()


def write_annex_a(out: BinaryIO, *, partnership: Partnership, start: date, end: date) -> int:
    """List 5 as a workbook written to ``out`` as the rows are read (XlsxWriter's
    ``constant_memory`` mode, ``core.xlsx``). Returns the number of rows."""
    rows = iter_annex_a_rows(partnership=partnership, start=start, end=end)
    return _write_rows(out, rows)


def rows_as_xlsx(rows: Iterable[list[object]]) -> bytes:
    """List 5's rows (from :func:`annex_a_rows`) as a workbook with the specification's headers."""
    out = BytesIO()
    _write_rows(out, rows)
    return out.getvalue()


def _write_rows(out: BinaryIO, rows: Iterable[list[object]]) -> int:
    return write_sheet(out, title="List 5", headers=COLUMNS, rows=rows)
