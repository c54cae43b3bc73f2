"""Reads of High Risk Planning Meetings: which a person may see, and a series' meetings."""

from __future__ import annotations

from django.db.models import (
    Exists,
    OuterRef,
    QuerySet,
)

from convene.core.access import among
from convene.followup.models import (
    Hrpm,
    HrpmMeeting,
)
from convene.people.models import Professional
from convene.people.selectors import children_visible_to, sees_whole_caseload

# --- High Risk Planning Meetings ---------------------------------------------------------


def hrpms_visible_to(*, user: Professional) -> QuerySet[Hrpm]:
    """Social care: the HRPMs of the children it may see. Partners: those whose meetings they
    attended (the HRPM is a multi-agency forum, R000.3)."""
    if not user.is_active:
        return Hrpm.objects.none()
    if sees_whole_caseload(user=user):
        return Hrpm.objects.filter(among(children_visible_to(user=user), "child"))
    attended = HrpmMeeting.objects.filter(hrpm=OuterRef("pk"), attendees=user.pk)
    return Hrpm.objects.filter(Exists(attended))


def hrpm_meetings(*, hrpm: Hrpm) -> list[HrpmMeeting]:
    return list(hrpm.meetings.prefetch_related("attendees__agency", "actions").order_by("-number"))
