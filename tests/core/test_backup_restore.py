"""Issue 12 point 11: `convene backup` and `convene restore`, into a fresh database that verifies.

Run as an operator would, through the command line in separate processes:
SQLite always, PostgreSQL when DATABASE_URL names a PostgreSQL server.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.migrated import MigratedDatabases

ROOT = Path(__file__).resolve().parents[2]
MAKE_ENTRIES = (
    "from convene.audit.services import audit_record; "
    "from convene.audit.models import Action; "
    "[audit_record(actor=None, actor_username='backup test', action=Action.VIEW, "
    "summary=f'Look {n}') for n in range(5)]"
)


def convene(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONVENE_AUDIT_ANCHOR")}
    env.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="convene.test_settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _round_trip(source: str, fresh: str, backup: Path) -> None:
    """``source`` is migrated already (tests/migrated.py), ``fresh`` is empty."""
    ok(convene(source, "shell", "-c", MAKE_ENTRIES))
    made = ok(convene(source, "backup", str(backup)))
    assert "Audit head when the backup began" in made
    head = made.split("Audit head when the backup began: ")[1].split()[0]

    restored = ok(convene(fresh, "restore", str(backup)))
    assert "Audit chain intact" in restored
    verified = ok(convene(fresh, "audit", "verify", "--anchor", head))
    assert "Audit chain intact" in verified
    # A second restore over the now-full database is refused, and changes nothing.
    again = convene(fresh, "restore", str(backup))
    assert again.returncode != 0
    assert "already has tables" in again.stderr
    # A backup is never overwritten by accident.
    twice = convene(source, "backup", str(backup))
    assert twice.returncode != 0
    assert "already exists" in twice.stderr


def test_issue12_a_sqlite_backup_restores_into_a_fresh_database_that_verifies(
    tmp_path, migrated_databases: MigratedDatabases
):
    _round_trip(
        migrated_databases.sqlite(tmp_path / "live.sqlite3"),
        f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        tmp_path / "backups" / "convene.sqlite3",
    )


@pytest.fixture
def two_postgres_databases(migrated_databases: MigratedDatabases) -> Iterator[tuple[str, str]]:
    """A migrated database ("live") and an empty one ("fresh")."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("DATABASE_URL is not PostgreSQL")
    import psycopg

    server, _, _ = url.rpartition("/")
    names = [f"convene_backup_{uuid.uuid4().hex[:8]}_{side}" for side in ("live", "fresh")]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        try:
            live = migrated_databases.postgres(names[0])
            admin.execute(f'CREATE DATABASE "{names[1]}"')
            yield live, f"{server}/{names[1]}"
        finally:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_issue12_a_postgresql_backup_restores_into_a_fresh_database_that_verifies(
    two_postgres_databases, tmp_path
):
    live, fresh = two_postgres_databases
    _round_trip(live, fresh, tmp_path / "convene.pgdump")


def test_issue12_restore_refuses_a_file_that_is_not_a_backup(tmp_path, db):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database", encoding="utf-8")
    with pytest.raises(CommandError, match=r"is not a .* backup made by convene backup"):
        call_command("restore", str(junk))
