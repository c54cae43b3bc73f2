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

from convene.people.vocab import LEGAL_STATUS_LABELS, Labelled, LegalStatus, labels

E = TypeVar("E", bound=StrEnum)


def choices(table: Mapping[E, str]) -> list[tuple[str, str]]:
    """Model and form ``choices`` from a label table."""
    return [(member.value, label) for member, label in table.items()]


LEGAL_STATUS_CHOICES = choices(LEGAL_STATUS_LABELS)


class S47State(Labelled):
    STARTED = "started", "Started"
    VISITED = "visited", "Child visited"
    OUTCOME_RECORDED = "outcome_recorded", "Outcome recorded"
    CLOSED = "closed", "Closed"


S47_STATE_LABELS = labels(S47State)


class S47Lead(Labelled):
    """Who carries out the enquiry (R003.2, R003.6): social care alone, or jointly with police."""

    SINGLE_AGENCY = "single_agency", "Children's social care (single agency)"
    JOINT = "joint", "Joint with police"


S47_LEAD_LABELS = labels(S47Lead)


class S47Outcome(Labelled):
    """The outcomes of a S47 enquiry (R003.9), the first read with R000.2."""

    # "Concerns substantiated and risk of significant harm → ICPC" (R003.9); where the
    # child already has a plan or is in care, R000.2 sends it elsewhere: see Route.
    SIGNIFICANT_HARM = (
        "significant_harm",
        "Concerns substantiated: continuing risk of significant harm",
    )
    CHILD_IN_NEED_PLAN = "child_in_need_plan", "Child in need plan (section 17)"
    REFERRAL_TO_OTHER_SERVICE = "referral_to_other_service", "Referral to another service"
    NO_FURTHER_ACTION = "no_further_action", "No further action"


S47_OUTCOME_LABELS = labels(S47Outcome)


class Route(Labelled):
    """Where continuing risk of significant harm goes, by the child's legal status (R000.2)."""

    # (a) a child in need, or a child with no status
    ICPC = "icpc", "Initial child protection conference"
    # (b) already on a child protection plan
    CORE_GROUP_REVIEW = (
        "core_group_review",
        "Core group review of the child protection plan, with management oversight",
    )
    # (c) a child in care: care plan and HRPM decision
    CARE_PLAN_REVIEW = (
        "care_plan_review",
        "Care plan review and a decision whether a High Risk Planning Meeting is needed",
    )


ROUTE_LABELS = labels(Route)


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


class ActionProgress(Labelled):
    """What an update says about an action."""

    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


ACTION_PROGRESS_LABELS = labels(ActionProgress)


class IcpcState(Labelled):
    REQUESTED = "requested", "Requested"
    CONFIRMED = "confirmed", "Confirmed with the Head of Service"  # R001.14
    DATE_SET = "date_set", "Date set"
    HELD = "held", "Held"


ICPC_STATE_LABELS = labels(IcpcState)
