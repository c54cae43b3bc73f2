"""Appending many audit entries at once keeps the one hash chain (issue 15).

``audit_append`` chains a batch's entries (from ``audit_draft``) onto the head under the
lock ``audit_record`` takes, each on the one before it, in order: the log verifies end
to end (``convene audit verify``) whether entries came one at a time or in bulk.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from convene.audit.chain import entry_hash
from convene.audit.models import Action, AppendOnlyError, AuditEntry
from convene.audit.selectors import audit_chain_verify, audit_key
from convene.audit.services import audit_append, audit_draft, audit_record

pytestmark = pytest.mark.django_db


def _drafts(child, count: int) -> list[AuditEntry]:
    return [
        audit_draft(
            actor=None,
            actor_username="sweep",
            action=Action.CREATE,
            obj=child,
            summary=f"Bulk entry {n}",
        )
        for n in range(count)
    ]


def test_a_bulk_append_continues_the_chain_and_verifies(people, child):
    audit_record(actor=people["alice"], action=Action.VIEW, obj=child, summary="Before")
    head = AuditEntry.objects.order_by("-sequence").first()
    written = audit_append(_drafts(child, 5))
    audit_record(actor=people["alice"], action=Action.VIEW, obj=child, summary="After")

    assert [e.sequence for e in written] == list(range(head.sequence + 1, head.sequence + 6))
    stored = list(AuditEntry.objects.filter(summary__startswith="Bulk").order_by("sequence"))
    assert [e.summary for e in stored] == [f"Bulk entry {n}" for n in range(5)]
    previous = head.hash
    for entry in stored:  # each linked to the one truly before it, keyed like audit_record's
        assert entry.prev_hash == previous
        assert entry.hash == entry_hash(entry.chain_fields(), previous, key=audit_key())
        assert entry.child_id == child.pk  # the child named by obj, as audit_record does
        previous = entry.hash
    after = AuditEntry.objects.order_by("-sequence").first()
    assert after.summary == "After"
    assert after.prev_hash == previous
    assert audit_chain_verify().intact
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intact" in out.getvalue().lower()


def test_a_bulk_append_on_an_empty_log_starts_at_the_genesis(child):
    assert not AuditEntry.objects.exists()
    audit_append(_drafts(child, 3))
    assert list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True)) == [
        1,
        2,
        3,
    ]
    assert audit_chain_verify().intact


def test_only_new_drafts_can_be_appended(people, child):
    entry = audit_record(actor=people["alice"], action=Action.VIEW, obj=child, summary="Saved")
    with pytest.raises(AppendOnlyError):
        audit_append([entry])
    assert audit_append([]) == []
