"""Writes of allocations: a manager allocates or re-allocates a case; triage allocates by default.

Every change ends the open row and opens a new one (history, never edits), is audited,
and happens in one transaction: a refused change writes nothing.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from convene.allocation.models import Allocation, Team
from convene.allocation.selectors import (
    Subject,
    allocatable_workers,
    subject_filter,
    teams_of,
)
from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.audit.services import audit_record
from convene.core.access import require_write
from convene.core.errors import Invalid, NotAllowed
from convene.people.models import Professional
from convene.referrals.models import Referral
from convene.referrals.selectors import may_decide_and_convene


def _open(subject: Subject) -> Allocation | None:
    return (
        Allocation.objects.select_for_update()
        .filter(ended_at__isnull=True, **subject_filter(subject))
        .first()
    )


def _write(
    *,
    subject: Subject,
    social_worker: Professional,
    team: Team | None,
    reason: str,
    by: Professional,
    now: datetime,
    context: AuditContext | None,
) -> Allocation:
    current = _open(subject)
    if current is not None:
        current.ended_at = now
        current.modified_by = by
        current.save(update_fields=["ended_at", "modified_by", "modified_at"])
    allocation = Allocation.objects.create(
        partnership_id=subject.partnership_id,
        social_worker=social_worker,
        team=team,
        reason=reason,
        by=by,
        at=now,
        created_by=by,
        modified_by=by,
        **subject_filter(subject),
    )
    verb = "Re-allocated" if current is not None else "Allocated"
    audit_record(
        actor=by,
        action=Action.CHANGE,
        summary=f"{verb} {subject.reference} to {social_worker}"
        + (f" ({team.name})" if team else ""),
        obj=subject,
        context=context,
    )
    return allocation


@transaction.atomic
def allocation_change(
    *,
    subject: Subject,
    social_worker: Professional | None,
    team: Team | None,
    reason: str,
    by: Professional,
    now: datetime,
    context: AuditContext | None = None,
) -> Allocation:
    """A manager allocates or re-allocates ``subject`` to a social worker of its partnership."""
    require_write(user=by)
    if not may_decide_and_convene(user=by):
        raise NotAllowed("Only a social care manager changes who a case is allocated to")
    if social_worker is None or not (
        allocatable_workers(partnership=subject.partnership_id).filter(pk=social_worker.pk).exists()
    ):
        raise Invalid(
            "Choose a social worker of this partnership's children's social care",
            field="social_worker",
        )
    if (
        team is not None
        and not teams_of(partnership=subject.partnership_id).filter(pk=team.pk).exists()
    ):
        raise Invalid("Choose one of this partnership's teams", field="team")
    current = _open(subject)
    if (
        current is not None
        and current.social_worker_id == social_worker.pk
        and (current.team_id == (team.pk if team else None))
    ):
        raise Invalid(
            f"{subject.reference} is already allocated to {social_worker}", field="social_worker"
        )
    return _write(
        subject=subject,
        social_worker=social_worker,
        team=team,
        reason=reason.strip(),
        by=by,
        now=now,
        context=context,
    )


def allocation_on_triage(
    *, referral: Referral, by: Professional, now: datetime, context: AuditContext | None = None
) -> Allocation | None:
    """The default when a manager triages: the referral's own worker (who recorded it) when a
    social worker of the partnership, else the triaging manager; the manager's team.

    The discussion and S47 enquiry that follow inherit it until a manager changes theirs.
    Called inside the triage service's transaction."""
    if Allocation.objects.filter(referral=referral, ended_at__isnull=True).exists():
        return None
    workers = allocatable_workers(partnership=referral.partnership_id)
    worker = None
    if referral.created_by_id is not None:
        worker = workers.filter(pk=referral.created_by_id).first()
    if worker is None:
        worker = workers.filter(pk=by.pk).first()
    if worker is None:
        return None  # a head of service with no team: left for a manager to allocate
    team = teams_of(partnership=referral.partnership_id).filter(members=by.pk).first()
    return _write(
        subject=referral,
        social_worker=worker,
        team=team,
        reason="Allocated when triaged",
        by=by,
        now=now,
        context=context,
    )
