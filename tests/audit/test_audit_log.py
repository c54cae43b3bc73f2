"""The audit log: chained on write, append-only everywhere, tampering found by `audit verify`."""

from __future__ import annotations

import threading
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from convene.api.models import ApiToken
from convene.api.services import api_token_create
from convene.audit.chain import GENESIS, entry_hash
from convene.audit.context import AuditContext
from convene.audit.models import Action, AppendOnlyError, AuditEntry
from convene.audit.selectors import audit_key
from convene.audit.services import audit_record
from tests.audit.conftest import run_sql, tampering

pytestmark = pytest.mark.django_db


def verify(*args: str) -> str:
    out = StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


def test_each_entry_links_to_the_one_before(six_entries):
    assert [e.sequence for e in six_entries] == [1, 2, 3, 4, 5, 6]
    assert six_entries[0].prev_hash == GENESIS
    for before, after in pairwise(six_entries):
        assert after.prev_hash == before.hash
    stored = AuditEntry.objects.get(sequence=4)
    assert entry_hash(stored.chain_fields(), stored.prev_hash, key=audit_key()) == stored.hash


def test_an_entry_records_who_what_which_record_and_from_where(people, child, rf):
    context = AuditContext.from_request(rf.get("/", REMOTE_ADDR="192.0.2.7"))
    entry = audit_record(
        actor=people["alice"],
        action=Action.VIEW,
        obj=child,
        summary="Viewed\x00 child\nrecord",
        context=context,
    )
    entry.refresh_from_db()
    assert entry.actor == people["alice"]
    assert entry.actor_username == "alice"
    assert entry.action == "view"
    assert (entry.object_type, entry.object_id) == ("people.child", str(child.pk))
    assert entry.child_id == child.pk
    assert entry.remote_addr == "192.0.2.7"
    assert entry.summary == "Viewed  child record"  # one line, no NUL (PostgreSQL refuses NUL)
    assert entry.at is not None


def test_a_long_summary_is_cut_to_fit(people):
    entry = audit_record(actor=people["alice"], action=Action.SEARCH, summary="x" * 2000)
    assert len(entry.summary) == 500
    assert verify().startswith("Audit chain intact: 1 entries")


def test_verify_reports_an_intact_chain_and_its_head(six_entries):
    output = verify()
    assert "Audit chain intact: 6 entries" in output
    assert f"Head: 6:{six_entries[-1].hash}" in output


def test_verify_on_an_empty_log():
    assert "Audit chain intact: 0 entries" in verify()


# -- nothing in the app can change or remove an entry ----------------------------------


def test_an_entry_cannot_be_saved_again(six_entries):
    entry = AuditEntry.objects.get(sequence=2)
    entry.summary = "Rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()


def test_an_entry_cannot_be_deleted(six_entries):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.get(sequence=2).delete()


@pytest.mark.parametrize(
    "operation",
    [
        lambda qs: qs.update(summary="x"),
        lambda qs: qs.delete(),
        lambda qs: qs.bulk_update(list(qs), ["summary"]),
        lambda qs: qs.bulk_create([AuditEntry()]),
    ],
    ids=["update", "delete", "bulk_update", "bulk_create"],
)
def test_bulk_operations_are_refused(six_entries, operation):
    with pytest.raises(AppendOnlyError):
        operation(AuditEntry.objects.all())


def test_the_database_refuses_an_update_even_in_raw_sql(six_entries):
    with pytest.raises(DatabaseError), transaction.atomic():
        run_sql("UPDATE audit_auditentry SET summary = 'x' WHERE sequence = 2")
    assert AuditEntry.objects.get(sequence=2).summary == "Viewed child 2"


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="SQLite keeps DELETE for Django's test flush; PostgreSQL refuses it",
)
def test_postgresql_refuses_a_delete_even_in_raw_sql(six_entries):
    with pytest.raises(DatabaseError), transaction.atomic():
        run_sql("DELETE FROM audit_auditentry WHERE sequence = 2")
    assert AuditEntry.objects.filter(sequence=2).exists()


# -- tampering by someone who gets round the database's defences -----------------------


def _broken(match: str) -> None:
    with pytest.raises(CommandError, match=match):
        verify()


