"""The audit hash and the Message-ID stay unique, the NHS number indexed, without
the ``varchar_pattern_ops`` twins Django would add (convene/core/like_indexes.py)."""

import pytest
from django.db import connection

from bench.partnership.clone import unique_alone
from convene.audit.models import AuditEntry
from convene.people.models import Child
from convene.reminders.models import Delivery

pytestmark = pytest.mark.django_db

KEPT = [
    ("audit_auditentry", "hash", True),
    ("reminders_delivery", "message_id", True),
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
            [[table for table, _column, _unique in KEPT]],
        )
        assert cursor.fetchall() == []


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL plans")
@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (lambda: AuditEntry.objects.filter(hash="ab" * 32), ("audit_auditentry_hash_key",)),
        (
            lambda: Delivery.objects.filter(message_id="<x@example.org>"),
            ("reminders_delivery_message_id_key",),
        ),
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
    ],
)
def test_the_lookups_still_use_an_index(queryset, index):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset().explain()
        cursor.execute("RESET enable_seqscan")
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
    assert unique_alone(Delivery._meta.get_field("message_id"))
    assert not unique_alone(Child._meta.get_field("nhs_number"))
