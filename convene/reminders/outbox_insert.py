"""Writing many outbox rows at once: a sweep decides tens of thousands (issue 15).

``bulk_create`` on PostgreSQL sends one ``INSERT ... VALUES (...), (...)`` per batch
with a parameter per column per row (25 columns: 12,500 parameters per 500 rows), which
Django builds and psycopg quotes row by row. Here each column travels as one array and
the server takes them apart: ``INSERT ... SELECT * FROM unnest(%s::uuid[], ...)``, one
statement per 5,000 rows with 25 parameters, whatever the rows. SQLite has no arrays:
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
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            cursor.execute(sql, [[_value(field, row) for row in chunk] for field in fields])


def _array_type(field: models.Field[Any, Any]) -> str:
    if isinstance(field, models.JSONField):
        return "text[]::jsonb[]"  # sent as JSON text, parsed by the server
    return f"{field.db_type(connection)}[]"


def _value(field: models.Field[Any, Any], row: Delivery) -> Any:
    # What bulk_create would send: the field's own pre-save and database preparation.
    value = field.pre_save(row, add=True)
    if isinstance(field, models.JSONField):
        return None if value is None else json.dumps(value, cls=field.encoder)
    return field.get_db_prep_save(value, connection)
