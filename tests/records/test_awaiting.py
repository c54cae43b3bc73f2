"""Who is still to confirm each sent record, stored on the attendance row
(``convene.records.awaiting``, issue 15): marked when a version is sent, cleared by the
person's answer and by a newer version, and the same as the confirmation rule worked out
version by version, however the records went."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Q

from convene.policy.vocab import Decision, RecordSection
from convene.records import services
from convene.records.awaiting import store_awaiting
from convene.records.models import Attendance, Record
from tests.records.conftest import AFTER, entry_content, fill, save

pytestmark = pytest.mark.django_db


def _awaiting(record):
    """{(version number, person's first name): since} of the record's marked rows."""
    rows = Attendance.objects.filter(version__record=record, awaiting_since__isnull=False)
    return {
        (row.version.number, row.professional.first_name.lower()): row.awaiting_since
        for row in rows.select_related("version", "professional")
    }


def _by_the_rule():
    """Each attendance row's answer worked out in Python, version by version: the record's
    latest version, sent; the person attended, is neither chair nor authoriser, and has not
    answered it."""
    found = {}
    for record in Record.objects.select_related("discussion"):
        latest = record.versions.filter(number=record.latest_number).first()
        if latest is None or latest.distributed_at is None:
            continue
        answered = set(latest.confirmations.values_list("professional_id", flat=True))
        made_by = {record.discussion.chair_id, latest.authorised_by_id}
        for row in latest.attendance.filter(status="attended"):
            if row.professional_id not in made_by | answered:
                found[row.pk] = latest.distributed_at
    return found


def _stored():
    marked = Attendance.objects.filter(awaiting_since__isnull=False)
    return dict(marked.values_list("pk", "awaiting_since"))


def test_sent_marks_those_who_must_confirm_and_each_answer_or_a_new_version_clears(
    make_record, people
):
    record = make_record()  # alice, carol, dev and erin invited; bob chairs
    fill(record, people, Decision.S47_SINGLE_AGENCY)
    services.record_authorise(record=record, by=people["bob"], now=AFTER)
    assert _awaiting(record) == {}  # authorised, not yet sent
    services.record_distribute(record=record, by=people["bob"], now=AFTER)
    everyone = {"alice", "carol", "dev", "erin"}
    assert _awaiting(record) == {(1, name): AFTER for name in everyone}  # not bob, the chair

    later = AFTER + timedelta(hours=1)
    services.record_confirm(record=record, accurate=True, by=people["carol"], now=later)
    services.record_confirm(
        record=record, accurate=False, comment="Wrong reason", by=people["alice"], now=later
    )
    assert _awaiting(record) == {(1, "dev"): AFTER, (1, "erin"): AFTER}

    services.record_correction_start(record=record, note="Reason", by=people["bob"], now=later)
    intro = entry_content(record, RecordSection.INTRODUCTION)
    save(record, RecordSection.INTRODUCTION, {**intro, "reason": "Corrected"}, by=people["bob"])
    services.record_authorise(record=record, by=people["bob"], now=later)
    assert _awaiting(record) == {}  # version 1 is no longer the one asked; 2 is not sent
    sent_again = AFTER + timedelta(hours=2)
    services.record_distribute(record=record, by=people["bob"], now=sent_again)
    assert _awaiting(record) == {(2, name): sent_again for name in everyone}
    assert _stored() == _by_the_rule()


def test_an_authoriser_who_is_not_the_chair_is_not_asked(make_record, people):
    record = make_record(chair="dina", invitees=("alice", "bob", "carol", "dev"))
    fill(record, people, Decision.S47_SINGLE_AGENCY, by="dina")
    services.record_authorise(record=record, by=people["bob"], now=AFTER)
    services.record_distribute(record=record, by=people["dina"], now=AFTER)
    assert _awaiting(record) == {(1, name): AFTER for name in ("alice", "carol", "dev")}
    assert _stored() == _by_the_rule()


@pytest.mark.parametrize("history", [0, 1])
def test_the_stored_answers_are_the_rules_and_rebuilt_the_same(history):
    call_command("demo", children=20, history=history)
    stored = _stored()
    assert stored == _by_the_rule()
    assert stored or history == 0
    assert store_awaiting(Q()) == 0  # nothing changed, nothing written
    Attendance.objects.update(awaiting_since=None)
    assert store_awaiting(Q()) == len(stored)  # as the migration fills them
    assert _stored() == stored
