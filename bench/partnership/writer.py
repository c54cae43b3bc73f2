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


def finish(model_list: list[type[models.Model]]) -> None:
    """Move PostgreSQL's sequences past the ids written and refresh the planner's statistics."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), model_list):
            cursor.execute(statement)
        cursor.execute("ANALYZE")
