"""Child search at scale (issue 15, docs/performance.md): PostgreSQL only.

The search matches each word at the start of a name, case-insensitively: Django writes
``UPPER("first_name"::text) LIKE UPPER('sm%')``. A plain index on the column cannot
answer that, so over a large caseload every search read the whole table. Trigram
(pg_trgm) GIN indexes on the upper-cased names answer a prefix ("SM%") and a
word-start match inside other names ("% SM%") alike; one per column, so the three
alternatives of a word combine as a bitmap OR. SQLite (development, tests) needs
nothing: the operation does nothing there. pg_trgm is a trusted extension (PostgreSQL
13+): the database's owner may create it.
"""

from __future__ import annotations

from django.db import migrations

COLUMNS = ("first_name", "last_name", "other_names")


def _name(column: str) -> str:
    return f"people_child_{column}_upper_trgm"


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {_name(column)} ON people_child "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_name(column)}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_role_reviewing_service"),
    ]

    operations = [migrations.RunPython(install, remove, elidable=False)]
