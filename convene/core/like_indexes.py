"""Migrations that drop the ``varchar_pattern_ops`` twin Django gives an indexed CharField.

On PostgreSQL, ``unique=True`` or ``db_index=True`` on a ``CharField`` makes two
indexes: the plain (or unique) one and a ``…_like`` copy with
``varchar_pattern_ops`` that only serves ``LIKE 'prefix%'``. Nothing here searches
hashes, Message-IDs or NHS numbers by prefix (the admin's ``icontains`` cannot use
either index), so the copy is pure cost: 169 MB for the audit hashes and 87 MB for
the Message-IDs at 50,000 discussions (docs/performance.md).

Uniqueness moves to a ``UniqueConstraint`` (and a plain index to ``Meta.indexes``),
which Django builds without the twin. The database keeps its existing unique or
plain index, renamed to the name the model now gives it, so no large index is
rebuilt; only the twin is dropped. SQLite has no twin: its column-level UNIQUE (or
its index, renamed by drop and create) stays as it is.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

_UNIQUE_ON = """
SELECT k.conname FROM pg_constraint k
JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
WHERE k.conrelid = %s::regclass AND k.contype = 'u'
  AND array_length(k.conkey, 1) = 1 AND a.attname = %s
"""


def _like_name(schema_editor: Any, table: str, column: str) -> str:
    return str(schema_editor._create_index_name(table, [column], suffix="_like"))


def _plain_name(schema_editor: Any, table: str, column: str) -> str:
    return str(schema_editor._create_index_name(table, [column]))


def unique_without_twin(table: str, column: str, constraint: str) -> migrations.RunPython:
    """Database side of ``unique=True`` → ``UniqueConstraint(name=constraint)``."""

    def forward(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        q = schema_editor.quote_name
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(_UNIQUE_ON, [table, column])
            names = [row[0] for row in cursor.fetchall()]
        for name in names:
            if name != constraint:
                schema_editor.execute(
                    f"ALTER TABLE {q(table)} RENAME CONSTRAINT {q(name)} TO {q(constraint)}"
                )
        schema_editor.execute(f"DROP INDEX IF EXISTS {q(_like_name(schema_editor, table, column))}")

    def backward(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        q = schema_editor.quote_name
        like = q(_like_name(schema_editor, table, column))
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {like} ON {q(table)} ({q(column)} varchar_pattern_ops)"
        )

    return migrations.RunPython(forward, backward, elidable=False)


def index_without_twin(table: str, column: str, index: str) -> migrations.RunPython:
    """Database side of ``db_index=True`` → ``Meta.indexes`` ``Index(name=index)``."""

    def forward(apps: Any, schema_editor: Any) -> None:
        q = schema_editor.quote_name
        old = q(_plain_name(schema_editor, table, column))
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER INDEX IF EXISTS {old} RENAME TO {q(index)}")
            like = q(_like_name(schema_editor, table, column))
            schema_editor.execute(f"DROP INDEX IF EXISTS {like}")
        else:  # SQLite cannot rename an index (a small table: built again)
            schema_editor.execute(f"DROP INDEX IF EXISTS {old}")
            schema_editor.execute(f"CREATE INDEX {q(index)} ON {q(table)} ({q(column)})")

    def backward(apps: Any, schema_editor: Any) -> None:
        q = schema_editor.quote_name
        old = q(_plain_name(schema_editor, table, column))
        schema_editor.execute(f"DROP INDEX IF EXISTS {q(index)}")
        schema_editor.execute(f"CREATE INDEX {old} ON {q(table)} ({q(column)})")
        if schema_editor.connection.vendor == "postgresql":
            like = q(_like_name(schema_editor, table, column))
            schema_editor.execute(
                f"CREATE INDEX {like} ON {q(table)} ({q(column)} varchar_pattern_ops)"
            )

    return migrations.RunPython(forward, backward, elidable=False)


def drop_prefix_index(table: str, column: str) -> migrations.RunPython:
    """Database side of ``db_index=False`` on a foreign key whose column already leads
    a composite index (the composite serves every lookup by the column alone)."""

    def forward(apps: Any, schema_editor: Any) -> None:
        q = schema_editor.quote_name
        schema_editor.execute(
            f"DROP INDEX IF EXISTS {q(_plain_name(schema_editor, table, column))}"
        )

    def backward(apps: Any, schema_editor: Any) -> None:
        q = schema_editor.quote_name
        name = q(_plain_name(schema_editor, table, column))
        schema_editor.execute(f"CREATE INDEX {name} ON {q(table)} ({q(column)})")

    return migrations.RunPython(forward, backward, elidable=False)
