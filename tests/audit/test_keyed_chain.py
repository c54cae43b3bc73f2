"""Issue 12 point 6: tampering is found by someone with database access alone.

The chain is keyed with CONVENE_AUDIT_KEY (not in the database), and the worker
appends the chain's head to an anchor file that `convene audit verify` checks.
"""

from __future__ import annotations

import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils import timezone

from convene.audit.anchors import AnchorRefused, anchor_latest, anchor_write
from convene.audit.chain import GENESIS, entry_hash
from convene.audit.models import Action, AuditEntry, AuditKeying
from convene.audit.services import audit_record
from convene.audit.tasks import write_anchor
from tests.audit.conftest import run_sql, tampering

pytestmark = pytest.mark.django_db


def verify(*args: str) -> str:
    out = StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


def _rewrite_from(sequence: int, summary: str) -> None:
    """What someone with write access to the database, but not the key, can do:
    change an entry and recompute every hash after it, so the links all hold."""
    rows = list(AuditEntry.objects.order_by("sequence"))
    prev = GENESIS
    for entry in rows:
        if entry.sequence >= sequence:
            if entry.sequence == sequence:
                entry.summary = summary
            digest = entry_hash(entry.chain_fields(), prev)
            run_sql(
                "UPDATE audit_auditentry SET summary = %s, prev_hash = %s, hash = %s "
                "WHERE sequence = %s",
                [entry.summary, prev, digest, entry.sequence],
            )
            prev = digest
        else:
            prev = entry.hash


@pytest.fixture
def anchor_path(settings, tmp_path):
    path = tmp_path / "anchors" / "audit-anchors.log"
    settings.CONVENE_AUDIT_ANCHOR_FILE = str(path)
    return path


def test_issue12_a_rewrite_with_database_access_alone_is_detected(six_entries):
    with tampering():
        _rewrite_from(3, "Nothing happened")
    with pytest.raises(CommandError, match=r"broken at entry #3 \(altered\)"):
        verify()


def test_issue12_moving_the_keying_boundary_does_not_pass_a_rewrite_off_as_old(six_entries):
    with tampering():
        _rewrite_from(1, "Nothing happened")
        AuditKeying.objects.create(keyed_from=7, mac="0" * 64)
    with pytest.raises(CommandError, match=r"broken at entry #1 \(altered\)"):
        verify()


def test_issue12_a_log_begun_before_keying_keeps_verifying(people, child):
    # Three entries as the unkeyed chain wrote them, then the migration that keys it.
    prev = GENESIS
    for sequence in (1, 2, 3):
        entry = AuditEntry(
            sequence=sequence,
            at=timezone.now(),
            actor=people["alice"],
            actor_username="alice",
            action=Action.VIEW.value,
            summary=f"Viewed before keying {sequence}",
            prev_hash=prev,
        )
        entry.hash = entry_hash(entry.chain_fields(), prev)
        entry.save()
        prev = entry.hash
    migration = importlib.import_module("convene.audit.migrations.0003_keyed_chain_boundary")
    migration.record_boundary(apps, None)
    assert AuditKeying.objects.get().keyed_from == 4
    audit_record(actor=people["alice"], action=Action.VIEW, obj=child, summary="Viewed after")
    out = verify()
    assert "Audit chain intact: 4 entries" in out
    assert "Keyed from #4" in out
    # An old entry is still protected by the keyed entry that follows it.
    with tampering():
        _rewrite_from(2, "Nothing happened")
    with pytest.raises(CommandError, match=r"broken at entry #4 \(altered\)"):
        verify()


def test_issue12_a_truncated_tail_is_detected_through_the_anchor_file(six_entries, anchor_path):
    assert write_anchor.call() == f"6:{six_entries[-1].hash} keyed-from=1"
    assert "Checked against the anchor #6" in verify()
    with tampering():
        run_sql("DELETE FROM audit_auditentry WHERE sequence >= 5")
    with pytest.raises(CommandError, match=r"#6 recorded in the anchor is missing"):
        verify()


def test_issue12_the_anchor_file_is_appended_to_only_when_the_head_moves(
    six_entries, anchor_path, people, child
):
    first = anchor_write(now=timezone.now())
    assert first is not None
    assert anchor_write(now=timezone.now()) is None
    audit_record(actor=people["alice"], action=Action.VIEW, obj=child, summary="Again")
    second = anchor_write(now=timezone.now())
    assert second is not None
    assert second.sequence == 7
    lines = anchor_path.read_text(encoding="utf-8").splitlines()
    assert [line.split()[0] for line in lines] == [
        f"6:{first.hash}",
        f"7:{second.hash}",
    ]
    latest = anchor_latest(anchor_path)
    assert latest is not None
    assert latest.anchor == second


def test_issue12_no_anchor_is_written_over_a_rewritten_chain(six_entries, anchor_path, people):
    anchor_write(now=timezone.now())
    with tampering():
        run_sql("UPDATE audit_auditentry SET summary = 'Nothing happened' WHERE sequence = 6")
    audit_record(actor=people["alice"], action=Action.VIEW, summary="After the rewrite")
    with pytest.raises(AnchorRefused, match="#6"):
        anchor_write(now=timezone.now())
    assert len(anchor_path.read_text(encoding="utf-8").splitlines()) == 1
    with pytest.raises(CommandError, match="Anchor not written"):
        call_command("audit", "anchor", stdout=StringIO())


def test_issue12_an_anchor_that_recorded_another_keying_boundary_is_refused(
    six_entries, anchor_path
):
    anchor_path.parent.mkdir(parents=True)
    anchor_path.write_text(f"6:{six_entries[-1].hash} keyed-from=9 at=earlier\n")
    with pytest.raises(CommandError, match=r"keying moved"):
        verify()


def test_issue12_verify_says_when_there_is_no_anchor_yet(six_entries, anchor_path):
    assert "No anchor in" in verify()
    assert "Checked against the anchor #6 given" in verify("--anchor", f"6:{six_entries[-1].hash}")


def test_issue12_the_worker_writes_anchors_on_a_schedule(settings):
    assert "convene.audit.tasks.write_anchor" in settings.CONVENE_PERIODIC_TASKS
