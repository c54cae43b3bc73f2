"""Review strategy discussions: only when new information affects the safeguarding plan (R004.5).

Otherwise the agreed actions are tracked where they belong, by the child's
legal status: the child in need meeting, the child protection core group or
the child in care review; the refusal says which.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from django.db import transaction

from convene.audit.models import Action as AuditAction
from convene.audit.services import audit_record_children
from convene.clocks.deadlines import clock_start_for_deadline, governing_deadline
from convene.core.errors import Conflict, Invalid, NotAllowed, require_aware
from convene.discussions.models import Discussion
from convene.discussions.services import discussion_create
from convene.followup.models import ReviewRequest
from convene.followup.reviews.selectors import HELD_STATES, latest_held_discussion, live_review_of
from convene.followup.roles import manages_cases
from convene.followup.vocab import progress_meeting
from convene.people.models import Child, Professional
from convene.people.vocab import LegalStatus
from convene.policy.vocab import ClockKind, Pathway, StartEvent
from convene.referrals.policy import case_policy

__all__ = ["review_discussion_request", "where_progress_is_tracked"]


def where_progress_is_tracked(children: list[Child]) -> str:
    """'the child protection core group meeting (for Amy Smith)', one meeting per status."""
    by_meeting: dict[str, list[str]] = {}
    for child in children:
        meeting = progress_meeting(LegalStatus(child.legal_status))
        by_meeting.setdefault(meeting, []).append(child.full_name)
    if len(by_meeting) == 1:
        return next(iter(by_meeting))
    return " and ".join(
        f"{meeting} (for {', '.join(names)})" for meeting, names in by_meeting.items()
    )


def _refusal(children: list[Child]) -> str:
    return (
        "A review strategy discussion is held only when new information affects the "
        "safeguarding plan. Record the new information and how it affects the plan; "
        f"otherwise progress on the agreed actions is tracked at "
        f"{where_progress_is_tracked(children)}."
    )


def _resolve(discussion_or_child: Discussion | Child, by: Professional) -> Discussion:
    if isinstance(discussion_or_child, Discussion):
        discussion = discussion_or_child
        if discussion.state not in HELD_STATES:
            state = discussion.get_state_display().lower()
            raise Conflict(
                f"{discussion.reference} has not taken place ({state}): a review follows a "
                "discussion that was held"
            )
        return discussion
    found = latest_held_discussion(child=discussion_or_child, user=by)
    if found is None:
        raise Invalid(
            f"{discussion_or_child.full_name} has had no strategy discussion to review: "
            "record a referral for a new concern"
        )
    return found


@transaction.atomic
def review_discussion_request(
    *,
    discussion_or_child: Discussion | Child,
    new_information: str,
    effect_on_plan: str,
    immediate_risk: bool = False,
    by: Professional,
    now: datetime,
) -> ReviewRequest:
    """Convene a review strategy discussion for new information that affects the plan.

    Refused, naming where progress is tracked instead (by each child's legal
    status), when the new information or its effect on the safeguarding plan is
    not recorded. The review is convened by the discussions app's own service
    (requested, to be scheduled by the manager) and gets its own convene-by clock,
    computed by the policy from the moment of the request.
    """
    require_aware(now, "now")
    discussion = _resolve(discussion_or_child, by)
    if not manages_cases(user=by, partnership=discussion.partnership_id):
        raise NotAllowed(
            "Only a social care manager (deputy team manager, team manager or head of service) "
            "requests a review strategy discussion"
        )
    children = list(discussion.children.order_by("pk"))
    new_information, effect_on_plan = new_information.strip(), effect_on_plan.strip()
    if not new_information:
        raise Invalid(_refusal(children), field="new_information")
    if not effect_on_plan:
        raise Invalid(_refusal(children), field="effect_on_plan")
    already = live_review_of(discussion=discussion)
    if already is not None:
        raise Conflict(f"A review of {discussion.reference} is already arranged: {already}")

    try:
        review = discussion_create(
            referral=discussion.referral,
            children=children,
            kind=discussion.kind,
            chair=None,
            by=by,
            now=now,
        )
    except Conflict as error:
        raise Conflict(
            f"{error.message}. For a new concern about the child, record a new referral"
        ) from error

    pack, facts = case_policy(discussion.referral, children, pathway=Pathway(discussion.kind))
    facts = dataclasses.replace(
        facts,
        review_requested=True,
        new_information=True,
        immediate_risk=immediate_risk,
    )
    # The review is a new request: its clock runs from now, not from the first referral.
    deadline = governing_deadline(
        pack=pack,
        facts=facts,
        kind=ClockKind.CONVENE,
        events={StartEvent.REFERRAL_RECEIVED: now, StartEvent.DISCUSSION_REQUESTED: now},
    )
    if deadline is not None:
        clock_start_for_deadline(
            partnership=discussion.partnership,
            subject=review,
            deadline=deadline,
            pack=pack,
            started_at=now,
            by=by,
        )
    request = ReviewRequest.objects.create(
        partnership=discussion.partnership,
        discussion=discussion,
        new_information=new_information,
        effect_on_plan=effect_on_plan,
        immediate_risk=immediate_risk,
        requested_by=by,
        requested_at=now,
        review=review,
        created_by=by,
        modified_by=by,
    )
    audit_record_children(
        actor=by,
        action=AuditAction.CREATE,
        obj=request,
        summary=f"Requested review {review.reference} of {discussion.reference}: new information "
        "affects the plan",
        children=children,
    )
    return request
