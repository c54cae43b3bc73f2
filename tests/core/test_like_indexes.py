"""The audit hash stays unique, the NHS number indexed, without the ``varchar_pattern_ops``
twins Django would add (convene/core/like_indexes.py); the Message-ID is unique through the
delivery's key it is made from, with no index of its own (reminders/0008)."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from bench.partnership.clone import unique_alone
from convene.audit.models import AuditEntry
from convene.people.models import Child
from convene.reminders.models import Delivery
from tests.plans import plan_without

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)

KEPT = [
    ("audit_auditentry", "hash", True),
    ("people_child", "nhs_number", False),
]


def _on(table: str, column: str) -> list[dict]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return [c for c in found.values() if c["columns"] == [column]]


@pytest.mark.parametrize(("table", "column", "unique"), KEPT)
def test_the_column_keeps_one_index_of_its_kind(table, column, unique):
    on = _on(table, column)
    assert any(c["unique"] for c in on) is unique
    assert any(c["index"] or c["unique"] for c in on)
    if connection.vendor == "postgresql":  # SQLite has no twin to drop
        assert len(on) == 1, on


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's twin indexes")
def test_no_pattern_ops_index_is_left_on_the_three_tables():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexdef LIKE '%%pattern_ops%%'",
            [[table for table, _column, _unique in KEPT] + ["reminders_delivery"]],
        )
        assert cursor.fetchall() == []


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL plans")
@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (lambda: AuditEntry.objects.filter(hash="ab" * 32), ("audit_auditentry_hash_key",)),
        (
            lambda: Child.objects.filter(nhs_number="9990000018"),
            ("people_child_nhs_number ", "unique_nhs_number_per_partnership"),
        ),
        (lambda: AuditEntry.objects.filter(child_id=1), ("audit_child_newest",)),
        (lambda: AuditEntry.objects.filter(actor_id=1), ("audit_actor_newest",)),
        (
            lambda: Delivery.objects.filter(source_type_id=1, source_id=2, kind="overdue"),
            ("delivery_once_per_source_kind_channel_recipient",),
        ),
        # The outbox's other reads, one index each (reminders/0007_delivery_indexes_one_per_read).
        (  # the worker's next email (reminders.services._delivery_claim)
            lambda: Delivery.objects.filter(
                channel="email", state__in=["pending", "sending"], next_attempt_at__lte=NOW
            ).order_by("next_attempt_at", "pk")[:1],
            ("delivery_email_due",),
        ),
        (  # "Failed emails" (reminders.selectors.deliveries_failed_visible_to)
            lambda: Delivery.objects.filter(state="failed", partnership__in=[1]).order_by(
                "-failed_at", "-pk"
            ),
            ("delivery_failed_newest",),
        ),
        (  # the badge (reminders.notices; on an empty table either index costs the same)
            lambda: Delivery.objects.filter(recipient_id=1, channel="in_app", read_at=None),
            ("delivery_unread_in_app", "delivery_recipient_newest"),
        ),
        (  # the notifications page, and a professional's PROTECT check
            lambda: Delivery.objects.filter(recipient_id=1),
            ("delivery_recipient_newest",),
        ),
        (  # an agency's PROTECT check
            lambda: Delivery.objects.filter(recipient_agency_id__in=[1]),
            ("delivery_recipient_agency",),
        ),
    ],
)
def test_the_lookups_still_use_an_index(queryset, index):
    plan = plan_without(queryset(), "seqscan")
    assert "Seq Scan" not in plan
    # An index scan or a bitmap scan of it: which one depends on the table's statistics.
    assert any(
        f"Index Scan using {name}" in plan or f"Bitmap Index Scan on {name}" in plan
        for name in index
    ), plan


@pytest.mark.parametrize(
    ("table", "columns"),
    [
        ("audit_auditentry", ["actor_id"]),
        ("audit_auditentry", ["child_id"]),
        ("reminders_delivery", ["source_type_id", "source_id", "kind"]),
        ("reminders_delivery", ["source_type_id"]),
    ],
)
def test_no_index_repeats_the_start_of_another(table, columns):
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    assert not [name for name, c in found.items() if c["index"] and c["columns"] == columns]


def test_the_generator_still_makes_new_hashes_and_message_ids():
    assert unique_alone(AuditEntry._meta.get_field("hash"))
    assert unique_alone(Delivery._meta.get_field("message_id"))  # made unique, by derivation
    assert not unique_alone(Child._meta.get_field("nhs_number"))


def test_the_message_id_has_no_index_and_is_made_from_the_unique_key():
    """reminders/0008: the Message-ID's uniqueness is the key's, so it keeps no index (it was
    written on every insert and read by nothing); ``new_delivery`` makes it from the key."""
    from convene.reminders.services import new_delivery

    assert _on("reminders_delivery", "message_id") == []
    assert Delivery._meta.get_field("key").unique
    made = [new_delivery() for _ in range(3)]
    assert all(d.message_id.startswith(f"<{d.key}@") for d in made)
    assert len({d.message_id for d in made}) == 3


def test_the_outbox_keeps_one_index_per_read():
    """Each index is written on every one of a sweep's inserts: no more than the reads need."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "reminders_delivery")
    secondary = {
        name for name, c in found.items() if c["index"] and not c["unique"] and not c["primary_key"]
    }
    assert secondary == {
        "delivery_email_due",
        "delivery_failed_newest",
        "delivery_unread_in_app",
        "delivery_recipient_newest",
        "delivery_recipient_agency",
    }
