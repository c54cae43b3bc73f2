"""The allocated social worker answers for a case's timescales (issue 18).

Allocation sits above clocks in the layers, so clocks cannot ask it; at app ready
it registers, for each kind of case, who holds it as part of the subject's
responsible people (:func:`convene.clocks.parties.register_responsible`). Reminders
then go to that worker rather than to every manager of the partnership. One query
per subject (:func:`convene.allocation.selectors.current_for`), whatever the depth of
inheritance (S47 → discussion → referral).
"""

from __future__ import annotations

from convene.allocation.selectors import Subject, current_for
from convene.clocks.parties import PartyMembers, register_responsible
from convene.discussions.models import Discussion
from convene.followup.models import Icpc, S47Enquiry
from convene.referrals.models import Referral

KEY = "allocation"


def _allocated(subject: Subject) -> PartyMembers | None:
    allocation = current_for(subject=subject)
    if allocation is None or not allocation.social_worker.is_active:
        return None
    return PartyMembers(professionals=(allocation.social_worker,))


def _icpc_allocated(icpc: Icpc) -> PartyMembers | None:
    # An ICPC follows from its discussion's S47: whoever holds that discussion holds it.
    return _allocated(icpc.discussion)


def register() -> None:
    for model in (Referral, Discussion, S47Enquiry):
        register_responsible(model, KEY, _allocated)
    register_responsible(Icpc, KEY, _icpc_allocated)
