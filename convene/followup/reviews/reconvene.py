"""The planned reconvene after a Single Assessment: a first-class step (R002.13).

A record whose decision is Single Assessment sets the date to reconvene at the
assessment's end, and its authorisation starts the discussion's ``reconvene``
clock. A social care manager convenes the reconvened discussion directly from
it: no new information is asked for, because R004.5's "only when new
information affects the plan" governs review discussions, not the reconvene the
record itself planned. The reconvened discussion is linked to the first
(``Discussion.reconvenes``); holding it meets the first's reconvene clock
(``records.reconvened``). It has no convene clock of its own: the record's date
is its timescale.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from convene.audit.models import Action as AuditAction
from convene.audit.services import audit_record_children
from convene.core.errors import Conflict, NotAllowed, require_aware
from convene.discussions.models import Discussion
from convene.discussions.services import discussion_create
from convene.followup.reviews.reconvening import planned_reconvene_version, reconvened_as
from convene.followup.roles import manages_cases
from convene.people.models import Professional

__all__ = ["reconvene_convene"]


@transaction.atomic
def reconvene_convene(*, discussion: Discussion, by: Professional, now: datetime) -> Discussion:
    """Convene the discussion that reconvenes ``discussion`` at the end of its Single Assessment.

    Refused unless ``by`` is a social care manager of the partnership, the latest
    authorised record of ``discussion`` decided a Single Assessment, and it has not
    been reconvened already (a cancelled reconvened discussion can be replaced).
    """
    require_aware(now, "now")
    discussion = Discussion.objects.select_for_update().get(pk=discussion.pk)
    if not manages_cases(user=by, partnership=discussion.partnership_id):
        raise NotAllowed(
            "Only a social care manager (deputy team manager, team manager or head of service) "
            "convenes the reconvened discussion"
        )
    version = planned_reconvene_version(discussion=discussion)
    if version is None:
        raise Conflict(
            f"The record of {discussion.reference} did not decide a Single Assessment, so it "
            "planned no reconvene. For new information that affects the safeguarding "
            "plan, ask for a review discussion"
        )
    already = reconvened_as(discussion=discussion)
    if already is not None:
        raise Conflict(f"{discussion.reference} is already reconvened as {already.reference}")
    children = list(discussion.children.order_by("pk"))
    reconvened = discussion_create(
        referral=discussion.referral,
        children=children,
        kind=discussion.kind,
        chair=None,
        by=by,
        now=now,
    )
    reconvened.reconvenes = discussion
    reconvened.save(update_fields=["reconvenes", "modified_at"])
    audit_record_children(
        actor=by,
        action=AuditAction.CREATE,
        obj=reconvened,
        summary=f"Convened {reconvened.reference} to reconvene {discussion.reference} at the end "
        f"of the single assessment (record version {version.number}, R002.13)",
        children=children,
    )
    return reconvened
