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
    return (
        hrpms_visible_to(user=user)
        # The partnerships as values (every HRPM one may see is of one's partnerships): for
        # a partnership with few HRPMs beside a large one PostgreSQL then starts from its
        # HRPMs and sorts them, instead of walking every child's name to find none (nick:
        # 15,013 children walked for no row, issue 15); for a large one it still walks the
        # name index (people_child_name_order) and stops at the page.
        .filter(state="active", partnership__in=partnership_ids_of(user=user))
        .select_related("child")
        .annotate(next_due_at=Subquery(counting.values("due_at")[:1]))
    )


def hrpm_meetings(*, hrpm: Hrpm) -> list[HrpmMeeting]:
    return list(hrpm.meetings.prefetch_related("attendees__agency", "actions").order_by("-number"))
