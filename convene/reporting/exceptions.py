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

from convene.people.models import Agency, Professional
from convene.people.vocab import AgencyKind
from convene.records.models import AttendanceException
from convene.records.quality_tally import HEALTH_KINDS
from convene.records.selectors import records_visible_to
from convene.reporting.access import Scope
from convene.reporting.periods import Period
from convene.reporting.scoping import discussions_q

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


def standing_exceptions(
    *, user: Professional, scope: Scope, period: Period
) -> QuerySet[AttendanceException]:
    """The exceptions that stand on records of discussions held in ``period`` that ``user``
    may open, oldest discussion first."""
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
        record__in=records_visible_to(user=user),
    )
    if not scope.whole:
        kind = Agency.objects.filter(pk=scope.agency_id or 0).values_list("kind", flat=True).first()
        party = party_of(kind) if kind is not None else None
        if party is None:
            return AttendanceException.objects.none()
        exceptions = exceptions.filter(party=party)
    return exceptions.select_related("record__discussion", "recorded_by").order_by(
        "record__held_at", "record_id", "party"
    )
