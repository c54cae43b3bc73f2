"""Updates that carry every agreed action to done (the record's and the HRPM safety plans').

A partner updates their own agency's actions; children's social care staff of
the partnership update any of its actions; auditors update none. "Done" closes
the action and meets its ``action_due`` clock: on time by the end of its due
date, late after.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from convene.audit.context import AuditContext
from convene.audit.models import Action as AuditAction
from convene.audit.services import audit_record_children
from convene.clocks.deadlines import clocks_meet_open
from convene.core.access import READ_ONLY_MESSAGE, is_read_only
from convene.core.errors import (
    Conflict,
    Invalid,
    NotAllowed,
    NotFound,
    check_text,
    require_aware,
    stale,
)
from convene.followup.actions.selectors import action_children, may_update_action, may_view_action
from convene.followup.models import ActionUpdate, HrpmAction
from convene.followup.vocab import ActionProgress
from convene.people.models import Professional
from convene.policy.vocab import ClockKind
from convene.records.models import Action

__all__ = ["action_update"]

AnyAction = Action | HrpmAction


def _locked(action: AnyAction) -> AnyAction:
    if isinstance(action, HrpmAction):
        return HrpmAction.objects.select_for_update().get(pk=action.pk)
    return Action.objects.select_for_update().get(pk=action.pk)


def _updates(action: AnyAction) -> int:
    if isinstance(action, HrpmAction):
        return ActionUpdate.objects.filter(hrpm_action=action).count()
    return ActionUpdate.objects.filter(action=action).count()


@transaction.atomic
def action_update(
    *,
    action: AnyAction,
    status: str,
    note: str,
    by: Professional,
    now: datetime,
    expected_version: int | None = None,
    context: AuditContext | None = None,
) -> ActionUpdate:
    """Record progress on an action, or that it is done (with what was done).

    ``expected_version`` is the number of updates the form showed: a newer update
    by someone else refuses this one (nothing is overwritten unseen).
    """
    require_aware(now, "now")
    if not may_view_action(user=by, action=action):
        raise NotFound("Action not found")
    if is_read_only(user=by):
        raise NotAllowed(READ_ONLY_MESSAGE)
    if not may_update_action(user=by, action=action):
        raise NotAllowed(
            "Only the agency the action is for, or the partnership's children's social care, "
            "updates it"
        )
    action = _locked(action)
    count = _updates(action)
    if expected_version is not None and count != expected_version:
        of: dict[str, object] = {
            "hrpm_action" if isinstance(action, HrpmAction) else "action": action.pk
        }
        last = ActionUpdate.objects.filter(**of).select_related("by").order_by("-number").first()
        raise stale(
            noun="action",
            changed_by=last.by if last else None,
            changed_at=last.at if last else None,
            now=now,
        )
    if action.status != Action.Status.OPEN:
        raise Conflict(f"This action is {action.get_status_display().lower()}")
    if status not in {p.value for p in ActionProgress}:
        raise Invalid("Select where the action stands", field="status")
    check_text(note=note)
    note = note.strip()
    if not note:
        raise Invalid(
            "Enter what was done" if status == ActionProgress.DONE else "Enter an update",
            field="note",
        )
    update = ActionUpdate.objects.create(
        action=action if isinstance(action, Action) else None,
        hrpm_action=action if isinstance(action, HrpmAction) else None,
        number=count + 1,
        progress=status,
        note=note,
        by=by,
        at=now,
    )
    if status == ActionProgress.DONE:
        action.status = Action.Status.DONE
        action.closed_at = now
        action.closed_note = note
        action.modified_by = by
        action.save(
            update_fields=["status", "closed_at", "closed_note", "modified_by", "modified_at"]
        )
        clocks_meet_open(action, [ClockKind.ACTION_DUE], at=now, by=by)
    else:
        action.modified_by = by
        action.save(update_fields=["modified_by", "modified_at"])
    audit_record_children(
        actor=by,
        action=AuditAction.CHANGE,
        obj=action,
        summary=f"Updated an agreed action: {status.replace('_', ' ')}",
        children=action_children(action=action),
        context=context,
    )
    return update
