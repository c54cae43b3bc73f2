"""Buffered bulk writes: PostgreSQL COPY (psycopg), SQLite executemany; a transaction a chunk."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction


class Writer:
    def __init__(self) -> None:
        self.buffers: dict[type[models.Model], list[tuple[Any, ...]]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)
        self.postgres = connection.vendor == "postgresql"

    def add(self, model: type[models.Model], row: tuple[Any, ...]) -> None:
        self.buffers[model].append(row)

    def pending(self) -> int:
        return sum(len(rows) for rows in self.buffers.values())

    def flush(self) -> None:
        with transaction.atomic():
            for model, rows in self.buffers.items():
                if rows:
                    self._write(model, rows)
                    self.counts[model._meta.db_table] += len(rows)
        self.buffers.clear()

    def _write(self, model: type[models.Model], rows: list[tuple[Any, ...]]) -> None:
        fields = model._meta.concrete_fields
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        if self.postgres:
            raw = connection.connection.cursor()
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        preps = [
            None if isinstance(f, models.JSONField) else f for f in fields
        ]  # JSON is already text
        marks = ", ".join("%s" for _ in fields)
        prepared = [
            [
                v if f is None or v is None else f.get_db_prep_save(v, connection)
                for f, v in zip(preps, row, strict=True)
            ]
            for row in rows
        ]
        with connection.cursor() as cursor:
            # Table and column names come from the models' metadata, quoted; values are parameters.
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(sql, prepared)


def next_ids(model_list: list[type[models.Model]]) -> dict[type[models.Model], int]:
    """The first free id of each table (ids are allocated here, not by the database)."""
    found = {}
    for model in model_list:
        last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
        found[model] = (last or 0) + 1
    return found


_SECONDARY = """
SELECT t.relname, c.relname, pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
WHERE t.relname = ANY(%s) AND NOT i.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
"""
# Unique constraints no remaining foreign key leans on (those of the copied tables are gone).
_UNIQUE = """
SELECT t.relname, k.conname, pg_get_constraintdef(k.oid)
FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
WHERE k.contype = 'u' AND t.relname = ANY(%s)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = k.conindid)
"""
_FOREIGN = """
SELECT t.relname, k.conname, pg_get_constraintdef(k.oid)
FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
WHERE k.contype = 'f' AND t.relname = ANY(%s)
"""


def loading(model_list: list[type[models.Model]]) -> list[str]:
    """PostgreSQL: drop the copied tables' plain indexes and foreign keys for the load.

    COPY into a table with no secondary index, no unique index and no per-row
    foreign-key trigger is several times faster; :func:`finish` builds them again
    in one pass each, the unique ones before the foreign keys (which validates
    every uniqueness and every reference). Primary keys stay. Returns the
    statements that restore them.
    """
    if connection.vendor != "postgresql":
        return []
    tables = [m._meta.db_table for m in model_list]
    quote = connection.ops.quote_name
    restore: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute(_FOREIGN, [tables])
        for table, name, definition in cursor.fetchall():
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            restore.append(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute(_UNIQUE, [tables])
        for table, name, definition in cursor.fetchall():
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            add = f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
            restore.insert(0, add)
        cursor.execute(_SECONDARY, [tables])
        for _table, name, definition in cursor.fetchall():
            cursor.execute(f"DROP INDEX {quote(name)}")
            restore.insert(0, definition)
    return restore


def finish(model_list: list[type[models.Model]], restore: list[str]) -> None:
    """Rebuild what :func:`loading` dropped, move the sequences on, refresh statistics."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # One sort in memory per index rather than spilling to disk (a session setting).
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for statement in restore:
            cursor.execute(statement)
        for statement in connection.ops.sequence_reset_sql(no_style(), model_list):
            cursor.execute(statement)
        cursor.execute("ANALYZE")
