"""Writing the record through the API (R001.5, R002.8, R002.9): the pages' checks and services.

Each write is refused as its page refuses it: 404 for a record the caller may not see,
403 for one they see but may not change, the service's status and message otherwise,
and nothing written when refused.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from convene.audit.models import AuditEntry
from convene.policy.vocab import Decision, RecordSection
from convene.records import sections
from convene.records.models import Confirmation, RecordVersion
from tests.api.conftest import bearer
from tests.convening import NOW, accepted_referral, scheduled_discussion
from tests.records.conftest import complete_content, entry_version

pytestmark = pytest.mark.django_db


def _post(client, tokens, who, url, body=None):
    return client.post(
        f"/api/records/{url}",
        body or {},
        content_type="application/json",
        headers=bearer(tokens[who]),
    )


def _put_section(client, tokens, who, record, section, content, version):
    return client.put(
        f"/api/records/{record.discussion_id}/sections/{section.value}",
        {"content": content, "expected_version": version},
        content_type="application/json",
        headers=bearer(tokens[who]),
    )


def test_a_whole_record_written_authorised_sent_and_confirmed(client, tokens, make_record, people):
    record = make_record()
    pk = record.discussion_id
    for part in sorted(sections.PARTS, key=lambda p: p.section != RecordSection.ATTENDANCE):
        content = complete_content(part.section, record, people, Decision.SINGLE_ASSESSMENT)
        saved = _put_section(
            client,
            tokens,
            "bob",
            record,
            part.section,
            content,
            entry_version(record, part.section),
        )
        assert saved.status_code == 200, saved.json()
    authorised = _post(client, tokens, "bob", f"{pk}/authorise")
    assert authorised.status_code == 200, authorised.json()
    assert authorised.json()["latest_version"] == 1
    assert authorised.json()["draft_open"] is False
    sent = _post(client, tokens, "bob", f"{pk}/distribute", {"agency_ids": []})
    assert sent.status_code == 200, sent.json()
    assert sent.json()["distributed"] is True
    confirmed = _post(client, tokens, "carol", f"{pk}/confirm", {"accurate": True})
    assert confirmed.status_code == 201, confirmed.json()
    assert confirmed.json()["response"] == "accurate"
    asked = _post(client, tokens, "alice", f"{pk}/confirm", {"accurate": False})
    assert asked.status_code == 400
    assert asked.json() == {"detail": "Enter what needs correcting", "field": "comment"}
    asked = _post(
        client, tokens, "alice", f"{pk}/confirm", {"accurate": False, "comment": "Wrong school"}
    )
    assert asked.status_code == 201
    # Partners may not reopen it; the chair may.
    assert _post(client, tokens, "carol", f"{pk}/correction", {"note": "x"}).status_code == 404
    reopened = _post(client, tokens, "bob", f"{pk}/correction", {"note": "The school"})
    assert reopened.status_code == 200, reopened.json()
    assert reopened.json()["draft_open"] is True
    assert AuditEntry.objects.filter(summary__contains="Asked for a correction").exists()


def test_refusals_write_nothing(client, tokens, make_record, people):
    record = make_record()
    pk = record.discussion_id
    incomplete = _post(client, tokens, "bob", f"{pk}/authorise")
    assert incomplete.status_code == 400
    assert incomplete.json()["detail"].startswith("The record cannot be authorised until")
    assert not RecordVersion.objects.exists()
    # An auditor sees the draft but never writes; alice may not authorise (not a manager).
    assert _post(client, tokens, "ivy", f"{pk}/authorise").status_code == 403
    assert _post(client, tokens, "alice", f"{pk}/authorise").status_code == 403
    # Another partnership's social worker, and a partner: the draft is not theirs to see.
    assert _post(client, tokens, "nick", f"{pk}/authorise").status_code == 404
    assert _post(client, tokens, "carol", f"{pk}/submit").status_code == 404
    assert _post(client, tokens, "carol", f"{pk}/confirm", {"accurate": True}).status_code == 404
    assert not Confirmation.objects.exists()
    # A section saved from a stale version: 409, nothing saved.
    content = complete_content(RecordSection.DECISION, record, people, Decision.NO_FURTHER_ACTION)
    first = _put_section(client, tokens, "bob", record, RecordSection.DECISION, content, 0)
    assert first.status_code == 200
    stale = _put_section(client, tokens, "bob", record, RecordSection.DECISION, content, 0)
    assert stale.status_code == 409
    bad = _put_section(client, tokens, "bob", record, RecordSection.DECISION, {"decision": 7}, 1)
    assert bad.status_code == 400
    assert entry_version(record, RecordSection.DECISION) == 1


def test_marking_held_by_the_chair_only(client, tokens, people, partnership, agencies):
    referral = accepted_referral(people=people, partnership=partnership, agencies=agencies)
    discussion = scheduled_discussion(
        referral=referral, people=people, starts_in=timedelta(hours=1), allow_missing_required=True
    )
    held_at = (NOW + timedelta(hours=2)).isoformat()
    url = f"{discussion.pk}/hold"
    partner = _post(client, tokens, "carol", url, {"held_at": held_at})
    assert partner.status_code in (403, 404)
    assert _post(client, tokens, "nick", url, {"held_at": held_at}).status_code == 404
    held = _post(client, tokens, "bob", url, {"held_at": held_at})
    assert held.status_code == 201, held.json()
    assert held.json()["state"] == "held"
    assert _post(client, tokens, "bob", url, {"held_at": held_at}).status_code == 409
