"""Fresh, migrated databases for the tests that run `convene` in other processes.

Running every migration in a subprocess took from 20 s to over 120 s on the shared 2-core
CI machine, and the worker and backup tests did it once per test. Instead each test process
(each xdist worker) migrates one template per kind of database, the first time a test asks
for it, as `convene migrate --no-input` would, and each test gets a byte-for-byte copy: a
SQLite file copied with SQLite's backup API, a PostgreSQL database made with
``CREATE DATABASE ... TEMPLATE``. Every migration, the data migrations included, has run on
each copy, and no test sees another's rows.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The set-up is not what is tested: on a loaded machine migrating took over 120 s, so it
# may take long; the limit only stops a command that hangs.
MIGRATE_TIMEOUT = 900


def migrate(database_url: str) -> None:
    """Every migration, in another process, as an operator's `convene migrate` runs them."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "DJANGO_SETTINGS_MODULE" and not k.startswith("CONVENE_AUDIT_ANCHOR")
    }
    env.update(CONVENE_DEVELOPMENT="true", DATABASE_URL=database_url, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "convene.cli", "migrate", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=MIGRATE_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def postgres_server() -> str | None:
    """The server part of DATABASE_URL (``postgresql://user@host:port``), or None."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    return url.rsplit("/", 1)[0]


def throwaway_name(kind: str) -> str:
    """A new database's name, starting with DATABASE_URL's own (``convene_ci_123_kill_...``),
    so that runs sharing one server can tell their throwaway databases apart."""
    run = os.environ.get("DATABASE_URL", "").rsplit("/", 1)[-1].split("?", 1)[0] or "convene"
    return f"{run[:40]}_{kind}_{uuid.uuid4().hex[:12]}"  # within 63 characters


class MigratedDatabases:
    """Hands out migrated copies; migrates each template once, when first needed."""

    def __init__(self, workdir: Path) -> None:
        self._workdir = workdir
        self._sqlite: Path | None = None
        self._postgres: str | None = None
        self._to_drop: list[str] = []

    def sqlite(self, path: Path) -> str:
        """A migrated SQLite database at ``path``; returns its URL."""
        if self._sqlite is None:
            template = self._workdir / "template.sqlite3"
            migrate(f"sqlite:///{template}")
            self._sqlite = template
        with sqlite3.connect(self._sqlite) as source, sqlite3.connect(path) as target:
            source.backup(target)
        source.close()
        target.close()
        return f"sqlite:///{path}"

    def postgres(self, name: str) -> str:
        """A migrated PostgreSQL database called ``name`` (the caller drops it); its URL."""
        import psycopg

        server = postgres_server()
        assert server is not None, "DATABASE_URL does not name a PostgreSQL server"
        if self._postgres is None:
            template = throwaway_name("template")
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{template}"')
            self._to_drop.append(template)
            migrate(f"{server}/{template}")
            self._postgres = template
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self._postgres}"')
        return f"{server}/{name}"

    def close(self) -> None:
        if self._to_drop:
            import psycopg

            with psycopg.connect(f"{postgres_server()}/postgres", autocommit=True) as admin:
                for name in self._to_drop:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def migrated_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MigratedDatabases]:
    databases = MigratedDatabases(tmp_path_factory.mktemp("migrated"))
    try:
        yield databases
    finally:
        databases.close()
