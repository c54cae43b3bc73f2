"""Writes of the follow-through, one module per part (STYLE: services write).

Every function is keyword-only and typed, takes ``by`` and an explicit
``now``, checks before it writes (a refusal raises one of
``convene.core.errors`` and leaves nothing written) and runs in one
transaction, starting, meeting or waiving the clocks its change sets.
"""

from convene.followup.services.actions import action_update
from convene.followup.services.hrpm import (
    hrpm_action_add,
    hrpm_create,
    hrpm_end,
    hrpm_meeting_record,
    hrpm_next_deadline,
)
from convene.followup.services.icpc import (
    icpc_confirm,
    icpc_held,
    icpc_outcome_record,
    icpc_set_date,
)
from convene.followup.services.reconvene import reconvene_convene
from convene.followup.services.reviews import review_discussion_request, where_progress_is_tracked
from convene.followup.services.s47 import (
    care_plan_review_record,
    core_group_review_oversee,
    core_group_review_record,
    hrpm_decide,
    s47_enquiries_start,
    s47_enquiries_start_on_authorisation,
    s47_enquiry_close,
    s47_outcome_record,
    s47_visit_record,
)

__all__ = [
    "action_update",
    "care_plan_review_record",
    "core_group_review_oversee",
    "core_group_review_record",
    "hrpm_action_add",
    "hrpm_create",
    "hrpm_decide",
    "hrpm_end",
    "hrpm_meeting_record",
    "hrpm_next_deadline",
    "icpc_confirm",
    "icpc_held",
    "icpc_outcome_record",
    "icpc_set_date",
    "reconvene_convene",
    "review_discussion_request",
    "s47_enquiries_start",
    "s47_enquiries_start_on_authorisation",
    "s47_enquiry_close",
    "s47_outcome_record",
    "s47_visit_record",
    "where_progress_is_tracked",
]
