"""The follow-through's own vocabulary: S47 outcomes, continuing-risk routes, progress meetings.

Pure (no Django): the services, the pages, the API and the tests read the same
lists and the same two decisions made by the child's legal status:

* where a S47 enquiry that finds continuing risk of significant harm goes
  next (R000.2), and
* where progress on agreed actions is tracked when no review strategy
  discussion is justified (R004.5).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from convene.people.vocab import LEGAL_STATUS_LABELS, LegalStatus

E = TypeVar("E", bound=StrEnum)


def choices(labels: Mapping[E, str]) -> list[tuple[str, str]]:
    """Model and form ``choices`` from a label table."""
    return [(member.value, label) for member, label in labels.items()]


LEGAL_STATUS_CHOICES = choices(LEGAL_STATUS_LABELS)


class S47State(StrEnum):
    STARTED = "started"
    VISITED = "visited"
    OUTCOME_RECORDED = "outcome_recorded"
    CLOSED = "closed"


S47_STATE_LABELS: dict[S47State, str] = {
    S47State.STARTED: "Started",
    S47State.VISITED: "Child visited",
    S47State.OUTCOME_RECORDED: "Outcome recorded",
    S47State.CLOSED: "Closed",
}


class S47Lead(StrEnum):
    """Who carries out the enquiry (R003.2, R003.6): social care alone, or jointly with police."""

    SINGLE_AGENCY = "single_agency"
    JOINT = "joint"


S47_LEAD_LABELS: dict[S47Lead, str] = {
    S47Lead.SINGLE_AGENCY: "Children's social care (single agency)",
    S47Lead.JOINT: "Joint with police",
}


class S47Outcome(StrEnum):
    """The outcomes of a S47 enquiry (R003.9), the first read with R000.2."""

    # "Concerns substantiated and risk of significant harm → ICPC" (R003.9); where the
    # child already has a plan or is in care, R000.2 sends it elsewhere: see Route.
    SIGNIFICANT_HARM = "significant_harm"
    CHILD_IN_NEED_PLAN = "child_in_need_plan"
    REFERRAL_TO_OTHER_SERVICE = "referral_to_other_service"
    NO_FURTHER_ACTION = "no_further_action"


S47_OUTCOME_LABELS: dict[S47Outcome, str] = {
    S47Outcome.SIGNIFICANT_HARM: "Concerns substantiated: continuing risk of significant harm",
    S47Outcome.CHILD_IN_NEED_PLAN: "Child in need plan (section 17)",
    S47Outcome.REFERRAL_TO_OTHER_SERVICE: "Referral to another service",
    S47Outcome.NO_FURTHER_ACTION: "No further action",
}


class Route(StrEnum):
    """Where continuing risk of significant harm goes, by the child's legal status (R000.2)."""

    ICPC = "icpc"  # (a) a child in need, or a child with no status
    CORE_GROUP_REVIEW = "core_group_review"  # (b) already on a child protection plan
    CARE_PLAN_REVIEW = "care_plan_review"  # (c) a child in care: care plan and HRPM decision


ROUTE_LABELS: dict[Route, str] = {
    Route.ICPC: "Initial child protection conference",
    Route.CORE_GROUP_REVIEW: "Core group review of the child protection plan, with management "
    "oversight",
    Route.CARE_PLAN_REVIEW: "Care plan review and a decision whether a High Risk Planning "
    "Meeting is needed",
}


def continuing_risk_route(status: LegalStatus) -> Route:
    """R000.2: (a) child in need → ICPC; (b) on a CP plan → core group; (c) in care → care plan.

    A child with no status is treated as (a), as R003.9 sends every substantiated
    concern to an ICPC. A care leaver (relevant young person, R000.1) is not in care
    and has no plan: (a) applies, and the policy's ICPC clock runs for them too.
    """
    if status == LegalStatus.CHILD_PROTECTION_PLAN:
        return Route.CORE_GROUP_REVIEW
    if status == LegalStatus.CHILD_IN_CARE:
        return Route.CARE_PLAN_REVIEW
    return Route.ICPC


PROGRESS_MEETINGS: dict[LegalStatus, str] = {
    LegalStatus.NONE: "the child in need meeting",
    LegalStatus.CHILD_IN_NEED: "the child in need meeting",
    LegalStatus.CHILD_PROTECTION_PLAN: "the child protection core group meeting",
    LegalStatus.CHILD_IN_CARE: "the child in care review",
    LegalStatus.CARE_LEAVER: "the pathway plan review",
}


def progress_meeting(status: LegalStatus) -> str:
    """Where progress on agreed actions is tracked for a child of this status (R004.5)."""
    return PROGRESS_MEETINGS[status]


class ActionProgress(StrEnum):
    """What an update says about an action."""

    IN_PROGRESS = "in_progress"
    DONE = "done"


ACTION_PROGRESS_LABELS: dict[ActionProgress, str] = {
    ActionProgress.IN_PROGRESS: "In progress",
    ActionProgress.DONE: "Done",
}


class IcpcState(StrEnum):
    REQUESTED = "requested"
    CONFIRMED = "confirmed"  # with the Head of Service (R001.14)
    DATE_SET = "date_set"
    HELD = "held"


ICPC_STATE_LABELS: dict[IcpcState, str] = {
    IcpcState.REQUESTED: "Requested",
    IcpcState.CONFIRMED: "Confirmed with the Head of Service",
    IcpcState.DATE_SET: "Date set",
    IcpcState.HELD: "Held",
}
