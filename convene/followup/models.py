"""Follow-through of a strategy discussion, from the decision to its outcome.

* ``S47Enquiry`` (one per child of the deciding discussion) with its visit and
  outcome, and what continuing risk leads to by the child's legal status
  (R000.2): ``Icpc``, ``CoreGroupReview``, ``CarePlanReview`` and ``HrpmDecision``.
* ``ActionUpdate``: the updates that carry every agreed action to done.
* ``ReviewRequest``: a review strategy discussion for new information (R004.5).
* ``Hrpm``, ``HrpmMeeting``, ``HrpmAction``: High Risk Planning Meetings for a
  child in care (R000.3, R000.4).

Models hold data and invariants (database constraints); every change goes
through the services of its topic. Each model lives in its topic's package
(``enquiries``, ``conferences``, ``hrpm``, ``actions``, ``reviews``); this module
gathers them for Django's model discovery (app label ``followup``).
"""

from convene.followup.actions.models import ActionStatus, ActionUpdate
from convene.followup.conferences.models import Icpc
from convene.followup.enquiries.models import (
    CarePlanReview,
    CoreGroupReview,
    HrpmDecision,
    S47Enquiry,
)
from convene.followup.hrpm.models import Hrpm, HrpmAction, HrpmMeeting, HrpmState
from convene.followup.reviews.models import ReviewRequest

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
