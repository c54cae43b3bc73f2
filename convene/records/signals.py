"""Keeping the quality tallies (convene.records.quality_tally) when what a standard reads
changes outside the records app: a clock met (the clocks' own signal), a chair's roles and
an agency's kind (model signals, so an edit in the admin counts too). Each runs in the
writer's transaction; ``connect`` is called once from the app's ``ready``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from convene.clocks.models import Clock
from convene.clocks.signals import clock_met
from convene.people.models import Agency, RoleGrant
from convene.records import quality_tally
from convene.records.models import RecordVersion

_BEFORE = "_quality_before"


def _on_clock_met(sender: Any, clock: Clock, **kwargs: Any) -> None:
    quality_tally.on_clock_met(clock)


def _grant_before(sender: Any, instance: RoleGrant, **kwargs: Any) -> None:
    if instance.professional_id is not None:
        _count_before(instance, quality_tally.chaired_by(instance.professional_id))


def _grant_after(sender: Any, instance: RoleGrant, **kwargs: Any) -> None:
    _count_after(instance, lambda: quality_tally.chaired_by(instance.professional_id))


def _agency_before(sender: Any, instance: Agency, **kwargs: Any) -> None:
    if instance.pk is None:
        return  # a new agency has attended nothing yet
    old = Agency.objects.filter(pk=instance.pk).values_list("kind", flat=True).first()
    if old is not None and old != instance.kind:
        _count_before(instance, quality_tally.attended_by_agency(instance.pk))


def _agency_after(sender: Any, instance: Agency, **kwargs: Any) -> None:
    _count_after(instance, lambda: quality_tally.attended_by_agency(instance.pk))


def _count_before(instance: Any, versions: QuerySet[RecordVersion]) -> None:
    setattr(instance, _BEFORE, quality_tally.before_change(versions))


def _count_after(instance: Any, versions: Callable[[], QuerySet[RecordVersion]]) -> None:
    """If the pre-signal counted ``instance``'s versions, move their counts now."""
    before = getattr(instance, _BEFORE, None)
    if before is not None:
        delattr(instance, _BEFORE)
        quality_tally.after_change(versions(), before)


def connect() -> None:
    clock_met.connect(_on_clock_met, sender=Clock, dispatch_uid="records-quality-clock")
    for name, signal, receiver in (
        ("pre-save", pre_save, _grant_before),
        ("save", post_save, _grant_after),
        ("pre-delete", pre_delete, _grant_before),
        ("delete", post_delete, _grant_after),
    ):
        signal.connect(receiver, sender=RoleGrant, dispatch_uid=f"records-quality-grant-{name}")
    pre_save.connect(_agency_before, sender=Agency, dispatch_uid="records-quality-agency-pre")
    post_save.connect(_agency_after, sender=Agency, dispatch_uid="records-quality-agency")
