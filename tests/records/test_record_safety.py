"""Safety of the record: history, stale saves refused, one transaction per transition, a
distributed version never altered by a correction."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType

from convene.clocks.models import Clock
from convene.core.errors import Conflict, Invalid, NotAllowed
from convene.policy.vocab import Decision, RecordSection
from convene.records import services
from convene.records.errors import SectionConflict
from convene.records.models import (
    Action,
    AppendOnlyError,
    Record,
    RecordSectionEntry,
    RecordVersion,
    SectionHistory,
)
from tests.records.conftest import AFTER, entry_content, entry_version, fill, save

pytestmark = pytest.mark.django_db


def test_every_save_keeps_who_when_before_and_after(make_record, people):
    record = make_record()
    save(record, RecordSection.INTRODUCTION, {"reason": "First"}, by=people["bob"])
    save(
        record,
        RecordSection.INTRODUCTION,
        {"reason": "Second"},
        by=people["dina"],
        now=AFTER + timedelta(minutes=3),
    )
    history = list(SectionHistory.objects.filter(record=record, section="introduction"))
    assert [(h.version, h.before.get("reason"), h.after["reason"]) for h in history] == [
        (1, None, "First"),
        (2, "First", "Second"),
    ]
    assert history[1].changed_by == people["dina"]
    assert history[1].changed_at == AFTER + timedelta(minutes=3)
    with pytest.raises(AppendOnlyError):
        SectionHistory.objects.filter(record=record).update(after={})
    with pytest.raises(AppendOnlyError):
        SectionHistory.objects.filter(record=record).delete()


def test_a_stale_save_is_refused_with_both_versions_and_nothing_saved(make_record, people):
    record = make_record()
    opened = entry_version(record, RecordSection.INTRODUCTION)
    services.record_section_save(
        record=record,
        section=RecordSection.INTRODUCTION,
        content={"reason": "Bob's words"},
        expected_version=opened,
        by=people["bob"],
        now=AFTER,
    )
    with pytest.raises(SectionConflict) as conflict:
        services.record_section_save(
            record=record,
            section=RecordSection.INTRODUCTION,
            content={"reason": "Dina's words"},
            expected_version=opened,
            by=people["dina"],
            now=AFTER + timedelta(minutes=1),
        )
    assert conflict.value.current["reason"] == "Bob's words"
    assert conflict.value.yours["reason"] == "Dina's words"
    assert conflict.value.saved_by == "Bob Bennett"
    assert conflict.value.saved_at == AFTER
    assert entry_content(record, RecordSection.INTRODUCTION)["reason"] == "Bob's words"
    assert SectionHistory.objects.filter(record=record, section="introduction").count() == 1


def test_only_the_chair_or_a_chair_eligible_manager_edits(make_record, people):
    record = make_record()
    for who in ("alice", "carol", "ivy", "nick"):
        with pytest.raises(NotAllowed):
            save(record, RecordSection.INTRODUCTION, {"reason": "x"}, by=people[who])
    save(record, RecordSection.INTRODUCTION, {"reason": "x"}, by=people["dina"])


def test_names_come_from_the_database_not_the_form(make_record, people):
    record = make_record()
    rows = entry_content(record, RecordSection.ATTENDANCE)["rows"]
    rows[0]["name"] = "Somebody Else"
    save(record, RecordSection.ATTENDANCE, {"rows": rows}, by=people["bob"])
    assert entry_content(record, RecordSection.ATTENDANCE)["rows"][0]["name"] != "Somebody Else"
    stranger = {"professional_id": people["nick"].pk, "status": "attended"}
    with pytest.raises(Invalid):
        save(record, RecordSection.ATTENDANCE, {"rows": [*rows, stranger]}, by=people["bob"])


def test_an_action_cannot_be_due_before_the_discussion(make_record, people):
    record = make_record()
    action = {
        "key": "b2b2b2b2",
        "owner_kind": "agency",
        "owner_id": people["carol"].agency_id,
        "what": "x",
        "why": "y",
        "due_on": "2026-03-01",
    }
    with pytest.raises(Invalid):
        save(record, RecordSection.ACTIONS, {"actions": [action]}, by=people["bob"])


def test_a_failure_while_authorising_leaves_the_record_as_it_was(make_record, people, monkeypatch):
    record = make_record()
    fill(record, people, Decision.S47_JOINT)
    clocks_before = Clock.objects.count()

    def broken(snapshot):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr("convene.records.services.authorise.render_pdf", broken)
    with pytest.raises(RuntimeError):
        services.record_authorise(record=record, by=people["bob"], now=AFTER)
    record = Record.objects.get(pk=record.pk)
    assert record.draft_open
    assert record.latest_number == 0
    assert record.discussion.state == "held"
    assert not RecordVersion.objects.exists()
    assert not Action.objects.exists()
    assert Clock.objects.count() == clocks_before


def test_a_correction_makes_a_new_version_and_never_alters_the_distributed_one(make_record, people):
    record = make_record()
    fill(record, people, Decision.S47_SINGLE_AGENCY)
    first = services.record_authorise(record=record, by=people["bob"], now=AFTER)
    services.record_distribute(record=record, by=people["bob"], now=AFTER)
    first = RecordVersion.objects.get(pk=first.pk)
    pdf_hash, snapshot, content_hash = (
        hashlib.sha256(first.pdf_bytes).hexdigest(),
        first.snapshot,
        first.content_sha256,
    )
    with pytest.raises(Conflict):
        save(record, RecordSection.INTRODUCTION, {"reason": "Changed"}, by=people["bob"])
    asked = services.record_confirm(
        record=record, accurate=False, comment="Wrong reason", by=people["carol"], now=AFTER
    )
    services.record_correction_start(
        record=record, note="Reason for convening corrected", by=people["bob"], now=AFTER
    )
    intro = entry_content(record, RecordSection.INTRODUCTION)
    save(record, RecordSection.INTRODUCTION, {**intro, "reason": "Corrected"}, by=people["bob"])
    second = services.record_authorise(
        record=record, by=people["bob"], now=AFTER + timedelta(hours=1)
    )
    assert second.number == 2
    assert second.supersedes == first
    assert second.correction_note == "Reason for convening corrected"
    assert second.snapshot["parts"]["introduction"]["reason"] == "Corrected"
    first.refresh_from_db()
    assert hashlib.sha256(first.pdf_bytes).hexdigest() == pdf_hash == first.pdf_sha256
    assert first.snapshot == snapshot
    assert first.content_sha256 == content_hash
    assert first.intact()
    asked.refresh_from_db()
    assert asked.resolution == "corrected"
    record.discussion.refresh_from_db()
    assert record.discussion.state == "authorised"
    logs = services.record_distribute(
        record=record, by=people["bob"], now=AFTER + timedelta(hours=2)
    )
    # Same decision: the corrected record goes to attendees, no new outcome notice.
    assert {log.kind for log in logs} == {"record"}
    # The S47 clocks are not restarted by a correction that keeps the decision.
    discussion_type = ContentType.objects.get_for_model(record.discussion)
    icpc = Clock.objects.filter(
        subject_type=discussion_type, subject_id=record.discussion_id, kind="icpc"
    )
    assert icpc.count() == 1


def test_a_correction_that_changes_the_decision_moves_the_clocks(make_record, people):
    record = make_record()
    fill(record, people, Decision.SINGLE_ASSESSMENT)
    services.record_authorise(record=record, by=people["bob"], now=AFTER)
    services.record_correction_start(
        record=record, note="Decision was S47", by=people["bob"], now=AFTER
    )
    save(
        record,
        RecordSection.DECISION,
        {"decision": "s47_single_agency", "reasons": "Threshold met"},
        by=people["bob"],
    )
    services.record_authorise(record=record, by=people["bob"], now=AFTER)
    clocks = Clock.objects.filter(subject_id=record.discussion_id, kind__in=["icpc", "reconvene"])
    assert {(c.kind, c.state) for c in clocks} == {("reconvene", "waived"), ("icpc", "pending")}
    assert "version 2" in clocks.get(kind="reconvene").waived_reason


def test_a_correction_that_removes_an_action_cancels_it_and_its_clock(make_record, people):
    record = make_record()
    fill(record, people, Decision.CHILD_IN_NEED)
    services.record_authorise(record=record, by=people["bob"], now=AFTER)
    action = Action.objects.get(record=record)
    services.record_correction_start(
        record=record, note="No visit agreed", by=people["bob"], now=AFTER
    )
    services.record_action_remove(
        record=record,
        key=action.key,
        expected_version=entry_version(record, RecordSection.ACTIONS),
        by=people["bob"],
        now=AFTER,
    )
    save(record, RecordSection.ACTIONS, {"none_agreed": True}, by=people["bob"])
    services.record_authorise(record=record, by=people["bob"], now=AFTER)
    action.refresh_from_db()
    assert action.status == "cancelled"
    assert Clock.objects.get(subject_id=action.pk, kind="action_due").state == "waived"


def test_held_only_from_scheduled_and_not_in_the_future(make_record, people):
    record = make_record()
    from convene.records.services import discussion_hold

    with pytest.raises(Conflict):
        discussion_hold(
            discussion=record.discussion, held_at=record.held_at, by=people["bob"], now=AFTER
        )
    assert RecordSectionEntry.objects.filter(record=record, section="attendance").exists()
