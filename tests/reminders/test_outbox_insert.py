"""Outbox rows written many at once (convene.reminders.outbox_insert): every column as
the model would save it, a row already decided skipped without an error, and the number of
statements set by the number of rows per chunk, not by the rows."""

import time
from datetime import UTC, datetime

import pytest
from django.db import connection

from convene.reminders import outbox_insert
from convene.reminders.models import Delivery
from convene.reminders.outbox_insert import deliveries_insert
from convene.reminders.services import delivery_rows, new_delivery
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)


def _rows(partnership, people, agencies, *, kind="overdue"):
    professionals = [people["alice"], people["bob"], people["carol"]]
    agency = agencies["police"]
    agency.email = "team@police.example"
    return delivery_rows(
        partnership=partnership,
        source=partnership,
        kind=kind,
        professionals=professionals,
        agencies=[agency],
        subject="Overdue: strategy discussion",
        body="Overdue.\nRule: R004.8 ‘quoted’ — and more",
        link="/discussions/1/",
        now=NOW,
        existing=set(),
    )


def _saved(row: Delivery) -> dict:
    fields = [f.attname for f in Delivery._meta.concrete_fields if not f.primary_key]
    return {name: getattr(row, name) for name in fields}


def test_every_column_is_written_as_the_model_saves_it(partnership, people, agencies):
    rows = _rows(partnership, people, agencies)
    rows.append(
        new_delivery(
            partnership=partnership,
            source_type=rows[0].source_type,
            source_id=partnership.pk,
            kind="invitation",
            channel=Delivery.Channel.EMAIL,
            recipient=people["alice"],
            recipient_key="professional:x",
            to_address="alice@example.org",
            subject="Invitation",
            body="Body",
            attachments=[{"filename": "invite.ics", "content": "QkVHSU4=", "mimetype": "text/x"}],
            reply_to="chair@example.org",
            decided_at=NOW,
            next_attempt_at=NOW,
        )
    )
    assert {row.channel for row in rows} == {"email", "in_app"}
    assert any(row.recipient_agency_id for row in rows)

    deliveries_insert(rows)

    stored = {d.key: d for d in Delivery.objects.all()}
    assert len(stored) == len(rows)
    for row in rows:
        assert _saved(stored[row.key]) == _saved(row)


def test_a_row_already_decided_is_skipped_not_an_error(partnership, people, agencies):
    deliveries_insert(_rows(partnership, people, agencies))
    first = set(Delivery.objects.values_list("key", flat=True))
    # Decided again (another worker, the same moment): new keys, the same source,
    # kind, channel and recipients.
    again = _rows(partnership, people, agencies)
    again += _rows(partnership, people, agencies, kind="due_soon")

    deliveries_insert(again)

    assert first <= set(Delivery.objects.values_list("key", flat=True))
    assert Delivery.objects.filter(kind="overdue").count() == len(first)
    assert Delivery.objects.filter(kind="due_soon").count() == len(first)


def test_nothing_to_insert_costs_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        deliveries_insert([])


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="one statement per chunk")
def test_one_statement_per_chunk_of_rows(partnership, people, agencies, monkeypatch):
    rows = _rows(partnership, people, agencies)
    assert len(rows) == 7
    monkeypatch.setattr(outbox_insert, "CHUNK", 3)
    with CaptureQueriesContext(connection) as queries:
        deliveries_insert(rows)
    assert len(queries) == 3  # 3 + 3 + 1 rows
    assert all("unnest" in query["sql"] for query in queries)
    assert Delivery.objects.count() == 7


def test_keys_are_time_ordered_so_inserts_write_the_ends_of_their_indexes(
    partnership, people, agencies
):
    first = _rows(partnership, people, agencies)
    time.sleep(0.002)
    later = _rows(partnership, people, agencies, kind="due_soon")
    assert {row.key.version for row in first + later} == {7}
    assert max(row.key for row in first) < min(row.key for row in later)
    # The Message-ID is made from the key: in the same order, and still unique.
    assert max(row.message_id for row in first) < min(row.message_id for row in later)
    assert len({row.key for row in first + later}) == len(first + later)


def test_an_unsaved_row_is_the_model_s_own(partnership, people, agencies):
    """``delivery_unsaved`` (made without ``Model.__init__``, for speed) equals
    ``Delivery(**fields)``: every column, defaults included, the related objects cached, an
    unknown name refused; and it saves like any other."""
    from django.contrib.contenttypes.models import ContentType

    from convene.reminders.outbox_insert import delivery_unsaved

    fields = {
        "key": new_delivery().key,
        "partnership": partnership,
        "source_type": ContentType.objects.get_for_model(partnership),
        "source_id": partnership.pk,
        "kind": "overdue",
        "channel": Delivery.Channel.EMAIL,
        "recipient": people["alice"],
        "recipient_agency": None,
        "recipient_key": "professional:1",
        "to_address": "alice@example.org",
        "subject": "Overdue",
        "body": "Body",
        "decided_at": NOW,
        "next_attempt_at": NOW,
    }
    made, model = delivery_unsaved(**fields), Delivery(**fields)
    assert _saved(made) == _saved(model)
    assert made.attachments == []
    assert made.attachments is not delivery_unsaved().attachments  # a new list each
    assert made.recipient is people["alice"]
    assert made.partnership is partnership
    assert made.pk is None
    assert made._state.adding
    assert made._state.db is None
    with pytest.raises(TypeError):
        delivery_unsaved(recipients=[])
    made.save()
    assert _saved(Delivery.objects.get(pk=made.pk)) == _saved(model)
