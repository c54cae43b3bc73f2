"""Follow-through of a strategy discussion, from the decision to its outcome.

* ``S47Enquiry`` (one per child of the deciding discussion) with its visit and
  outcome, and what continuing risk leads to by the child's legal status
  (R000.2): ``Icpc``, ``CoreGroupReview``, ``CarePlanReview`` and ``HrpmDecision``.
* ``ActionUpdate``: the updates that carry every agreed action to done.
* ``ReviewRequest``: a review strategy discussion for new information (R004.5).
* ``Hrpm``, ``HrpmMeeting``, ``HrpmAction``: High Risk Planning Meetings for a
  child in care (R000.3, R000.4).

Models hold data and invariants (database constraints); every change goes
through ``convene.followup.services``.
"""

from convene.followup.models.actions import ActionUpdate
from convene.followup.models.common import ActionStatus
from convene.followup.models.hrpm import Hrpm, HrpmAction, HrpmMeeting, HrpmState
from convene.followup.models.reviews import ReviewRequest
from convene.followup.models.s47 import (
    CarePlanReview,
    CoreGroupReview,
    HrpmDecision,
    Icpc,
    S47Enquiry,
)

__all__ = [
    "ActionStatus",
    "ActionUpdate",
    "CarePlanReview",
    "CoreGroupReview",
    "Hrpm",
    "HrpmAction",
    "HrpmDecision",
    "HrpmMeeting",
    "HrpmState",
    "Icpc",
    "ReviewRequest",
    "S47Enquiry",
]
