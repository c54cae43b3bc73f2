"""Reads of High Risk Planning Meetings: which a person may see, and a series' meetings."""

from __future__ import annotations

from django.db.models import (
    Exists,
    OuterRef,
    QuerySet,
    Subquery,
)

from convene.clocks.models import Clock
from convene.core.access import among, child_grants_registered
from convene.core.selector_memo import remembered_per_person
from convene.followup.models import (
    Hrpm,
    HrpmMeeting,
)
from convene.people.models import Professional
from convene.people.selectors import (
    children_visible_to,
    partnership_ids_of,
    sees_whole_caseload,
)

# --- High Risk Planning Meetings ---------------------------------------------------------


@remembered_per_person(depends=child_grants_registered)
def hrpms_visible_to(*, user: Professional) -> QuerySet[Hrpm]:
    """Social care: the HRPMs of the children it may see. Partners: those whose meetings they
    attended (the HRPM is a multi-agency forum, R000.3)."""
    if not user.is_active:
        return Hrpm.objects.none()
    if sees_whole_caseload(user=user):
        return Hrpm.objects.filter(among(children_visible_to(user=user), "child"))
    attended = HrpmMeeting.objects.filter(hrpm=OuterRef("pk"), attendees=user.pk)
    return Hrpm.objects.filter(Exists(attended))


def hrpms_listed(*, user: Professional) -> QuerySet[Hrpm]:
    """The active HRPMs the HRPM list pages through, each with its child and the due time of
    its monthly clock still counting (`next_due_at`); the list orders them by name."""
    counting = Clock.objects.filter(
        subject_type__model="hrpm",
        subject_type__app_label="followup",
        subject_id=OuterRef("pk"),
        kind="hrpm",
        state__in=[Clock.State.PENDING, Clock.State.BREACHED],
    ).order_by("-pk")
    # Every HRPM one may see is of one's partnerships. Its active HRPMs are few beside its
    # children (1,659 of 375,000 at a million discussions), so they are gathered first,
    # from the partial index of active series, and sorted by name for the page (15 ms).
    # Walked down the children's name index to the page instead, as PostgreSQL chose when
    # it could, 43,053 children were probed for the first 51 rows (45 ms); for a small
    # partnership beside a large one, every child's name, to find none (issue 15).
    active = Hrpm.objects.filter(state="active", partnership__in=partnership_ids_of(user=user))
    return (
        hrpms_visible_to(user=user)
        .filter(state="active", pk__gathered=active.order_by().values("pk"))
        .select_related("child")
        .annotate(next_due_at=Subquery(counting.values("due_at")[:1]))
    )


def hrpm_meetings(*, hrpm: Hrpm) -> list[HrpmMeeting]:
    return list(hrpm.meetings.prefetch_related("attendees__agency", "actions").order_by("-number"))
