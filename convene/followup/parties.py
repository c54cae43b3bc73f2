"""Who the escalation and reminder parties are for the follow-through's clock subjects.

Registered with ``convene.clocks.parties`` in ``FollowupConfig.ready()``: an HRPM
safety-plan action's owner agency (``action_owner_agency``, R004.8) and who answers
for it; an HRPM's agencies and the social worker who runs it. And who may see each
subject (``convene.clocks.subjects``), from the follow-through's own selectors.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import prefetch_related_objects

from convene.clocks.parties import (
    PartyMembers,
    SubjectKey,
    register_party_resolver,
    register_responsible,
    subject_key,
)
from convene.clocks.subjects import register_subject_selector
from convene.followup.actions.selectors import actions_visible_to, hrpm_actions_visible_to
from convene.followup.conferences.selectors import icpcs_visible_to
from convene.followup.enquiries.selectors import s47_enquiries_visible_to
from convene.followup.hrpm.selectors import hrpms_visible_to
from convene.followup.models import Hrpm, HrpmAction, Icpc, S47Enquiry
from convene.people.models import Agency, Professional
from convene.policy.vocab import Party
from convene.records.models import Action


def _owner_agency(action: HrpmAction) -> Agency | None:
    """Whose work it is: stored when the owner is set (``records.owning``), not worked out
    again from the owner here."""
    return action.owning_agency


def _hrpm_action_party(action: HrpmAction, party: Party) -> PartyMembers | None:
    if party == Party.ACTION_OWNER_AGENCY:
        agency = _owner_agency(action)
        return PartyMembers(agencies=(agency,)) if agency is not None else None
    if party == Party.INVITED_AGENCIES:
        return _hrpm_party(action.meeting.hrpm, party)
    return None


def _hrpm_action_responsible(action: HrpmAction) -> PartyMembers | None:
    if action.owner_professional is not None:
        return PartyMembers(professionals=(action.owner_professional,))
    agency = _owner_agency(action)
    return PartyMembers(agencies=(agency,)) if agency is not None else None


def _action_responsible(action: Action) -> PartyMembers | None:
    """An agreed action's named owner, else its owner agency's inbox (R004.8)."""
    if action.owner_professional is not None:
        return PartyMembers(professionals=(action.owner_professional,))
    if action.owner_agency is not None:
        return PartyMembers(agencies=(action.owner_agency,))
    return None


def _actions_responsible(actions: Sequence[Action]) -> dict[SubjectKey, PartyMembers | None]:
    """``_action_responsible`` for a batch: the owners and owner agencies in two queries."""
    prefetch_related_objects(list(actions), "owner_professional", "owner_agency")
    return {subject_key(action): _action_responsible(action) for action in actions}


def _hrpm_party(hrpm: Hrpm, party: Party) -> PartyMembers | None:
    if party != Party.INVITED_AGENCIES:
        return None
    last = hrpm.meetings.order_by("-number").first()
    if last is None:
        return None
    agencies = Agency.objects.filter(staff__hrpm_meetings=last).distinct().order_by("name")
    return PartyMembers(agencies=tuple(agencies))


def _hrpm_responsible(hrpm: Hrpm) -> PartyMembers | None:
    creator = hrpm.created_by
    return PartyMembers(professionals=(creator,)) if isinstance(creator, Professional) else None


def register() -> None:
    register_party_resolver(HrpmAction, _hrpm_action_party, responsible=_hrpm_action_responsible)
    register_party_resolver(Hrpm, _hrpm_party, responsible=_hrpm_responsible)
    register_responsible(Action, "owner", _action_responsible, many=_actions_responsible)
    # Who may see the follow-through's clock subjects: the same selectors as its pages.
    # ``case``: the path from each to its case referral (the key clocks carry, issue 15).
    register_subject_selector(Action, actions_visible_to, case="record__discussion__referral")
    register_subject_selector(HrpmAction, hrpm_actions_visible_to, case="meeting__hrpm__referral")
    register_subject_selector(Hrpm, hrpms_visible_to, case="referral")
    register_subject_selector(S47Enquiry, s47_enquiries_visible_to, case="discussion__referral")
    register_subject_selector(Icpc, icpcs_visible_to, case="discussion__referral")
