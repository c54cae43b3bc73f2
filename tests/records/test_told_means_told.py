"""Told means told (R002.9): the "outcome notified" clock is met only when the referrer and the
absent agencies were actually told: their email left, or someone recorded how, when and by whom
they were told. The chair can add relevant agencies that were not invited."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from convene.audit.models import AuditEntry
from convene.clocks.models import Clock
from convene.core.errors import Conflict, Invalid, NotAllowed
from convene.policy.vocab import Decision
from convene.records import services
from convene.records.models import DistributionLog
from convene.records.told import (
    distribution_agency_options,
    outcome_told_record,
    outcome_untold,
)
from convene.reminders.models import Delivery
from convene.reminders.services import deliveries_send
from tests.records.conftest import except_missing, fill

pytestmark = pytest.mark.django_db


class Down:
    def send_messages(self, messages):
        raise OSError("mail server down")


def _outcome_clock(record) -> Clock:
    return Clock.objects.get(subject_id=record.discussion_id, kind="outcome_notified")


def _authorised(make_record, people, **kwargs):
    record = make_record(**kwargs)
    fill(record, people, Decision.CHILD_IN_NEED)
    except_missing(record, people, now=record.held_at)  # health was not invited (R002.4)
    services.record_authorise(record=record, by=people["bob"], now=record.held_at)
    return record


def _no_referrer_address(record) -> None:
    referral = record.discussion.referral
    referral.referrer_email = ""
    referral.save(update_fields=["referrer_email"])
    if referral.referrer_agency is not None:
        referral.referrer_agency.email = ""
        referral.referrer_agency.save(update_fields=["email"])


def _referrer_log(record) -> DistributionLog:
    return DistributionLog.objects.get(
        version__record=record, kind="outcome", professional__isnull=True, agency__isnull=True
    )


def test_R002_9_nothing_sent_to_a_referrer_without_an_address_leaves_the_clock_pending(
    make_record, people
):
    record = _authorised(make_record, people, invitees=("alice", "carol"))
    _no_referrer_address(record)
    services.record_distribute(record=record, by=people["bob"], now=record.held_at)
    deliveries_send(now=timezone.now())
    assert _referrer_log(record).outcome == DistributionLog.Outcome.NO_ADDRESS
    assert _outcome_clock(record).state == Clock.State.PENDING
    assert list(outcome_untold(discussion=record.discussion)) == [_referrer_log(record)]
    # The record itself went: its own clock is met.
    record_clock = Clock.objects.get(subject_id=record.discussion_id, kind="record_distributed")
    assert record_clock.state == Clock.State.MET


def test_R002_9_the_clock_is_met_when_the_last_notice_actually_went(make_record, people):
    record = _authorised(make_record, people, invitees=("alice", "carol"))
    services.record_distribute(record=record, by=people["bob"], now=record.held_at)
    assert _outcome_clock(record).state == Clock.State.PENDING  # decided, not yet gone
    sent_at = record.held_at + timedelta(hours=2)
    with time_machine.travel(sent_at, tick=False):
        deliveries_send(now=sent_at)
    clock = _outcome_clock(record)
    assert (clock.state, clock.met_at) == (Clock.State.MET, sent_at)
    assert _referrer_log(record).outcome == DistributionLog.Outcome.SENT


def test_R002_9_a_notice_that_failed_leaves_the_clock_pending_until_told(
    make_record, people, settings
):
    settings.CONVENE_DELIVERY_MAX_ATTEMPTS = 1
    record = _authorised(make_record, people, invitees=("alice", "carol"))
    services.record_distribute(record=record, by=people["bob"], now=record.held_at)
    deliveries_send(now=timezone.now(), connection=Down())
    log = _referrer_log(record)
    assert log.outcome == DistributionLog.Outcome.FAILED
    assert _outcome_clock(record).state == Clock.State.PENDING
    told_at = timezone.now() - timedelta(minutes=5)
    outcome_told_record(
        log=log,
        how=DistributionLog.ToldHow.PHONE,
        told_at=told_at,
        told_by="Bob Bennett",
        by=people["bob"],
        now=timezone.now(),
    )
    clock = _outcome_clock(record)
    assert (clock.state, clock.met_at) == (Clock.State.MET, told_at)
    # The failed email is withdrawn: it is not on "Failed emails" and never goes now.
    delivery = Delivery.objects.get(source_id=log.pk, kind="distribution.outcome")
    assert delivery.state == Delivery.State.WITHDRAWN


def test_R002_9_recording_how_they_were_told_says_how_when_and_by_whom(make_record, people):
    record = _authorised(make_record, people, invitees=("alice", "carol"))
    _no_referrer_address(record)
    services.record_distribute(record=record, by=people["bob"], now=record.held_at)
    told_at = record.held_at + timedelta(hours=3)
    log = outcome_told_record(
        log=_referrer_log(record),
        how=DistributionLog.ToldHow.SECURE_EMAIL,
        told_at=told_at,
        told_by="Amira Khan, duty social worker",
        by=people["bob"],
        now=timezone.now(),
    )
    assert (log.outcome, log.told_how, log.told_at, log.told_by, log.told_recorded_by) == (
        "told",
        "secure_email",
        told_at,
        "Amira Khan, duty social worker",
        people["bob"],
    )
    assert _outcome_clock(record).met_at == told_at
    assert AuditEntry.objects.filter(
        summary__startswith="Recorded that Rita Referrer was told the outcome by secure email"
    ).exists()


@pytest.mark.parametrize(
    ("how", "when", "who", "field"),
    [
        ("", timedelta(hours=-1), "Bob", "how"),
        ("carrier pigeon", timedelta(hours=-1), "Bob", "how"),
        ("phone", timedelta(hours=1), "Bob", "told_at"),
        ("phone", timedelta(hours=-1), "   ", "told_by"),
    ],
)
def test_R002_9_told_needs_how_a_past_time_and_who(make_record, people, how, when, who, field):
    record = _authorised(make_record, people, invitees=("alice", "carol"))
    _no_referrer_address(record)
    services.record_distribute(record=record, by=people["bob"], now=record.held_at)
    now = timezone.now()
    with pytest.raises(Invalid) as error:
        outcome_told_record(
            log=_referrer_log(record),
            how=how,
            told_at=now + when,
            told_by=who,
            by=people["bob"],
            now=now,
        )
    assert error.value.field == field
    assert _referrer_log(record).outcome == DistributionLog.Outcome.NO_ADDRESS
    assert _outcome_clock(record).state == Clock.State.PENDING


def test_R002_9_only_the_chair_records_it_and_only_once(make_record, people):
    record = _authorised(make_record, people, invitees=("alice", "carol"))
    _no_referrer_address(record)
    services.record_distribute(record=record, by=people["bob"], now=record.held_at)
    now = timezone.now()
    told = {"how": "phone", "told_at": now - timedelta(hours=1), "told_by": "Bob", "now": now}
    with pytest.raises(NotAllowed):
        outcome_told_record(log=_referrer_log(record), by=people["carol"], **told)
    outcome_told_record(log=_referrer_log(record), by=people["bob"], **told)
    with pytest.raises(Conflict):
        outcome_told_record(log=_referrer_log(record), by=people["bob"], **told)


def test_R002_9_the_chair_adds_relevant_agencies_that_were_not_invited(
    make_record, people, mailoutbox
):
    record = _authorised(make_record, people, invitees=("alice", "carol"))
    options = list(distribution_agency_options(discussion=record.discussion))
    invited = {people[name].agency_id for name in ("alice", "carol", "bob")}
    assert options
    assert not invited & {agency.pk for agency in options}
    added = next(agency for agency in options if agency.email)
    services.record_distribute(
        record=record, by=people["bob"], now=record.held_at, agencies=[added, added]
    )
    [log] = DistributionLog.objects.filter(agency=added)
    assert (log.kind, log.recipient, log.email) == ("outcome", added.name, added.email)
    deliveries_send(now=timezone.now())
    assert [m.to for m in mailoutbox if m.to == [added.email]] == [[added.email]]
    assert DistributionLog.objects.get(pk=log.pk).outcome == DistributionLog.Outcome.SENT


def test_R002_9_an_invited_agency_cannot_be_added_again_and_nothing_changes(make_record, people):
    record = _authorised(make_record, people, invitees=("alice", "carol"))
    with pytest.raises(Invalid) as error:
        services.record_distribute(
            record=record, by=people["bob"], now=record.held_at, agencies=[people["carol"].agency]
        )
    assert error.value.field == "agencies"
    assert not DistributionLog.objects.exists()
    record.discussion.refresh_from_db()
    assert record.discussion.state == "authorised"
