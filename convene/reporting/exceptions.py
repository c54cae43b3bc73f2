"""Attendance exceptions and their reasons (issue 13, R002.4): the list beside the counts.

A manager records why children's social care, the police or health did not attend a
discussion; the latest exception of a record and party is the one that stands (as on the
record). The list is need-to-know: only exceptions on records ``user`` may open
(``records.selectors.records_visible_to``: a restricted record only for those named on it),
and a partner sees only the exceptions about their own agency's kind (the police the
police's, health health's) on records shared with them.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from convene.core.pagination import keyset_soonest
from convene.people.models import Agency, Professional
from convene.people.vocab import AgencyKind
from convene.records.models import AttendanceException
from convene.records.quality_tally import HEALTH_KINDS
from convene.records.selectors import records_visible_to
from convene.reporting.access import Scope
from convene.reporting.periods import Period
from convene.reporting.scoping import discussions_q
from convene.reporting.withheld import WithheldPage, withheld_page

Party = AttendanceException.Party


def party_of(kind: str) -> str | None:
    """The minimum party an agency kind stands for, if any."""
    if kind == AgencyKind.POLICE.value:
        return Party.POLICE.value
    if kind in HEALTH_KINDS:
        return Party.HEALTH.value
    if kind == AgencyKind.SOCIAL_CARE.value:
        return Party.SOCIAL_CARE.value
    return None


def _standing(*, scope: Scope, period: Period) -> QuerySet[AttendanceException]:
    """The exceptions that stand on records of discussions held in ``period`` (any record:
    the caller decides what ``user`` may see), of a partner's own party only."""
    later = AttendanceException.objects.filter(
        Q(recorded_at__gt=OuterRef("recorded_at"))
        | Q(recorded_at=OuterRef("recorded_at"), pk__gt=OuterRef("pk")),
        record=OuterRef("record"),
        party=OuterRef("party"),
    )
    exceptions = AttendanceException.objects.filter(
        discussions_q(scope, "record__discussion"),
        ~Exists(later),
        record__discussion__partnership=scope.partnership,
        **period.bounds("record__held_at"),
    )
    if not scope.whole:
        kind = Agency.objects.filter(pk=scope.agency_id or 0).values_list("kind", flat=True).first()
        party = party_of(kind) if kind is not None else None
        if party is None:
            return AttendanceException.objects.none()
        exceptions = exceptions.filter(party=party)
    return exceptions.select_related("record__discussion", "recorded_by")


def standing_exceptions(
    *, user: Professional, scope: Scope, period: Period
) -> QuerySet[AttendanceException]:
    """The exceptions that stand on records of discussions held in ``period`` that ``user``
    may open, oldest discussion first (the download: every row)."""
    exceptions = _standing(scope=scope, period=period).filter(
        record__in=records_visible_to(user=user)
    )
    return exceptions.order_by("record__held_at", "pk")


def reasons_page(
    *, user: Professional, scope: Scope, period: Period, after: int | None, size: int
) -> WithheldPage[AttendanceException]:
    """The dashboard's page of ``size`` standing exceptions after the exception ``after``,
    oldest discussion first: a keyset page (no OFFSET, no count), so the hundredth page costs
    what the first does. The partnership's whole list is paged as it stands and need-to-know
    decided for the page's rows only (one set-based query): a row whose record ``user`` may
    not open is shown with its details withheld (counts may include it; its reference and
    reason are never shown). A partner's list holds the records shared with them only."""
    rows = _standing(scope=scope, period=period)
    visible = records_visible_to(user=user)
    if not scope.whole:
        rows = rows.filter(record__in=visible)
    page = keyset_soonest(rows, field="record__held_at", before=after, size=size)
    return withheld_page(page, visible=visible, subjects=(e.record_id for e in page.rows))
