"""S47 enquiries: start from an authorised S47 decision, visit, outcome, what follows, close.

One enquiry per child of the deciding discussion. The clocks are the discussion's, started
by the record when the decision was authorised: the 24-hour visit (R003.8) and the
15-working-day ICPC (R002.12). These services meet them (never a second clock for one
timescale); only where the record started none (the pack set none when it was authorised,
or the record predates each child's own facts) do they start one, computed the same way.

One module per step: ``start``, ``visit``, ``outcome``, ``reviews`` (core group and care
plan), ``hrpm_decision`` and ``close``; what they share is in ``steps``.
"""

from convene.followup.enquiries.services.close import s47_enquiry_close
from convene.followup.enquiries.services.hrpm_decision import hrpm_decide
from convene.followup.enquiries.services.outcome import s47_outcome_record
from convene.followup.enquiries.services.reviews import (
    care_plan_review_record,
    core_group_review_oversee,
    core_group_review_record,
)
from convene.followup.enquiries.services.start import (
    s47_enquiries_start,
    s47_enquiries_start_on_authorisation,
)
from convene.followup.enquiries.services.visit import s47_visit_record

__all__ = [
    "care_plan_review_record",
    "core_group_review_oversee",
    "core_group_review_record",
    "hrpm_decide",
    "s47_enquiries_start",
    "s47_enquiries_start_on_authorisation",
    "s47_enquiry_close",
    "s47_outcome_record",
    "s47_visit_record",
]
