"""The follow-through's rules in the one access layer (``convene.core.access``).

``can(user=..., action=..., obj=...)`` answers from the same selectors the pages and
the API use: read if the record is in the person's selector; write if the service
would let them (children's social care of the partnership; for an action, its
owner's agency too). Auditors never write (the access layer refuses before asking).
The parts of these records (an enquiry's reviews and HRPM decision, an HRPM's
meetings, an action's updates, a review request of a discussion) are read and
changed as the record they belong to (``part_of``).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from convene.core.access import READS, AccessAction, part_of, rule_for, seen_through
from convene.followup.actions.selectors import (
    actions_visible_to,
    hrpm_actions_visible_to,
    may_update_action,
    may_view_action,
)
from convene.followup.conferences.selectors import icpcs_visible_to
from convene.followup.enquiries.selectors import s47_enquiries_visible_to
from convene.followup.hrpm.selectors import hrpms_visible_to
from convene.followup.models import (
    ActionUpdate,
    CarePlanReview,
    CoreGroupReview,
    Hrpm,
    HrpmAction,
    HrpmDecision,
    HrpmMeeting,
    Icpc,
    ReviewRequest,
    S47Enquiry,
)
from convene.followup.roles import works_cases
from convene.people.models import Professional
from convene.records.models import Action


@rule_for(S47Enquiry)
def _s47_rule(user: Professional, action: AccessAction, enquiry: S47Enquiry) -> bool:
    if not s47_enquiries_visible_to(user=user).filter(pk=enquiry.pk).exists():
        return False
    return action in READS or works_cases(user=user, partnership=enquiry.partnership_id)


@rule_for(Icpc)
def _icpc_rule(user: Professional, action: AccessAction, icpc: Icpc) -> bool:
    if not icpcs_visible_to(user=user).filter(pk=icpc.pk).exists():
        return False
    return action in READS or works_cases(user=user, partnership=icpc.partnership_id)


@rule_for(Hrpm)
def _hrpm_rule(user: Professional, action: AccessAction, hrpm: Hrpm) -> bool:
    if not hrpms_visible_to(user=user).filter(pk=hrpm.pk).exists():
        return False
    return action in READS or works_cases(user=user, partnership=hrpm.partnership_id)


@rule_for(HrpmAction)
@rule_for(Action)
def _action_rule(user: Professional, action: AccessAction, obj: Action | HrpmAction) -> bool:
    """An agreed action: its owner's agency and the partnership's social care (R001.13)."""
    if action in READS:
        return may_view_action(user=user, action=obj)
    return may_update_action(user=user, action=obj)


def _updated(update: ActionUpdate) -> Action | HrpmAction:
    action = update.action or update.hrpm_action
    assert action is not None  # a database constraint: exactly one of the two is set
    return action


part_of(CoreGroupReview, parent=lambda review: review.enquiry, via="enquiry")
part_of(CarePlanReview, parent=lambda review: review.enquiry, via="enquiry")
part_of(HrpmDecision, parent=lambda decision: decision.enquiry, via="enquiry")
part_of(HrpmMeeting, parent=lambda meeting: meeting.hrpm, via="hrpm")
part_of(ActionUpdate, parent=_updated)
part_of(ReviewRequest, parent=lambda request: request.discussion, via="discussion")


def _action_updates_visible_to(*, user: Professional) -> QuerySet[ActionUpdate]:
    """An update is read with the action it updates, of either kind."""
    return ActionUpdate.objects.filter(
        Q(action__in=actions_visible_to(user=user).values("pk"))
        | Q(hrpm_action__in=hrpm_actions_visible_to(user=user).values("pk"))
    )


# The same answers, as sets (the "who has looked" table lists many at once).
seen_through(S47Enquiry, s47_enquiries_visible_to)
seen_through(Icpc, icpcs_visible_to)
seen_through(Hrpm, hrpms_visible_to)
seen_through(Action, actions_visible_to)
seen_through(HrpmAction, hrpm_actions_visible_to)
seen_through(ActionUpdate, _action_updates_visible_to)
