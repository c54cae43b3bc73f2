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
subquery (:func:`due_columns_fill`). A bulk load writes clocks around the services (the
bench's copies meet or move a template's clocks), so ``convene reporting
rebuild-summary`` recomputes every row (:func:`due_columns_rebuild`): without it a row
whose clock was met keeps its old deadline and the queues sort it as due.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Max, Min, OuterRef, Q, Subquery

from convene.policy.vocab import ClockKind

if TYPE_CHECKING:
    from convene.clocks.models import Clock

__all__ = [
    "due_columns_fill",
    "due_columns_rebuild",
    "due_columns_refresh",
    "register_due_column",
    "soonest_open_due",
]

OPEN_STATES = ("pending", "breached")
# Ids per ``UPDATE`` in :func:`due_columns_rebuild`: a few thousand rows written at most.
REBUILD_BATCH = 20_000

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
    """For a migration: set ``(field, kinds)`` columns of existing rows from their open clocks,
    one ``UPDATE`` each (:func:`_recompute`), through the migration's historical models."""
    content_type = apps.get_model("contenttypes", "ContentType")
    subject_type = content_type.objects.filter(app_label=app_label, model=model_name.lower())
    if not subject_type.exists():
        return  # a new database: no clocks yet
    model = apps.get_model(app_label, model_name)
    for field, kinds in columns:
        _recompute(
            model._default_manager.all(),
            clocks=apps.get_model("clocks", "Clock")._default_manager.all(),
            subject_type_id=subject_type.get().pk,
            field=field,
            kinds=kinds,
        )


def due_columns_rebuild(*, batch: int = REBUILD_BATCH) -> int:
    """Recompute every registered column of every row from the clocks: after a bulk load
    or anything else that wrote clocks around the services (``convene reporting
    rebuild-summary`` runs it). Set-based, one ``UPDATE`` per column and ``batch`` ids,
    so neither memory nor one statement's locks grow with the table. Returns the rows
    that were stale (and are now right)."""
    from convene.clocks.models import Clock

    written = 0
    for model, columns in _columns.items():
        subject_type_id = ContentType.objects.get_for_model(model).pk
        rows = model._default_manager.all()
        bounds = rows.aggregate(low=Min("pk"), high=Max("pk"))
        if bounds["low"] is None:
            continue  # an empty table
        for low in range(bounds["low"], bounds["high"] + 1, batch):
            for field, kinds in columns:
                written += _recompute(
                    rows.filter(pk__gte=low, pk__lt=low + batch),
                    clocks=Clock.objects.filter(subject_id__gte=low, subject_id__lt=low + batch),
                    subject_type_id=subject_type_id,
                    field=field,
                    kinds=kinds,
                )
    return written


def _recompute(
    rows: models.QuerySet[Any],
    *,
    clocks: models.QuerySet[Any],
    subject_type_id: int,
    field: str,
    kinds: Iterable[str],
) -> int:
    """The one set-based fill: ``rows``' ``field`` becomes the soonest open clock of
    ``kinds`` (the same subquery as :func:`soonest_open_due`), or null when none is open.
    Only stale rows are written: of those holding a value or with an open clock (a row
    with neither is right, and those are most rows of a large table), the ones whose
    value differs, so a rebuild of a consistent table writes nothing. A row whose clock
    was met or stopped outside the services (a bulk load) is cleared here, not left due.
    Returns the rows written."""
    open_clocks = clocks.filter(
        subject_type_id=subject_type_id, kind__in=list(kinds), state__in=OPEN_STATES
    )
    soonest = Subquery(
        open_clocks.filter(subject_id=OuterRef("pk")).order_by("due_at", "pk").values("due_at")[:1]
    )
    held = Q(**{f"{field}__isnull": False})
    candidates = rows.filter(held | Q(pk__in=open_clocks.values("subject_id")))
    # Of the candidates, null on one side only, or two different times.
    stale = ~held | Q(soonest__isnull=True) | ~Q(**{field: F("soonest")})
    return int(candidates.alias(soonest=soonest).filter(stale).update(**{field: soonest}))
