"""Review and reconvened strategy discussions through the API.

Mounted inside the follow-through's router (``convene/followup/routers.py``), so under
``/api/followup/``: a manager of the partnership asks for a review (new information that
affects the plan) or reconvenes after a Single Assessment; 404 for a discussion the caller
may not see, 403 for someone not a manager there, the service's refusal otherwise.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from convene.core.api import (
    ERRORS,
    PathId,
    acting_user,
    answer,
    error,
)
from convene.core.limits import NOTE_MAX
from convene.discussions.selectors import discussions_visible_to
from convene.followup.reviews.reconvene import reconvene_convene
from convene.followup.reviews.services import review_discussion_request
from convene.followup.roles import manages_cases
from convene.people.models import Professional

router = Router(tags=["follow-through"])


class ReviewIn(Schema):
    new_information: str = Field(max_length=NOTE_MAX)
    effect_on_plan: str = Field(max_length=NOTE_MAX)
    immediate_risk: bool = False


class ConvenedOut(Schema):
    discussion_id: int = Field(description="The new discussion, requested: schedule it")
    reference: str


def _managed(
    request: HttpRequest, discussion_id: int, refusal: str
) -> tuple[Professional, Any, Status[Any] | None]:
    """The discussion, or the refusal: 404 unseen, 403 for someone not a manager there."""
    user = acting_user(request)
    discussion = discussions_visible_to(user=user).filter(pk=discussion_id).first()
    if discussion is None:
        return user, None, error(404, "Discussion not found")
    if not manages_cases(user=user, partnership=discussion.partnership_id):
        return user, None, error(403, refusal)
    return user, discussion, None


@router.post(
    "/discussions/{discussion_id}/review",
    response={201: ConvenedOut, **ERRORS},
    operation_id="review_discussion_request",
    summary="Ask for a review discussion: new information that affects the plan",
)
def review_request(request: HttpRequest, discussion_id: PathId, payload: ReviewIn) -> Status[Any]:
    user, discussion, refused = _managed(
        request, discussion_id, "Only a social care manager requests a review discussion"
    )
    if refused is not None:
        return refused

    def call() -> ConvenedOut:
        made = review_discussion_request(
            discussion_or_child=discussion,
            new_information=payload.new_information,
            effect_on_plan=payload.effect_on_plan,
            immediate_risk=payload.immediate_risk,
            by=user,
            now=timezone.now(),
        )
        return ConvenedOut(discussion_id=made.review.pk, reference=made.review.reference)

    return answer(201, call)


@router.post(
    "/discussions/{discussion_id}/reconvene",
    response={201: ConvenedOut, **ERRORS},
    operation_id="reconvene_convene",
    summary="Convene the reconvened discussion a single assessment planned (R002.13)",
)
def reconvene(request: HttpRequest, discussion_id: PathId) -> Status[Any]:
    user, discussion, refused = _managed(
        request, discussion_id, "Only a social care manager convenes the reconvened discussion"
    )
    if refused is not None:
        return refused

    def call() -> ConvenedOut:
        made = reconvene_convene(discussion=discussion, by=user, now=timezone.now())
        return ConvenedOut(discussion_id=made.pk, reference=made.reference)

    return answer(201, call)
