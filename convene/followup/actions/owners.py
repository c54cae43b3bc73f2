"""A professional who moves agency takes their actions with them.

An action owned by a person is their agency's work (decision 0013), and that agency is
stored on the action (``owning_agency``, ``convene.records.owning``) so that a partner's
list is one equality. When the person's agency changes (the admin's Professional page, the
only place it can), their actions' stored agency follows, as the rule read through the owner
always did: their new colleagues who may see the discussion see the action, their old ones
no longer do. Done and cancelled ones too, so that "show done actions" agrees.
"""

from __future__ import annotations

from django.db import transaction

from convene.followup.models import HrpmAction
from convene.people.models import Professional
from convene.records.models import Action


@transaction.atomic
def actions_follow_owner(*, professional: Professional) -> int:
    """Set the stored owning agency of every action ``professional`` owns to their agency
    now; the number of actions changed. Two UPDATEs by the owner's index, whatever the
    number. No audit entry or ``modified_*``: it records no one's decision, only where the
    owner's work is listed, and the owner's move is the admin's own change."""
    changed = 0
    for model in (Action, HrpmAction):
        changed += (
            model.objects.filter(owner_professional=professional.pk)
            .exclude(owning_agency=professional.agency_id)
            .update(owning_agency=professional.agency_id)
        )
    return changed
