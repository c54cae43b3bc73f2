"""The record to attendees (R002.8) and the outcome to others (R002.9): one working day from
the discussion, met or breached around weekends and bank holidays; what is sent to whom."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from convene.audit.models import Action, AuditEntry
from convene.audit.services import MAILER
from convene.clocks.models import Clock
from convene.clocks.services import clocks_sweep
from convene.clocks.status import Rag
from convene.policy.vocab import Decision, RecordSection
from convene.records import services
from convene.records.models import DistributionLog
from convene.reminders.services import deliveries_send
from convene.workdays import LONDON
from tests.records.conftest import NAME, entry_content, fill, save

pytestmark = pytest.mark.django_db


def _london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def _distribute_and_send(record, by, now):
    """Distribute at ``now`` and let the outbox send at ``now``: the outcome clock is met when
    the notices have actually gone (R002.9, told means told)."""
    with time_machine.travel(now, tick=False):
        services.record_distribute(record=record, by=by, now=now)
        deliveries_send(now=now)


def _clock(record, kind) -> Clock:
    return Clock.objects.get(
        subject_type=ContentType.objects.get_for_model(record.discussion),
        subject_id=record.discussion_id,
        kind=kind,
    )


# (held at, due at the end of, sent on time, sent late): one working day from the discussion.
CASES = [
    pytest.param(
        _london(2026, 3, 6, 14, 0),  # Friday
        _london(2026, 3, 9, 23, 59, 59),  # Monday
        _london(2026, 3, 9, 16, 0),
        _london(2026, 3, 10, 9, 0),
        id="friday-to-monday",
    ),
    pytest.param(
        _london(2026, 4, 2, 11, 0),  # Thursday before Good Friday
        _london(2026, 4, 7, 23, 59, 59),  # Tuesday after Easter Monday
        _london(2026, 4, 6, 10, 0),  # Easter Monday: early is on time
        _london(2026, 4, 8, 9, 0),
        id="easter",
    ),
    pytest.param(
        _london(2026, 12, 24, 10, 0),  # Thursday, Christmas Eve
        _london(2026, 12, 29, 23, 59, 59),  # Boxing Day's substitute is Monday 28th
        _london(2026, 12, 29, 23, 0),
        _london(2026, 12, 30, 0, 1),
        id="christmas-substitute-day",
    ),
]


@pytest.mark.parametrize(("held_at", "due_at", "on_time", "late"), CASES)
@pytest.mark.parametrize("kind", ["record_distributed", "outcome_notified"])
def test_R002_8_R002_9_met_on_time(make_record, people, held_at, due_at, on_time, late, kind):
    record = make_record(held_at=held_at)
    clock = _clock(record, kind)
    assert clock.due_at == due_at
    assert clock.started_at == held_at
    fill(record, people, Decision.CHILD_IN_NEED)
    services.record_authorise(record=record, by=people["bob"], now=on_time)
    _distribute_and_send(record, people["bob"], on_time)
    clock.refresh_from_db()
    assert clock.state == Clock.State.MET
    assert clock.met_at == on_time
    assert clock.get_status(now=late + timedelta(days=5)) == Rag.MET


@pytest.mark.parametrize(("held_at", "due_at", "on_time", "late"), CASES)
@pytest.mark.parametrize("kind", ["record_distributed", "outcome_notified"])
def test_R002_8_R002_9_breached_then_met_late(
    make_record, people, held_at, due_at, on_time, late, kind
):
    record = make_record(held_at=held_at)
    # Nothing of the record's is breached at its due time (the agencies' unsent checks are).
    assert kind not in {c.kind for c in clocks_sweep(now=due_at)}
    breached = clocks_sweep(now=due_at + timedelta(seconds=1))
    assert kind in {c.kind for c in breached}
    fill(record, people, Decision.CHILD_IN_NEED)
    services.record_authorise(record=record, by=people["bob"], now=late)
    _distribute_and_send(record, people["bob"], late)
    clock = _clock(record, kind)
    assert clock.met_at == late
    assert clock.get_status(now=late) == Rag.MET_LATE


def test_R002_8_record_is_advisory_and_outcome_is_not(make_record, people):
    record = make_record(pack="halton")
    assert _clock(record, "record_distributed").rule_id == "qs2014.record_distributed"
    assert "R002.9" in _clock(record, "outcome_notified").citation


def test_england_sets_no_one_working_day_clock(make_record, people):
    record = make_record(pack="england")
    assert not Clock.objects.filter(
        subject_id=record.discussion_id, kind__in=["record_distributed", "outcome_notified"]
    ).exists()


def test_R002_8_R002_9_who_gets_what(make_record, people, django_capture_on_commit_callbacks):
    record = make_record(invitees=("alice", "carol", "dev", "erin"))
    fill(record, people, Decision.S47_JOINT)
    attendance = entry_content(record, RecordSection.ATTENDANCE)
    for row in attendance["rows"]:
        if row["professional_id"] == people["erin"].pk:
            row["status"] = "apologies"
    save(record, RecordSection.ATTENDANCE, attendance, by=people["bob"])
    version = services.record_authorise(record=record, by=people["bob"], now=record.held_at)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_distribute(record=record, by=people["bob"], now=record.held_at)
    by_address = {m.to[0]: m for m in mail.outbox}
    # The record, with its PDF, to everyone who attended (the chair included).
    for name in ("bob", "alice", "carol", "dev"):
        message = by_address[people[name].email]
        assert "record" in message.subject
        (_filename, content, mimetype) = message.attachments[0]
        assert mimetype == "application/pdf"
        assert content == version.pdf_bytes
        text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
        assert NAME in text
    # A short outcome to the absent agency and the referrer, no record attached.
    for address in (people["erin"].email, "rita@example.org"):
        assert by_address[address].attachments == []
        assert "Section 47 enquiry jointly with the police" in by_address[address].body
    assert set(DistributionLog.objects.values_list("outcome", flat=True)) == {"sent"}


def test_R003_5_a_referrer_outside_the_partnership_gets_only_what_the_family_may(
    make_record, people, django_capture_on_commit_callbacks
):
    record = make_record(referrer_agency=None)
    fill(record, people, Decision.S47_JOINT)
    save(
        record,
        RecordSection.DECISION,
        {"decision": "s47_joint", "reasons": "SECRET REASONS", "not_for_family": True},
        by=people["bob"],
    )
    services.record_authorise(record=record, by=people["bob"], now=record.held_at)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_distribute(record=record, by=people["bob"], now=record.held_at)
    notice = next(m for m in mail.outbox if m.to == ["rita@example.org"])
    assert "SECRET" not in notice.body
    assert "Section 47" not in notice.body
    assert "A social worker will contact you" in notice.body
    assert DistributionLog.objects.get(email="rita@example.org").family_safe


def test_a_failed_email_is_logged_and_the_distribution_stands(
    make_record, people, django_capture_on_commit_callbacks, monkeypatch
):
    record = make_record()
    fill(record, people, Decision.NO_FURTHER_ACTION)
    services.record_authorise(record=record, by=people["bob"], now=record.held_at)

    class Down:
        def send_messages(self, messages):
            raise OSError("mail server down")

    monkeypatch.setattr(settings, "CONVENE_DELIVERY_MAX_ATTEMPTS", 1)
    services.record_distribute(record=record, by=people["bob"], now=record.held_at)
    deliveries_send(now=timezone.now(), connection=Down())
    outcomes = set(DistributionLog.objects.values_list("outcome", flat=True))
    assert outcomes == {"failed"}
    for detail in DistributionLog.objects.values_list("detail", flat=True):
        assert detail.endswith("OSError: mail server down")
    record.discussion.refresh_from_db()
    assert record.discussion.state == "distributed"
    # Nothing left the system: no "emailed" entry.
    assert not AuditEntry.objects.filter(actor_username=MAILER).exists()


def test_an_email_goes_only_to_someone_who_may_see_what_it_carries(
    make_record, people, django_capture_on_commit_callbacks
):
    """The record's email asks the same rule as its pages (``can``): dev attended, then left
    his trust (his account is closed) before it was sent; erin sent apologies and left too."""
    record = make_record(invitees=("alice", "carol", "dev", "erin"))
    fill(record, people, Decision.S47_JOINT)
    attendance = entry_content(record, RecordSection.ATTENDANCE)
    for row in attendance["rows"]:
        if row["professional_id"] == people["erin"].pk:
            row["status"] = "apologies"
    save(record, RecordSection.ATTENDANCE, attendance, by=people["bob"])
    services.record_authorise(record=record, by=people["bob"], now=record.held_at)
    for name in ("dev", "erin"):
        people[name].is_active = False
        people[name].save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        services.record_distribute(record=record, by=people["bob"], now=record.held_at)
    sent_to = {m.to[0] for m in mail.outbox}
    assert people["dev"].email not in sent_to
    assert people["erin"].email not in sent_to
    assert {people[name].email for name in ("bob", "alice", "carol")} <= sent_to
    assert "rita@example.org" in sent_to  # the referrer's outcome notice is family-safe
    refused = DistributionLog.objects.filter(outcome=DistributionLog.Outcome.NOT_ALLOWED)
    assert set(refused.values_list("professional__username", "kind")) == {
        ("dev", "record"),
        ("erin", "outcome"),
    }


def test_each_email_that_leaves_is_audited_with_its_recipient(
    make_record, people, django_capture_on_commit_callbacks
):
    """An email carrying a child's record is an export: one entry per child, naming who to."""
    record = make_record(invitees=("alice", "carol", "dev"))
    child = record.discussion.children.get()
    fill(record, people, Decision.S47_JOINT)
    version = services.record_authorise(record=record, by=people["bob"], now=record.held_at)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_distribute(record=record, by=people["bob"], now=record.held_at)
    sent = AuditEntry.objects.filter(actor_username=MAILER)
    assert {e.action for e in sent} == {Action.EXPORT.value}
    assert {e.child_id for e in sent} == {child.pk}
    assert {(e.object_type, e.object_id) for e in sent} == {
        ("records.recordversion", str(version.pk))
    }
    summaries = {e.summary for e in sent}
    assert len(summaries) == len(mail.outbox)
    carol = people["carol"]
    assert any(
        s.startswith("Emailed the record (version 1")
        and f"to {carol.get_full_name()} <{carol.email}>" in s
        for s in summaries
    )
    assert any(s.startswith("Emailed the outcome") and "rita@example.org" in s for s in summaries)
