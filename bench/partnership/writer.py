"""Buffered bulk writes: PostgreSQL COPY (psycopg), SQLite executemany; a transaction a chunk."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction

# Column types binary COPY is given as Python values the generator already holds; a table
# with any other type is copied as text.
_BINARY_TYPES = {
    "bigint",
    "boolean",
    "bytea",
    "character varying",
    "date",
    "integer",
    "jsonb",
    "smallint",
    "text",
    "timestamp with time zone",
    "uuid",
}


class Writer:
    def __init__(self) -> None:
        self.buffers: dict[type[models.Model], list[tuple[Any, ...]]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)
        self.postgres = connection.vendor == "postgresql"
        self._oids: dict[type[models.Model], list[int]] = {}

    def add(self, model: type[models.Model], row: tuple[Any, ...]) -> None:
        self.buffers[model].append(row)

    def _binary_types(self, model: type[models.Model]) -> list[int]:
        """The columns' type oids for binary COPY, or [] to copy this table as text.

        Binary spares the server parsing every timestamp, UUID and number from text (and
        the PDFs' hex); JSON arrives already serialised, so jsonb is given as its text.
        """
        if model not in self._oids:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT attname, atttypid, format_type(atttypid, NULL) FROM pg_attribute "
                    "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                    [model._meta.db_table],
                )
                found = {name: (oid, kind) for name, oid, kind in cursor.fetchall()}
            columns = [found[f.column] for f in model._meta.concrete_fields]
            usable = all(kind in _BINARY_TYPES for _oid, kind in columns)
            self._oids[model] = [oid for oid, _kind in columns] if usable else []
            if usable:
                _jsonb_as_text(connection.connection)
        return self._oids[model]

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
            oids = self._binary_types(model)
            binary = " (FORMAT BINARY)" if oids else ""
            with raw.copy(f"COPY {table} ({names}) FROM STDIN{binary}") as copy:
                if oids:
                    copy.set_types(oids)
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


def _jsonb_as_text(raw: Any) -> None:
    """Binary jsonb is a version byte and the JSON text: the generator holds the text."""
    from psycopg import adapt, pq

    oid = raw.adapters.types["jsonb"].oid

    class JsonbText(adapt.Dumper):
        format = pq.Format.BINARY

        def dump(self, obj: Any) -> bytes:
            return b"\x01" + obj.encode()

    JsonbText.oid = oid
    raw.adapters.register_dumper(None, JsonbText)


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
        tune_session(cursor)
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


def tune_session(cursor: Any) -> None:
    """PostgreSQL settings for a loading session (each writer process sets its own)."""
    cursor.execute("SET synchronous_commit = off")
    # Large values (a referral's explanation, a record's snapshot) are compressed as they
    # are written: lz4 costs a fraction of pglz's CPU (this session only; each value
    # records its method, so every reader decompresses it whatever its own setting).
    cursor.execute(
        "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' "
        "AND 'lz4' = ANY(enumvals)"
    )
    if cursor.fetchone():  # a server built without lz4 keeps pglz
        cursor.execute("SET default_toast_compression = lz4")


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
