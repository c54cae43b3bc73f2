"""Writing many outbox rows at once: a sweep decides tens of thousands (issue 15).

``bulk_create`` on PostgreSQL sends one ``INSERT ... VALUES (...), (...)`` per batch
with a parameter per column per row (25 columns: 12,500 parameters per 500 rows), which
Django builds and psycopg quotes into the SQL row by row. Here each column travels as one
array parameter, bound on the server, and the server takes them apart:
``INSERT ... SELECT * FROM unnest(%s::uuid[], ...)``, one statement per 5,000 rows with
25 parameters, whatever the rows. SQLite has no arrays:
there it is ``bulk_create`` (as many rows per insert as ``wide_inserts`` allows).

Either way a row that already exists (the unique constraint on source, kind, channel and
recipient) is skipped, not an error: a second worker deciding the same thing at the
same moment loses quietly (``ON CONFLICT DO NOTHING``, ``INSERT OR IGNORE``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection, models

from convene.reminders.models import Delivery

__all__ = ["deliveries_insert"]

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
    arrays = ", ".join(f"%s::{_array_type(field)}" for field in fields)
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
