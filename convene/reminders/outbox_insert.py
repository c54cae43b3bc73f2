"""Writing many outbox rows at once: a sweep decides tens of thousands (issue 15).

``bulk_create`` on PostgreSQL sends one ``INSERT ... VALUES (...), (...)`` per batch
with a parameter per column per row (25 columns: 12,500 parameters per 500 rows), which
Django builds and psycopg quotes into the SQL row by row. Here each column travels as one
array parameter, bound on the server, and the server takes them apart:
``INSERT ... SELECT * FROM unnest(%b::uuid[], ...)``, one statement per 5,000 rows with
25 parameters, whatever the rows. The arrays go in PostgreSQL's binary format (``%b``):
psycopg builds a binary array in its C code, the text form element by element in Python
(43,000 timestamps: 0.40 s as text, 0.02 s as binary; the text form was 12.8 s of a 78 s
profile of a sweep at 50,000 discussions: docs/performance.md). SQLite has no arrays:
there it is ``bulk_create`` (as many rows per insert as ``wide_inserts`` allows).

Either way a row that already exists (the unique constraint on source, kind, channel and
recipient) is skipped, not an error: a second worker deciding the same thing at the
same moment loses quietly (``ON CONFLICT DO NOTHING``, ``INSERT OR IGNORE``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import connection, models
from django.db.models.base import ModelState

from convene.reminders.models import Delivery

__all__ = ["deliveries_insert", "delivery_unsaved"]

# Rows per statement on PostgreSQL: the arrays of 5,000 rows (bodies included) stay a
# few megabytes, and a sweep batch's rows go in one or two statements.
CHUNK = 5_000


def deliveries_insert(rows: Sequence[Delivery]) -> None:
    """Insert ``rows`` (unsaved deliveries, ``new_delivery``), skipping any already decided.

    Their primary keys are not set (as ``bulk_create(ignore_conflicts=True)``)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        return
    fields = [field for field in Delivery._meta.concrete_fields if not field.primary_key]
    table = connection.ops.quote_name(Delivery._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    # %b: each array bound in binary (see above); the cast names the column's own type.
    arrays = ", ".join(f"%b::{_array_type(field)}" for field in fields)
    # Only quoted names and types are formatted in; every value travels as a parameter.
    sql = f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays}) ON CONFLICT DO NOTHING"  # noqa: S608
    with _server_bound_cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            cursor.execute(sql, [_column(field, chunk) for field in fields])


def _server_bound_cursor() -> Any:
    """A cursor that sends its parameters apart from the statement (server-side binding).

    Django's psycopg cursors bind on the client: the arrays would be quoted into the SQL
    text, about 3 MB per 5,000 rows for the server to parse again (twice the time of the
    insert itself, measured at 50,000 discussions). Wrapped as Django wraps its own, so
    the statement is counted and logged like any other (tests count the queries)."""
    import psycopg

    connection.ensure_connection()
    raw: Any = psycopg.Cursor(connection.connection)  # a DB-API cursor, as Django wraps
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)


def _array_type(field: models.Field[Any, Any]) -> str:
    if isinstance(field, models.JSONField):
        return "text[]::jsonb[]"  # sent as JSON text, parsed by the server
    return f"{field.db_type(connection)}[]"


def _column(field: models.Field[Any, Any], rows: Sequence[Delivery]) -> list[Any]:
    """One column's values. The rows hold what the database takes as it is (text, numbers,
    UUIDs, aware datetimes: psycopg adapts them), read straight from each row rather than
    through the field's per-value preparation (half a million calls per sweep at scale);
    the JSON column is sent as text. tests/reminders/test_outbox_insert.py checks every
    column against what the model saves."""
    values = [row.__dict__[field.attname] for row in rows]
    if isinstance(field, models.JSONField):
        return [None if v is None else json.dumps(v, cls=field.encoder) for v in values]
    return values


def delivery_unsaved(**fields: Any) -> Delivery:
    """``Delivery(**fields)``, unsaved, made without ``Model.__init__``: a sweep makes about
    95,000 at 50,000 discussions, and ``__init__`` (each field's descriptor, each foreign
    key's checks, signals nobody listens to for this model) was the largest part of the
    sweep's own CPU (issue 15; 68 µs a row against 10 µs here, measured side by side on the
    loaded machine). The same instance: every column's value (each
    field's default when not given; a foreign key given as its object sets its ``*_id``
    column and is cached as ``Model.__init__`` caches it), a fresh ``ModelState``, so it
    saves and ``bulk_create``s like any other. tests/reminders/test_outbox_insert.py
    compares it with ``Delivery(**fields)``. An unknown name is a ``TypeError``, as there."""
    fixed, fresh, relations = _blank()
    values = dict(fixed)
    related: dict[str, Any] = {}
    for name, value in fields.items():
        column = relations.get(name)
        if column is not None:
            values[column] = None if value is None else value.pk
            related[name] = value
        elif name in values:
            values[name] = value
        else:
            raise TypeError(f"Delivery() got an unexpected keyword argument {name!r}")
    for field in fresh:  # a callable default (a new list, a new key) made for each row
        if field.attname not in fields:
            values[field.attname] = field.get_default()
    row = Delivery.__new__(Delivery)
    row.__dict__.update(values)
    state = ModelState()
    state.fields_cache = related
    row._state = state
    return row


@cache
def _blank() -> tuple[dict[str, Any], tuple[models.Field[Any, Any], ...], dict[str, str]]:
    """Each column's default (``None`` for the callable ones, made per row), the fields whose
    default is made per row, and each foreign key's name to its column."""
    fixed: dict[str, Any] = {}
    fresh: list[models.Field[Any, Any]] = []
    relations: dict[str, str] = {}
    for field in Delivery._meta.concrete_fields:
        if field.has_default() and callable(field.default):
            fresh.append(field)
            fixed[field.attname] = None
        else:
            fixed[field.attname] = field.get_default()
        if field.is_relation:
            relations[field.name] = field.attname
    return fixed, tuple(fresh), relations
