"""When an agreed action is overdue from: the one rule, for the record's and the HRPM's."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db.models import OuterRef, Subquery

from convene.workdays import LONDON

# The last moment of a day: "overdue after the end of the due date" is ``due_by < now``.
_END_OF_DAY = time(23, 59, 59, 999999)


def action_due_by(*, due_on: date, clock_due_at: datetime | None) -> datetime:
    """The moment an action is overdue from (``due_by < now``): its ``action_due`` clock's
    due time, or without a clock the end of its due date in London.

    Stored on the action (``Action.due_by``, ``HrpmAction.due_by``) by the services that
    start its clock, so that lists order the open actions most urgent first by index: the
    overdue ones come first because theirs are the earliest."""
    if clock_due_at is not None:
        return clock_due_at
    return datetime.combine(due_on, _END_OF_DAY, tzinfo=LONDON)


def due_by_backfill(apps: Any, app_label: str, model_name: str) -> None:
    """Fill ``due_by`` on the actions made before it was stored (migrations
    ``records.0006``, ``followup.0005``): the latest due clock that was not waived, as the
    lists read it, else the end of the due date. One UPDATE, then one per due date without
    a clock; never a query per action."""
    model = apps.get_model(app_label, model_name)
    clock = apps.get_model("clocks", "Clock")
    content_type = apps.get_model("contenttypes", "ContentType")
    found = content_type.objects.filter(app_label=app_label, model=model_name.lower()).first()
    if found is not None:
        clocks = (
            clock.objects.filter(subject_type=found, subject_id=OuterRef("pk"), kind="action_due")
            .exclude(state="waived")
            .order_by("-started_at", "-pk")
        )
        model.objects.filter(due_by__isnull=True).update(
            due_by=Subquery(clocks.values("due_at")[:1])
        )
    days = model.objects.filter(due_by__isnull=True).order_by().values_list("due_on", flat=True)
    for day in sorted(set(days)):
        model.objects.filter(due_by__isnull=True, due_on=day).update(
            due_by=action_due_by(due_on=day, clock_due_at=None)
        )


def action_overdue(*, status: str, due_by: datetime, now: datetime) -> bool:
    """Is an action overdue at ``now``: still open and past ``due_by``. The lists read it of
    the rows of their page (``convene.followup.actions.row_details``)."""
    return status == "open" and due_by < now
