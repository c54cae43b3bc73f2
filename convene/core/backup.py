"""Backing up and restoring Convene's database: SQLite and PostgreSQL.

SQLite: the online backup API (``sqlite3.Connection.backup``), a consistent copy
while the app and worker keep writing. PostgreSQL: ``pg_dump --format=custom``
and ``pg_restore --single-transaction`` (the client tools must be on PATH, the
same major version as the server or newer).

Restoring refuses a database that already has tables unless told to replace it,
so a backup is never poured over a live database by mistake.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def _vendor() -> str:
    vendor = str(connection.vendor)
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups of {vendor} databases are not supported")
    return vendor


def _pg_command(tool: str) -> tuple[list[str], dict[str, str]]:
    """``tool`` with the connection options of the configured database, and its environment."""
    path = shutil.which(tool)
    if path is None:
        raise BackupError(
            f"{tool} is not installed (PostgreSQL client tools, e.g. postgresql-client)"
        )
    db: dict[str, Any] = connection.settings_dict
    args = [path, "--no-password"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(args: list[str], env: dict[str, str]) -> None:
    # A list, no shell; every value is an option's own argument (--dbname=..., --file=...).
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(f"{Path(args[0]).name} failed: {detail[-1] if detail else 'no output'}")


def _sqlite_source() -> sqlite3.Connection:
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def backup_create(*, path: Path, overwrite: bool = False) -> str:
    """Write a consistent copy of the configured database to ``path``; returns its kind."""
    if path.exists() and not overwrite:
        raise BackupError(f"{path} already exists: choose a new name, or --overwrite")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    if _vendor() == "sqlite":
        target = sqlite3.connect(partial)
        try:
            _sqlite_source().backup(target)
        finally:
            target.close()
        kind = "SQLite"
    else:
        args, env = _pg_command("pg_dump")
        name = str(connection.settings_dict["NAME"])
        _run([*args, "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={name}"], env)
        kind = "PostgreSQL (pg_dump custom format)"
    partial.replace(path)  # never leave a half-written backup under the real name
    return kind


def _has_tables() -> bool:
    return bool(connection.introspection.table_names())


def backup_restore(*, path: Path, replace: bool = False) -> str:
    """Restore ``path`` into the configured database; returns its kind.

    The database must be empty (freshly created) unless ``replace``.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise BackupError(f"cannot read {path}: {error.strerror}") from error
    vendor = _vendor()
    expected = SQLITE_MAGIC if vendor == "sqlite" else PG_DUMP_MAGIC
    if not header.startswith(expected):
        made_by = "convene backup on SQLite" if vendor == "sqlite" else "convene backup (pg_dump)"
        raise BackupError(f"{path} is not a {vendor} backup made by {made_by}")
    if _has_tables() and not replace:
        raise BackupError(
            "the database already has tables: restore into a new, empty database, "
            "or pass --replace to overwrite this one"
        )
    if vendor == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(_sqlite_source())
        finally:
            source.close()
        connection.close()
        return "SQLite"
    connection.close()
    args, env = _pg_command("pg_restore")
    name = str(connection.settings_dict["NAME"])
    extra = ["--clean", "--if-exists"] if replace else []
    _run(
        [
            *args,
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            *extra,
            "-d",
            name,
            str(path),
        ],
        env,
    )
    return "PostgreSQL"
