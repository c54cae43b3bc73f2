"""A subject's soonest open deadline, kept on the subject's own row (issue 15).

A work queue ordered "soonest deadline first" (the referrals awaiting triage, the
referrals to convene) asked each candidate for its soonest open clock with a correlated
subquery, so PostgreSQL probed the clocks of every referral in the queue (3,109 awaiting
triage at 50,000 discussions) before it knew the first row. Stored on the subject, the
order is a column that an index or a cheap sort serves.

One rule in one place: the subject's app registers the column and the clock kinds it
follows, once, in its ``AppConfig.ready()``::

    register_due_column(Referral, "convene_due_at", kinds=(ClockKind.CONVENE,))

and the three services that open or close a clock (``clock_start``, ``clock_meet``,
``clock_waive``; ``clock_rescind`` waives) call :func:`due_columns_refresh`, which sets
the column from :func:`soonest_open_due`, the same subquery the lists used to run. A
clock's ``due_at`` never moves once started, and a breach leaves it open, so nothing
else changes the answer. Migrations fill existing rows set-based with the same
subquery.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import OuterRef, Subquery

from convene.policy.vocab import ClockKind

if TYPE_CHECKING:
    from convene.clocks.models import Clock

__all__ = ["due_columns_fill", "due_columns_refresh", "register_due_column", "soonest_open_due"]

OPEN_STATES = ("pending", "breached")

# model -> [(field, kinds)]: each field holds the soonest due_at of the model's open
# clocks of those kinds (null when none is open).
_columns: dict[type[models.Model], list[tuple[str, tuple[str, ...]]]] = {}


def register_due_column(
    model: type[models.Model], field: str, *, kinds: Iterable[ClockKind | str]
) -> None:
    """``model.field`` is kept as the soonest open clock of ``kinds`` on each row."""
    values = tuple(str(getattr(kind, "value", kind)) for kind in kinds)
    kept = [entry for entry in _columns.get(model, []) if entry[0] != field]
    _columns[model] = [*kept, (field, values)]


def soonest_open_due(
    model: type[models.Model], kinds: Iterable[str], subject: str = "pk", value: str = "due_at"
) -> Subquery:
    """The soonest open (pending or breached) clock of these kinds on the row's subject:
    its ``value`` (``due_at``, or e.g. ``kind``)."""
    from convene.clocks.models import Clock

    clocks = Clock.objects.filter(
        subject_type=ContentType.objects.get_for_model(model),
        subject_id=OuterRef(subject),
        kind__in=[str(getattr(kind, "value", kind)) for kind in kinds],
        state__in=OPEN_STATES,
    ).order_by("due_at", "pk")
    return Subquery(clocks.values(value)[:1])


def due_columns_refresh(clock: Clock) -> None:
    """Recompute the stored columns of ``clock``'s subject that follow its kind: one
    ``UPDATE`` each, none when the subject's model keeps no column for this kind."""
    model: Any = ContentType.objects.get_for_id(clock.subject_type_id).model_class()
    for field, kinds in _columns.get(model, []):
        if clock.kind in kinds:
            model._default_manager.filter(pk=clock.subject_id).update(
                **{field: soonest_open_due(model, kinds)}
            )


def due_columns_fill(
    apps: Any, app_label: str, model_name: str, columns: Iterable[tuple[str, Iterable[str]]]
) -> None:
    """For a migration: fill ``(field, kinds)`` columns of existing rows, one ``UPDATE`` each,
    only for the rows with an open clock of those kinds (the others stay null, which is the
    answer), the value read by the same subquery as :func:`soonest_open_due`."""
    content_type = apps.get_model("contenttypes", "ContentType")
    clock_model = apps.get_model("clocks", "Clock")
    model = apps.get_model(app_label, model_name)
    subject_type = content_type.objects.filter(app_label=app_label, model=model_name.lower())
    if not subject_type.exists():
        return  # a new database: no clocks yet
    for field, kinds in columns:
        clocks = clock_model.objects.filter(
            subject_type=subject_type.get(), kind__in=list(kinds), state__in=OPEN_STATES
        )
        soonest = clocks.filter(subject_id=OuterRef("pk")).order_by("due_at", "pk")
        model.objects.filter(pk__in=clocks.values("subject_id")).update(
            **{field: Subquery(soonest.values("due_at")[:1])}
        )
