"""The follow-through's writes through the API: S47 (R003.8, R003.9), the ICPC (R001.14,
R002.12), HRPMs, review and reconvened discussions; the pages' checks and services."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from convene.audit.models import AuditEntry
from convene.followup.models import Hrpm, Icpc, S47Enquiry
from tests.api.conftest import bearer
from tests.api.conftest import tokens as tokens
from tests.followup.conftest import HELD_AT, london

pytestmark = pytest.mark.django_db


def _post(client, tokens, who, url, body=None):
    return client.post(
        f"/api/followup/{url}",
        body or {},
        content_type="application/json",
        headers=bearer(tokens[who]),
    )


def test_s47_to_a_held_icpc(client, tokens, s47_decision, people):
    version = s47_decision(legal_status="child_in_need")
    pk = version.record.discussion_id
    with time_machine.travel(HELD_AT + timedelta(hours=2), tick=False):
        # Started with the authorisation (issue 18): the start answers with the enquiry,
        # again and again (idempotent), to whoever may see it.
        started = _post(client, tokens, "alice", f"discussions/{pk}/s47")
        assert started.status_code == 200, started.json()
        (enquiry_id,) = started.json()["enquiry_ids"]
        again = _post(client, tokens, "alice", f"discussions/{pk}/s47")
        assert again.json()["enquiry_ids"] == [enquiry_id]
        assert enquiry_id == S47Enquiry.objects.get(record_version=version).pk
        visit = {
            "visited_at": (HELD_AT + timedelta(hours=1)).isoformat(),
            "visitor_ids": [people["alice"].pk, people["carol"].pk],
            "seen_alone": True,
        }
        assert _post(client, tokens, "carol", f"s47/{enquiry_id}/visit", visit).status_code == 403
        unknown = {**visit, "visitor_ids": [people["nick"].pk]}
        refused = _post(client, tokens, "alice", f"s47/{enquiry_id}/visit", unknown)
        assert refused.status_code == 400
        assert "Nick" not in refused.content.decode()
        visited = _post(client, tokens, "alice", f"s47/{enquiry_id}/visit", visit)
        assert visited.status_code == 200, visited.json()
        assert visited.json()["state"] == "visited"
    with time_machine.travel(HELD_AT + timedelta(days=1), tick=False):
        outcome = {"outcome": "significant_harm", "reasons": "Assessed with the school"}
        done = _post(client, tokens, "alice", f"s47/{enquiry_id}/outcome", outcome)
        assert done.status_code == 200, done.json()
        icpc_id = done.json()["icpc_id"]
        assert icpc_id == S47Enquiry.objects.get().icpc_id
        assert _post(client, tokens, "alice", f"icpc/{icpc_id}/confirm").status_code == 403
        confirmed = _post(client, tokens, "hana", f"icpc/{icpc_id}/confirm", {"note": "Agreed"})
        assert confirmed.status_code == 200, confirmed.json()
        assert confirmed.json()["state"] == "confirmed"
        date_set = _post(
            client,
            tokens,
            "alice",
            f"icpc/{icpc_id}/date",
            {"conference_at": london(2026, 3, 12, 10, 0).isoformat(), "venue": "Riverside House"},
        )
        assert date_set.status_code == 200, date_set.json()
    with time_machine.travel(london(2026, 3, 12, 12, 0), tick=False):
        too_soon = {"held_at": london(2026, 3, 12, 13, 0).isoformat()}
        assert _post(client, tokens, "alice", f"icpc/{icpc_id}/held", too_soon).status_code == 400
        held = {"held_at": london(2026, 3, 12, 10, 0).isoformat()}
        assert _post(client, tokens, "carol", f"icpc/{icpc_id}/held", held).status_code in (
            403,
            404,
        )
        recorded = _post(client, tokens, "alice", f"icpc/{icpc_id}/held", held)
        assert recorded.status_code == 200, recorded.json()
        assert recorded.json()["held_at"] is not None
        read = client.get(f"/api/followup/icpc/{icpc_id}", headers=bearer(tokens["bob"]))
        assert read.json()["state"] == Icpc.objects.get().state == "held"
    assert AuditEntry.objects.filter(summary__startswith="Viewed initial child protection").exists()


def test_an_hrpm_started_met_and_planned(client, tokens, child_in_care, people, agencies):
    start = {"child_id": child_in_care.pk, "risk_assessment": "CCE", "young_persons_view": "Fine"}
    with time_machine.travel(london(2026, 1, 5, 9, 0), tick=False):
        assert _post(client, tokens, "carol", "hrpm", start).status_code in (400, 403)
        assert _post(client, tokens, "nick", "hrpm", start).status_code == 400
        assert not Hrpm.objects.exists()
        started = _post(client, tokens, "alice", "hrpm", start)
        assert started.status_code == 201, started.json()
        hrpm_id = started.json()["id"]
    meeting = {
        "held_at": london(2026, 1, 31, 10, 0).isoformat(),
        "attendee_ids": [people["alice"].pk, people["carol"].pk],
        "young_person_attended": True,
        "young_persons_view": "I am fine",
        "risk_assessment": "High",
        "safety_plan": "Curfew",
        "next_meeting_on": "2026-02-27",
    }
    with time_machine.travel(london(2026, 1, 31, 12, 0), tick=False):
        recorded = _post(client, tokens, "alice", f"hrpm/{hrpm_id}/meetings", meeting)
        assert recorded.status_code == 201, recorded.json()
        number = recorded.json()["number"]
        action = {
            "owner_kind": "agency",
            "owner_id": agencies["police"].pk,
            "what": "Disruption visit",
            "due_on": str(date(2026, 2, 6)),
        }
        url = f"hrpm/{hrpm_id}/meetings/{number}/actions"
        assert _post(client, tokens, "ivy", url, action).status_code == 403
        added = _post(client, tokens, "alice", url, action)
        assert added.status_code == 201, added.json()
        assert added.json()["owner"] == agencies["police"].name
        assert _post(client, tokens, "alice", url, {**action, "owner_kind": "x"}).status_code == 400
    assert _post(client, tokens, "nick", f"hrpm/{hrpm_id}/meetings", meeting).status_code == 404


def test_review_and_reconvene_are_for_managers(client, tokens, s47_decision, people):
    version = s47_decision()
    pk = version.record.discussion_id
    review = {"new_information": "A new injury", "effect_on_plan": "The plan changes"}
    assert _post(client, tokens, "alice", f"discussions/{pk}/review", review).status_code == 403
    assert _post(client, tokens, "nick", f"discussions/{pk}/review", review).status_code == 404
    made = _post(client, tokens, "bob", f"discussions/{pk}/review", review)
    assert made.status_code == 201, made.json()
    assert made.json()["discussion_id"] != pk
    # The decision was a S47, not a single assessment: nothing to reconvene.
    refused = _post(client, tokens, "bob", f"discussions/{pk}/reconvene")
    assert refused.status_code in (400, 409)
