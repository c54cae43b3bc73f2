"""The allocated social worker answers for a case's timescales (issue 18).

Allocation sits above clocks in the layers, so clocks cannot ask it; at app ready
it registers, for each kind of case, who holds it as part of the subject's
responsible people (:func:`convene.clocks.parties.register_responsible`). Reminders
then go to that worker rather than to every manager of the partnership. One query
per subject (:func:`convene.allocation.selectors.current_for`), whatever the depth of
inheritance (S47 → discussion → referral); the sweep asks for a whole batch of subjects
at once (:func:`convene.allocation.selectors.current_for_many`: a few queries per
batch, issue 15).
"""

from __future__ import annotations

from collections.abc import Sequence

from convene.allocation.models import Allocation
from convene.allocation.selectors import Subject, current_for, current_for_many
from convene.clocks.parties import PartyMembers, SubjectKey, register_responsible
from convene.discussions.models import Discussion
from convene.followup.models import Icpc, S47Enquiry
from convene.referrals.models import Referral

KEY = "allocation"


def _allocated(subject: Subject) -> PartyMembers | None:
    return _members(current_for(subject=subject))


def _members(allocation: Allocation | None) -> PartyMembers | None:
    if allocation is None or not allocation.social_worker.is_active:
        return None
    return PartyMembers(professionals=(allocation.social_worker,))


def _allocated_many(subjects: Sequence[Subject]) -> dict[SubjectKey, PartyMembers | None]:
    held = current_for_many(subjects=subjects)
    return {key: _members(allocation) for key, allocation in held.items()}


def _icpc_allocated(icpc: Icpc) -> PartyMembers | None:
    # An ICPC follows from its discussion's S47: whoever holds that discussion holds it.
    return _allocated(icpc.discussion)


def _icpcs_allocated(icpcs: Sequence[Icpc]) -> dict[SubjectKey, PartyMembers | None]:
    discussions = Discussion.objects.filter(pk__in={icpc.discussion_id for icpc in icpcs})
    held = _allocated_many(list(discussions.only("pk", "referral_id")))
    return {(type(icpc), icpc.pk): held.get((Discussion, icpc.discussion_id)) for icpc in icpcs}


def register() -> None:
    for model in (Referral, Discussion, S47Enquiry):
        register_responsible(model, KEY, _allocated, many=_allocated_many)
    register_responsible(Icpc, KEY, _icpc_allocated, many=_icpcs_allocated)
