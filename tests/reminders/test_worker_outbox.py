"""Every email through the one outbox, with the real worker process (issue 12, point 4).

Invitations (with their calendar files), the referrer's notice, the record with its PDF and
the outcome notices are seeded as decided (tests/reminders/outbox_seed.py) and sent by
``convene worker`` subprocesses:

- with the mail server down, then up again: every email arrives once;
- with the worker killed right after each send, before it records it: none lost, none twice.
  A worker is started for every email there, so that test seeds one email of each kind
  (``seed(few=True)``), each killed right after its send and recovered: 7 starts, not 12.

The transport (tests/reminders/crashing_spool.py) logs each request to send, so "once" is
checked where it matters, and the spool holds each message once, named by its Message-ID.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from convene.reminders.backends import spool_name
from tests.reminders.crashing_spool import CRASH_EXIT_CODE
from tests.reminders.test_worker_kill import ROOT, Database, environment

KINDS = (
    "invitation.",
    "agency_check.request",
    "referrer.",
    "distribution.record",
    "distribution.outcome",
)
SETTLED = {"sent", "withdrawn"}
SEED = "from tests.reminders.outbox_seed import seed; seed(few={few})"


def _emails(database: Database) -> list[tuple[str, str, str, int]]:
    return database.rows(
        "SELECT message_id, kind, state, attempts FROM reminders_delivery WHERE channel = 'email'"
    )


def _settled(database: Database) -> bool:
    rows = _emails(database)
    return bool(rows) and {state for _, _, state, _ in rows} <= SETTLED


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "a") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "convene.cli", "worker", "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _stop(worker: subprocess.Popen[bytes], log: Path) -> None:
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=60) == 0, log.read_text()


def _prepare(
    database: Database, tmp_path: Path, *, crash: bool, few: bool = False
) -> dict[str, str]:
    env = environment(database, tmp_path, crash=crash)
    env.update(CONVENE_DELIVERY_RETRY_SECONDS="1", CONVENE_DELIVERY_MAX_ATTEMPTS="20")
    # The database is migrated already (tests/migrated.py): only the seed is left to run.
    subprocess.run(
        [sys.executable, "-m", "convene.cli", "shell", "-c", SEED.format(few=few)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    return env


def _each_sent_once(database: Database, tmp_path: Path) -> list[tuple[str, str, str, int]]:
    rows = _emails(database)
    sent = [row for row in rows if row[2] == "sent"]
    for kind in KINDS:
        assert any(k.startswith(kind) for _, k, _, _ in sent), f"no {kind} email was sent"
    requested = Counter((tmp_path / "sends.log").read_text().split())
    assert requested == Counter({message_id: 1 for message_id, _, _, _ in sent})
    spooled = sorted(p.name for p in (tmp_path / "spool").iterdir())
    assert spooled == sorted(spool_name(message_id) for message_id, _, _, _ in sent)
    # Each email left is audited, naming whom to (MAILER is the actor).
    assert database.rows(
        "SELECT COUNT(*) FROM audit_auditentry WHERE actor_username = 'Convene (email)'"
    ) != [(0,)]
    return rows


def test_mail_server_down_then_up_every_email_arrives_once(database, tmp_path):
    env = _prepare(database, tmp_path, crash=False)
    log = tmp_path / "worker.log"
    down = {**env, "CONVENE_TEST_MAIL_DOWN": "1"}
    worker = _worker(down, log)
    deadline = time.monotonic() + 120
    # Until every email has been tried and refused at least once, and none has gone.
    while True:
        assert time.monotonic() < deadline, log.read_text()
        rows = _emails(database)
        if rows and all(attempts >= 1 or state in SETTLED for _, _, state, attempts in rows):
            break
        time.sleep(0.3)
    _stop(worker, log)
    assert not (tmp_path / "spool").exists() or not list((tmp_path / "spool").iterdir())
    assert {state for _, _, state, _ in _emails(database)} <= {"pending", "withdrawn"}
    errors = database.rows(
        "SELECT last_error FROM reminders_delivery WHERE channel = 'email' AND state = 'pending'"
    )
    assert all("Connection refused" in error for (error,) in errors)

    worker = _worker(env, log)  # the mail server is back
    deadline = time.monotonic() + 180
    while not _settled(database):
        assert time.monotonic() < deadline, log.read_text()
        assert worker.poll() is None, log.read_text()
        time.sleep(0.3)
    time.sleep(2)  # a sweep or two more: nothing is sent again
    _stop(worker, log)
    rows = _each_sent_once(database, tmp_path)
    # The discussion page's invitations and the record's log follow the outbox.
    assert database.rows(
        "SELECT COUNT(*) FROM discussions_invitation i JOIN discussions_discussion d "
        "ON d.id = i.discussion_id WHERE d.state = 'scheduled' AND i.sent_at IS NULL"
    ) == [(0,)]
    assert {o for (o,) in database.rows("SELECT outcome FROM records_distributionlog")} <= {
        "sent",
        "no_address",
        "not_allowed",
    }
    assert any(attempts >= 2 for _, _, state, attempts in rows if state == "sent")


def test_a_worker_killed_between_sending_and_recording_loses_and_doubles_nothing(
    database, tmp_path
):
    env = _prepare(database, tmp_path, crash=True, few=True)
    log = tmp_path / "worker.log"
    crashes = 0
    deadline = time.monotonic() + 900  # a worker may take a while to start on a busy machine
    quiet_since = None
    while True:
        assert time.monotonic() < deadline, f"gave up; worker log:\n{log.read_text()}"
        worker = _worker(env, log)
        while worker.poll() is None:
            if _settled(database):
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since > 3:
                    break
            else:
                quiet_since = None
            time.sleep(0.2)
        if worker.poll() is None:
            _stop(worker, log)
            break
        assert worker.returncode == CRASH_EXIT_CODE, log.read_text()
        crashes += 1
    rows = _each_sent_once(database, tmp_path)
    sent = [row for row in rows if row[2] == "sent"]
    # Each crash left one email in doubt, which the next run found sent and recorded
    # without sending it again.
    assert crashes == len(sent)
    # Every invitation of the scheduled discussion is recorded as sent, and audited.
    assert database.rows(
        "SELECT COUNT(*) FROM discussions_invitation i JOIN discussions_discussion d "
        "ON d.id = i.discussion_id WHERE d.state = 'scheduled' AND i.sent_at IS NULL"
    ) == [(0,)]
