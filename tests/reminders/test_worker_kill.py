"""Exactly once, for real: `convene worker` killed between sending and recording, restarted.

Each run of the worker process sends one email and dies at once (``os._exit``,
as a kill would leave it: the message on disk, its delivery still "sending").
The test restarts it until every email delivery is recorded as sent, then stops
the last worker with SIGTERM. The transport logs every request to send, so
"exactly once" is checked where it matters: the worker never asked to send any
message twice, and each is in the spool once.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from convene.reminders.backends import spool_name
from tests.migrated import MigratedDatabases, throwaway_name
from tests.reminders.crashing_spool import CRASH_EXIT_CODE

ROOT = Path(__file__).resolve().parents[2]
SERVER_URL = os.environ.get("DATABASE_URL", "")
EMAILS = 3  # escalation notice to bob, overdue reminders to bob and dina


class Database:
    """A throwaway database the subprocesses share, read directly by the test."""

    def __init__(self, url: str, query) -> None:
        self.url = url
        self._query = query

    def rows(self, sql: str) -> list[tuple]:
        return self._query(sql)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path, migrated_databases: MigratedDatabases) -> Iterator[Database]:
    """A migrated throwaway database (a copy of one migrated once per test process)."""
    if request.param == "sqlite":
        path = tmp_path / "worker.sqlite3"

        def query(sql):
            with sqlite3.connect(path, timeout=20) as connection:
                return connection.execute(sql).fetchall()

        yield Database(migrated_databases.sqlite(path), query)
        return
    if not SERVER_URL.startswith(("postgres://", "postgresql://")):
        pytest.skip("runs when DATABASE_URL points at a PostgreSQL server")
    psycopg = pytest.importorskip("psycopg")
    server = SERVER_URL.rsplit("/", 1)[0]
    name = throwaway_name("kill")

    def query(sql):
        with psycopg.connect(f"{server}/{name}") as connection:
            return connection.execute(sql).fetchall()

    try:
        yield Database(migrated_databases.postgres(name), query)
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(database: Database, tmp_path: Path, *, crash: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env.update(
        CONVENE_DEVELOPMENT="true",
        DATABASE_URL=database.url,
        EMAIL_BACKEND="tests.reminders.crashing_spool.CrashAfterSendBackend",
        EMAIL_SPOOL_DIR=str(tmp_path / "spool"),
        CONVENE_SWEEP_SECONDS="1",
        CONVENE_DELIVERY_LEASE_SECONDS="1",
        CONVENE_TEST_CRASH_AFTER_SEND="1" if crash else "0",
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="WARNING",
    )
    return env


# The set-up commands (the seed; the migrations ran on the database's template, see
# tests/migrated.py) are not what is tested: on a loaded machine (the suite on 2 shared
# cores) they may take long; the limit is only there to stop a command that hangs.
SETUP_TIMEOUT = 900


def convene(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "convene.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=SETUP_TIMEOUT,
        check=True,
    )


def email_states(database: Database) -> Counter[str]:
    return Counter(
        state
        for (state,) in database.rows(
            "SELECT state FROM reminders_delivery WHERE channel = 'email'"
        )
    )


def test_a_worker_killed_between_sending_and_recording_sends_nothing_twice(database, tmp_path):
    env = environment(database, tmp_path, crash=True)
    convene("shell", "-c", "from tests.reminders.worker_seed import seed; seed()", env=env)

    crashes = 0
    deadline = time.monotonic() + 150
    log = tmp_path / "worker.log"
    while True:
        assert time.monotonic() < deadline, f"gave up; worker log:\n{log.read_text()}"
        with open(log, "a") as output:
            worker = subprocess.Popen(
                [sys.executable, "-m", "convene.cli", "worker", "--interval", "0.2"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        # Until it dies (having sent one email) or every email is recorded as sent.
        while worker.poll() is None:
            states = email_states(database)
            if states and states == Counter({"sent": sum(states.values())}):
                break
            time.sleep(0.2)
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=30) == 0, log.read_text()  # graceful stop
            break
        assert worker.returncode == CRASH_EXIT_CODE, log.read_text()
        crashes += 1
        assert crashes <= EMAILS, "more crashes than emails: something was sent twice"

    # Every email sent, each exactly once.
    deliveries = database.rows(
        "SELECT message_id, state, attempts FROM reminders_delivery WHERE channel = 'email'"
    )
    assert len(deliveries) == EMAILS
    assert {state for _, state, _ in deliveries} == {"sent"}
    requested = (tmp_path / "sends.log").read_text().split()
    assert Counter(requested) == Counter({message_id: 1 for message_id, _, _ in deliveries})
    spooled = sorted(p.name for p in (tmp_path / "spool").iterdir())
    assert spooled == sorted(spool_name(message_id) for message_id, _, _ in deliveries)
    # Each crash left one delivery in doubt, which the next run found sent and
    # recorded without sending it again: every email took two claims.
    assert crashes == EMAILS
    assert {attempts for _, _, attempts in deliveries} == {2}
    assert database.rows("SELECT COUNT(*) FROM clocks_escalation") == [(1,)]
