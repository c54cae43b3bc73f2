"""Who holds each case now, stored on the case (``held_by``) beside the allocation history.

The allocations are the record: who held a case and when, never edited. A manager's My work
asked them of every row it walked ("is this meeting mine?": the discussion's own open
allocation, or none of its own and its referral's), three index probes a row and the
largest part of each section's SQL, built again in every section (issue 15). So the answer
is kept on the case, as the clock services keep the soonest deadline: the open allocation's
social worker, or, with none of its own, the one it inherits (S47 → discussion → referral,
as ``selectors.current_for`` reads it).

It is kept here, whoever writes: an allocation saved (``_on_allocation_saved``) stores its
case and every case inheriting from it; a discussion or S47 enquiry created takes what its
parent holds (``_inherit``). Both run in the writer's transaction. ``store_holders`` over
every case rebuilds the column (the migration that added it, a bulk load).
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_save, pre_save

from convene.allocation.models import Allocation
from convene.discussions.models import Discussion
from convene.followup.models import S47Enquiry
from convene.referrals.models import Referral

__all__ = ["connect", "store_holders"]


def _own(allocation: type[Any], column: str) -> Subquery:
    """The open allocation's worker of the outer case, by ``column`` (one open at most)."""
    return Subquery(
        allocation.objects.filter(**{column: OuterRef("pk")}, ended_at__isnull=True)
        .order_by()
        .values("social_worker")[:1]
    )


def _parents(parent: type[Any], column: str) -> Subquery:
    """What the outer case's parent (by ``column``) holds."""
    return Subquery(parent.objects.filter(pk=OuterRef(column)).order_by().values("held_by")[:1])


def store_holders(
    *,
    referrals: Q | None = None,
    discussions: Q | None = None,
    s47s: Q | None = None,
    models: tuple[type[Any], type[Any], type[Any], type[Any]] | None = None,
) -> None:
    """Store ``held_by`` on the cases each condition selects (None: none of that kind), top
    down, so a discussion reads its referral's new holder. ``models`` are (Allocation,
    Referral, Discussion, S47Enquiry): a migration passes its historical ones."""
    allocation, referral, discussion, s47 = models or (Allocation, Referral, Discussion, S47Enquiry)
    if referrals is not None:
        referral.objects.filter(referrals).update(held_by=_own(allocation, "referral"))
    if discussions is not None:
        discussion.objects.filter(discussions).update(
            held_by=Coalesce(_own(allocation, "discussion"), _parents(referral, "referral_id"))
        )
    if s47s is not None:
        s47.objects.filter(s47s).update(
            held_by=Coalesce(_own(allocation, "s47_enquiry"), _parents(discussion, "discussion_id"))
        )


def _on_allocation_saved(sender: Any, instance: Allocation, **kwargs: Any) -> None:
    """The allocation's case, and every case below it that inherits (the update's own
    expressions leave a case with an allocation of its own to it)."""
    if instance.referral_id is not None:
        store_holders(
            referrals=Q(pk=instance.referral_id),
            discussions=Q(referral=instance.referral_id),
            s47s=Q(discussion__referral=instance.referral_id),
        )
    elif instance.discussion_id is not None:
        store_holders(
            discussions=Q(pk=instance.discussion_id), s47s=Q(discussion=instance.discussion_id)
        )
    else:
        store_holders(s47s=Q(pk=instance.s47_enquiry_id))


def _inherit(parent: type[Any], column: str) -> Any:
    """A new case of the sender's kind takes its parent's holder: it has no allocation of
    its own yet (an allocation is made for an existing case). The parent's row is locked
    while it is read: a re-allocation of the parent, which updates that row before the
    cases below it, then either waits for this case to be saved and updates it too, or is
    committed first and its holder read here."""

    def inherit(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
        if raw or not instance._state.adding or instance.held_by_id is not None:
            return
        rows = parent.objects.filter(pk=getattr(instance, column))
        if connection.in_atomic_block:  # a lock lasts as long as a transaction (autocommit: none)
            rows = rows.select_for_update()
        instance.held_by_id = rows.values_list("held_by", flat=True).first()

    return inherit


def connect() -> None:
    """Called once from the app's ``ready``."""
    post_save.connect(_on_allocation_saved, sender=Allocation, dispatch_uid="holders-allocation")
    for child, parent, column in (
        (Discussion, Referral, "referral_id"),
        (S47Enquiry, Discussion, "discussion_id"),
    ):
        pre_save.connect(
            _inherit(parent, column), sender=child, weak=False, dispatch_uid=f"holders-{column}"
        )
