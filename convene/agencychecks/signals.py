"""Keeping the agency checks' tallies (convene.agencychecks.tally) when what the report
reads changes outside this app: a discussion held (its record written), a professional
moved to another agency, an agency's kind changed (model signals, so an edit in the admin
counts too). Each runs in the writer's transaction; ``connect`` is called once from the
app's ``ready``."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save, pre_save

from convene.agencychecks import tally
from convene.people.models import Agency, Professional
from convene.records.models import Record

_BEFORE = "_checks_before"


def _record_saved(sender: Any, instance: Record, created: bool, **kwargs: Any) -> None:
    if created:
        tally.on_record_written(instance.discussion_id)


def _professional_before(sender: Any, instance: Professional, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if instance.pk is None or (fields is not None and "agency" not in fields):
        return  # new, or a save that leaves the agency alone (signing in)
    old = Professional.objects.filter(pk=instance.pk).values_list("agency_id", flat=True)
    if old.first() != instance.agency_id:
        setattr(instance, _BEFORE, tally.before_change(tally.invited(pk=instance.pk)))


def _agency_before(sender: Any, instance: Agency, **kwargs: Any) -> None:
    if instance.pk is None:
        return
    old = Agency.objects.filter(pk=instance.pk).values_list("kind", flat=True).first()
    if old is not None and old != instance.kind:
        setattr(instance, _BEFORE, tally.before_change(tally.invited(agency=instance.pk)))


def _professional_after(sender: Any, instance: Professional, **kwargs: Any) -> None:
    _after(instance, pk=instance.pk)


def _agency_after(sender: Any, instance: Agency, **kwargs: Any) -> None:
    _after(instance, agency=instance.pk)


def _after(instance: Any, **professional: object) -> None:
    before = getattr(instance, _BEFORE, None)
    if before is not None:
        delattr(instance, _BEFORE)
        tally.after_change(tally.invited(**professional), before)


def connect() -> None:
    post_save.connect(_record_saved, sender=Record, dispatch_uid="checks-tally-record")
    pre_save.connect(_professional_before, sender=Professional, dispatch_uid="checks-tally-pre")
    post_save.connect(_professional_after, sender=Professional, dispatch_uid="checks-tally")
    pre_save.connect(_agency_before, sender=Agency, dispatch_uid="checks-tally-agency-pre")
    post_save.connect(_agency_after, sender=Agency, dispatch_uid="checks-tally-agency")
