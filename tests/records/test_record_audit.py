"""Every change to a record, every look at it and every copy taken are in the audit log.

One entry per child discussed, naming who, what, which record (or version) and
from where; a refused transition writes none; the entry rolls back with its change.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from ninja.testing import TestClient

from convene.audit.context import AuditContext
from convene.audit.models import Action, AuditEntry
from convene.core.errors import Conflict, NotAllowed
from convene.people.factories import ChildFactory
from convene.policy.vocab import Decision, RecordSection
from convene.records import services
from convene.records.api import router
from convene.records.errors import RecordIncomplete
from convene.records.models import Record, RecordVersion
from tests.api.conftest import bearer
from tests.records.conftest import AFTER, entry_version, fill, save

pytestmark = pytest.mark.django_db

ADDRESS = "192.0.2.44"


@pytest.fixture
def context_from(rf):
    return AuditContext.from_request(rf.post("/", REMOTE_ADDR=ADDRESS))


@pytest.fixture
def record(make_record, partnership):
    record = make_record()
    # A sibling discussed too: every entry is written once for each child.
    record.discussion.children.add(ChildFactory(partnership=partnership))
    return record


def entries_about(obj, action=None):
    found = AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("sequence")
    return found.filter(action=action) if action else found


def _kinds(entries):
    return [(e.action, e.actor.username, e.summary.split(" (record")[0]) for e in entries]


def _first_child(record, entries):
    first = record.discussion.children.order_by("pk").first()
    return [e for e in entries if e.child_id == first.pk]


def test_holding_opens_the_record_and_says_so(record):
    held = entries_about(record, Action.CREATE).get()  # the sibling was added after
    assert held.child_id == record.discussion.referral.children.get().pk
    assert held.actor.username == "bob"
    assert held.summary == (
        f"Marked the discussion held and opened its record "
        f"(record of {record.discussion.reference})"
    )


def test_every_step_from_draft_to_confirmed_is_recorded(record, people, context_from):
    save(
        record,
        RecordSection.INTRODUCTION,
        {"reason": "Bruising", "child_background": "Seven"},
        by=people["bob"],
    )
    services.record_action_save(
        record=record,
        action={
            "key": "b2b2b2b2",
            "owner_kind": "person",
            "owner_id": people["alice"].pk,
            "what": "Visit",
            "why": "See the child alone",
            "due_on": (AFTER.date() + timedelta(days=2)).isoformat(),
        },
        expected_version=entry_version(record, RecordSection.ACTIONS),
        by=people["bob"],
        now=AFTER,
        context=context_from,
    )
    services.record_action_remove(
        record=record,
        key="b2b2b2b2",
        expected_version=entry_version(record, RecordSection.ACTIONS),
        by=people["bob"],
        now=AFTER,
        context=context_from,
    )
    fill(record, people, Decision.CHILD_IN_NEED)
    services.record_submit(record=record, by=people["bob"], now=AFTER, context=context_from)
    version = services.record_authorise(
        record=record, by=people["bob"], now=AFTER, context=context_from
    )
    services.record_distribute(record=record, by=people["bob"], now=AFTER, context=context_from)
    for name in ("alice", "dev", "erin"):
        services.record_confirm(record=record, accurate=True, by=people[name], now=AFTER)
    asked = services.record_confirm(
        record=record,
        accurate=False,
        comment="I am a DC",
        by=people["carol"],
        now=AFTER,
        context=context_from,
    )
    services.confirmation_resolve(
        confirmation=asked,
        note="Already says DC",
        by=people["bob"],
        now=AFTER,
        context=context_from,
    )
    services.record_correction_start(
        record=record, note="Typo", by=people["bob"], now=AFTER, context=context_from
    )

    on_record = _kinds(_first_child(record, entries_about(record, Action.CHANGE)))
    assert on_record[:3] == [
        (Action.CHANGE, "bob", "Saved ‘Introduction: reason and background’ (section version 1)"),
        (Action.CHANGE, "bob", "Added an action (actions version 1)"),
        (Action.CHANGE, "bob", "Removed an action (actions version 2)"),
    ]
    assert on_record[-2:] == [
        (Action.CHANGE, "bob", "Submitted the record as complete, ready to authorise"),
        (Action.CHANGE, "bob", "Opened the record to correct version 1"),
    ]
    on_version = _kinds(_first_child(record, entries_about(version)))
    assert on_version == [
        (Action.CREATE, "bob", "Authorised version 1: Child in need support (section 17)"),
        (
            Action.EXPORT,
            "bob",
            "Distributed version 1: the record to 5 attendees, the outcome to 1 other",
        ),
        (Action.CHANGE, "alice", "Confirmed version 1 is accurate"),
        (Action.CHANGE, "dev", "Confirmed version 1 is accurate"),
        (Action.CHANGE, "erin", "Confirmed version 1 is accurate"),
        (Action.CHANGE, "carol", "Asked for a correction to version 1"),
    ]
    resolved = _kinds(_first_child(record, entries_about(asked)))
    assert resolved == [
        (
            Action.CHANGE,
            "bob",
            "Resolved Carol Clarke's correction request to version 1: no change needed; "
            "every attendee has now confirmed the record",
        )
    ]
    mine = AuditEntry.objects.filter(remote_addr=ADDRESS)
    assert mine.count() == 2 * 8  # two children, eight changes made with the request
    assert not AuditEntry.objects.filter(summary__contains="I am a DC").exists()


def test_a_save_that_changes_nothing_is_not_a_change(record, people):
    content = {"reason": "Bruising", "child_background": "Seven"}
    save(record, RecordSection.INTRODUCTION, content, by=people["bob"])
    before = AuditEntry.objects.count()
    save(record, RecordSection.INTRODUCTION, content, by=people["bob"])
    assert AuditEntry.objects.count() == before


def test_refused_transitions_write_no_entry(record, people):
    before = AuditEntry.objects.count()
    with pytest.raises(RecordIncomplete):
        services.record_authorise(record=record, by=people["bob"], now=AFTER)
    with pytest.raises(NotAllowed):
        services.record_submit(record=record, by=people["carol"], now=AFTER)
    with pytest.raises(Conflict):
        services.record_distribute(record=record, by=people["bob"], now=AFTER)
    assert AuditEntry.objects.count() == before


def test_an_authorisation_that_fails_late_leaves_no_entry(record, people, monkeypatch):
    fill(record, people, Decision.CHILD_IN_NEED)
    before = AuditEntry.objects.count()
    real = services._common.audit_record_children

    def audit_then_fail(**kwargs):
        real(**kwargs)
        raise RuntimeError("the disk filled up after the entry")

    monkeypatch.setattr(services._common, "audit_record_children", audit_then_fail)
    with pytest.raises(RuntimeError):
        services.record_authorise(record=record, by=people["bob"], now=AFTER)
    assert AuditEntry.objects.count() == before
    assert not RecordVersion.objects.exists()
    assert Record.objects.get(pk=record.pk).draft_open


# --- looking and downloading -----------------------------------------------------------------


def _url(name, record, *args):
    return reverse(f"records:{name}", args=[record.discussion_id, *args])


@pytest.fixture
def authorised(record, people):
    fill(record, people, Decision.CHILD_IN_NEED)
    services.record_authorise(record=record, by=people["bob"], now=AFTER)
    services.record_distribute(record=record, by=people["bob"], now=AFTER)
    return record


def test_the_task_list_a_part_and_the_check_page_are_looks_at_the_draft(client, people, record):
    client.force_login(people["alice"])
    client.get(_url("task-list", record), REMOTE_ADDR=ADDRESS)
    client.force_login(people["bob"])
    client.get(_url("part", record, "introduction"))
    client.get(_url("check", record))
    views = _first_child(record, entries_about(record, Action.VIEW))
    assert [(e.actor.username, e.summary.split(" (record")[0]) for e in views] == [
        ("alice", "Viewed the draft's task list"),
        ("bob", "Opened ‘Introduction: reason and background’ in the draft"),
        ("bob", "Checked the draft's answers"),
    ]
    assert views[0].remote_addr == ADDRESS


def test_the_version_the_family_summary_and_the_pdf_are_recorded(client, people, authorised):
    version = authorised.versions.get()
    client.force_login(people["carol"])  # an attendee: reads the distributed version
    client.get(_url("version", authorised, 1), REMOTE_ADDR=ADDRESS)
    pdf = client.get(_url("version-pdf", authorised, 1), REMOTE_ADDR=ADDRESS)
    assert pdf["Content-Type"] == "application/pdf"
    client.force_login(people["alice"])
    client.get(_url("family-summary", authorised))
    looks = _first_child(authorised, entries_about(version))
    assert [(e.action, e.actor.username, e.summary.split(" (record")[0]) for e in looks][-3:] == [
        (Action.VIEW, "carol", "Viewed version 1"),
        (Action.DOWNLOAD, "carol", "Downloaded the PDF of version 1"),
        (Action.VIEW, "alice", "Viewed the family summary of version 1"),
    ]
    assert looks[-2].remote_addr == ADDRESS


def test_someone_refused_the_record_leaves_no_look(client, people, authorised):
    client.force_login(people["priya"])  # not invited
    assert client.get(_url("version-pdf", authorised, 1)).status_code == 404
    assert not AuditEntry.objects.filter(action=Action.DOWNLOAD).exists()


def test_api_reads_and_the_pdf_download_are_recorded(client, people, tokens, authorised):
    version = authorised.versions.get()
    headers = bearer(tokens["dev"])
    base = f"/api/records/{authorised.discussion_id}"
    for path in ("", "/versions", "/versions/1", "/decision"):
        assert client.get(base + path, headers=headers, REMOTE_ADDR=ADDRESS).status_code == 200
    assert client.get(base + "/versions/1/pdf", headers=headers).status_code == 200
    mine = list(
        AuditEntry.objects.filter(
            actor=people["dev"], action__in=[Action.VIEW, Action.DOWNLOAD]
        ).order_by("sequence")
    )
    assert len(mine) == 2 * 5
    assert {e.child_id for e in mine} == set(
        authorised.discussion.children.values_list("pk", flat=True)
    )
    download = [e for e in mine if e.action == Action.DOWNLOAD]
    assert len(download) == 2
    assert (download[0].object_type, download[0].object_id) == (
        "records.recordversion",
        str(version.pk),
    )
    assert download[0].summary.endswith("through the API (token ‘dev's case system’)")
    assert mine[0].remote_addr == ADDRESS


def test_the_router_answers_404_for_ids_beyond_the_database(people, authorised):
    """Ids are bounded in the schema: too large is 422, not a database overflow (a 500)."""
    api = TestClient(router)
    assert api.get(f"/{2**63}", user=people["bob"]).status_code == 422
    assert api.get("/0/versions", user=people["bob"]).status_code == 422
    assert api.get(f"/{authorised.discussion_id}/versions/99", user=people["bob"]).status_code == (
        404
    )