def test_verify_finds_a_changed_entry(six_entries):
    with tampering():
        run_sql("UPDATE audit_auditentry SET summary = 'Nothing happened' WHERE sequence = 3")
    _broken(r"broken at entry #3 \(altered\)")


def test_verify_finds_a_deleted_entry(six_entries):
    with tampering():
        run_sql("DELETE FROM audit_auditentry WHERE sequence = 3")
    _broken(r"broken at entry #3 \(removed\)")


def _shift_from(sequence: int, by: int) -> None:
    # Through a high range, so the unique index on sequence never sees a clash.
    run_sql(
        "UPDATE audit_auditentry SET sequence = sequence + 1000000 WHERE sequence >= %s",
        [sequence],
    )
    run_sql(
        "UPDATE audit_auditentry SET sequence = sequence - 1000000 + %s WHERE sequence >= 1000000",
        [by],
    )


def test_verify_finds_an_inserted_entry_even_with_a_valid_hash(six_entries, people):
    before = six_entries[1]  # entry 2
    forged = AuditEntry(
        sequence=3,
        at=before.at,
        actor=people["bob"],
        actor_username="bob",
        action=Action.VIEW.value,
        summary="A look that never happened",
        prev_hash=before.hash,
    )
    # Forged by someone who also holds the key, so only the links give it away.
    forged.hash = entry_hash(forged.chain_fields(), before.hash, key=audit_key())
    with tampering():
        _shift_from(3, by=1)
        forged.save()
    _broken(r"broken at entry #3 \(inserted\)")


def test_verify_finds_reordered_entries(six_entries):
    with tampering():
        run_sql("UPDATE audit_auditentry SET sequence = 1000003 WHERE sequence = 3")
        run_sql("UPDATE audit_auditentry SET sequence = 3 WHERE sequence = 4")
        run_sql("UPDATE audit_auditentry SET sequence = 4 WHERE sequence = 1000003")
    _broken(r"broken at entry #3 \(reordered\)")


def test_only_an_anchor_shows_entries_cut_from_the_end(six_entries):
    head = f"6:{six_entries[-1].hash}"
    with tampering():
        run_sql("DELETE FROM audit_auditentry WHERE sequence >= 5")
    assert "intact: 4 entries" in verify()
    with pytest.raises(CommandError, match=r"#6 recorded in the anchor is missing"):
        verify("--anchor", head)


def test_a_bad_anchor_is_refused_with_its_format():
    with pytest.raises(CommandError, match="SEQUENCE:HASH"):
        verify("--anchor", "nonsense")


# -- the entry and the change it records are one transaction ---------------------------


def test_a_rolled_back_change_takes_its_audit_entry_with_it(people):
    def change_then_fail() -> None:
        with transaction.atomic():
            api_token_create(user=people["alice"], name="Case system")
            assert AuditEntry.objects.filter(object_type="api.apitoken").exists()
            raise RuntimeError("the change fails after the audit entry was written")

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert not ApiToken.objects.exists()
    assert not AuditEntry.objects.filter(object_type="api.apitoken").exists()


# -- the admin shows the log but cannot change it --------------------------------------


def test_the_admin_can_read_the_log_but_not_add_change_or_delete(client, people, six_entries):
    client.force_login(people["admin"])
    entry = six_entries[0]
    assert client.get("/admin/audit/auditentry/").status_code == 200
    detail = client.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    assert detail.status_code == 200
    assert b"Save" not in detail.content
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    assert client.post(
        f"/admin/audit/auditentry/{entry.pk}/change/", {"summary": "x"}
    ).status_code in {302, 403}
    assert AuditEntry.objects.get(pk=entry.pk).summary == entry.summary
    assert AuditEntry.objects.count() >= 6


# -- concurrent writers still make one line --------------------------------------------


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="SQLite serialises writers itself; the advisory lock is PostgreSQL's",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_make_one_unbroken_chain():
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(15):
                with transaction.atomic():
                    audit_record(actor=None, action=Action.SEARCH, summary=f"writer {n} entry {i}")
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True)) == list(
        range(1, 61)
    )
    assert "intact: 60 entries" in verify()
