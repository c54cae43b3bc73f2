"""A client generated from the published OpenAPI schema (openapi-python-client) runs one whole
case against a live server: referral → triage → discussion → record → authorise → distribute
→ confirm → S47 → ICPC. What a council's case system would do, with nothing hand-written."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine

from convene.api.api import api
from convene.api.services import api_token_create
from convene.people.factories import ChildFactory
from convene.policy.vocab import Decision, RecordSection
from convene.records import sections
from convene.records.models import Record
from convene.workdays import LONDON
from tests.records.conftest import complete_content, entry_version

pytestmark = pytest.mark.django_db(transaction=True)

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
# A Monday; the conference a week later. Far enough ahead that no bank holiday moves them.
START = datetime(2027, 1, 11, 9, 0, tzinfo=LONDON)
CONFERENCE = datetime(2027, 1, 18, 10, 0, tzinfo=LONDON)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Any:
    """The client package, generated into a temporary directory and imported."""
    where = tmp_path_factory.mktemp("client")
    (where / "openapi.json").write_text(json.dumps(api.get_openapi_schema(path_params={})))
    (where / "config.yaml").write_text("post_hooks: []\npackage_name_override: convene_client\n")
    subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            "openapi.json",
            "--config",
            "config.yaml",
            "--meta",
            "none",
            "--output-path",
            "convene_client",
        ],
        cwd=where,
        check=True,
        capture_output=True,
        timeout=120,
    )
    sys.path.insert(0, str(where))
    try:
        yield importlib.import_module("convene_client")
    finally:
        sys.path.remove(str(where))


def _call(generated: Any, module: str, who: Any, *args: Any, body: dict | None = None) -> Any:
    """One operation, by its generated module ("records.record_hold"), as ``who``."""
    operation = importlib.import_module(f"convene_client.api.{module}")
    kwargs: dict[str, Any] = {"client": who}
    if body is not None:
        model = operation.sync_detailed.__annotations__["body"]
        if isinstance(model, str):
            model = getattr(importlib.import_module("convene_client.models"), model)
        kwargs["body"] = model.from_dict(body)
    response = operation.sync_detailed(*args, **kwargs)
    assert 200 <= response.status_code < 300, (module, response.status_code, response.content)
    return json.loads(response.content) if response.content else None


def test_one_whole_case_through_the_generated_client(
    generated, live_server, people, partnership, agencies
):
    def as_(username: str) -> Any:
        token = api_token_create(user=people[username], name="case system")[1]
        return generated.AuthenticatedClient(base_url=live_server.url, token=token)

    with time_machine.travel(START, tick=True):
        tom, bob, alice, carol, hana = (as_(u) for u in ("tom", "bob", "alice", "carol", "hana"))
        child = ChildFactory(partnership=partnership, setting=agencies["primary"])
        referral = _call(
            generated,
            "referrals.convene_referrals_api_create_referral",
            tom,
            body={
                "received_at": (START - timedelta(hours=1)).isoformat(),
                "how_received": "email",
                "referrer": {
                    "name": "Erin Evans",
                    "agency_id": agencies["primary"].pk,
                    "email": "erin@example.org",
                },
                "account": "A burn on the arm; said mum did it.",
                "categories": ["physical"],
                "facts": {"significant_harm_suspected": True},
                "child_ids": [child.pk],
            },
        )
        _call(
            generated,
            "referrals.convene_referrals_api_accept",
            bob,
            referral["id"],
            body={"expected_version": referral["version"]},
        )
        discussion = _call(
            generated,
            "discussions.convene_discussions_api_create_discussion",
            bob,
            body={
                "referral_id": referral["id"],
                "kind": "strategy_discussion",
                "child_ids": [child.pk],
                "chair_id": people["bob"].pk,
                "invitee_ids": [people[u].pk for u in ("alice", "carol", "dev", "erin")],
                "starts_at": (START + timedelta(hours=1)).isoformat(),
                "ends_at": (START + timedelta(hours=2)).isoformat(),
                "venue": "Riverside House",
                "allow_missing_required": True,
            },
        )
        pk = discussion["id"]
    with time_machine.travel(START + timedelta(hours=3), tick=True):
        held_at = (START + timedelta(hours=1)).isoformat()
        _call(generated, "records.record_hold", bob, pk, body={"held_at": held_at})
        record = Record.objects.get(discussion_id=pk)
        for part in sorted(sections.PARTS, key=lambda p: p.section != RecordSection.ATTENDANCE):
            content = complete_content(part.section, record, people, Decision.S47_JOINT)
            version = entry_version(record, part.section)
            body = {"content": content, "expected_version": version}
            _call(generated, "records.record_section_save", bob, pk, part.section.value, body=body)
        _call(generated, "records.record_authorise", bob, pk)
        sent = _call(generated, "records.record_distribute", bob, pk, body={"agency_ids": []})
        assert sent["distributed"] is True
        _call(generated, "records.record_confirm", carol, pk, body={"accurate": True})
        started = _call(generated, "follow_through.s47_start", alice, pk)
        (enquiry_id,) = started["enquiry_ids"]
        visit = {
            "visited_at": (START + timedelta(hours=2)).isoformat(),
            "visitor_ids": [people["alice"].pk, people["carol"].pk],
            "seen_alone": True,
        }
        _call(generated, "follow_through.s47_visit", alice, enquiry_id, body=visit)
        outcome = {"outcome": "significant_harm", "reasons": "Assessed with the school"}
        done = _call(generated, "follow_through.s47_outcome", alice, enquiry_id, body=outcome)
        icpc_id = done["icpc_id"]
        _call(generated, "follow_through.icpc_confirm", hana, icpc_id, body={"note": "Agreed"})
        date = {"conference_at": CONFERENCE.isoformat(), "venue": "Riverside House"}
        _call(generated, "follow_through.icpc_set_date", alice, icpc_id, body=date)
    with time_machine.travel(CONFERENCE + timedelta(hours=2), tick=True):
        body = {"held_at": CONFERENCE.isoformat()}
        held = _call(generated, "follow_through.icpc_held", alice, icpc_id, body=body)
        assert held["state"] == "held"
        plans = {"plans": [{"enquiry_id": enquiry_id, "cp_plan": True}]}
        decided = _call(generated, "follow_through.icpc_outcome", alice, icpc_id, body=plans)
        assert decided["outcomes"] == plans["plans"]
        read = _call(generated, "follow_through.icpc_read", bob, icpc_id)
        assert read["enquiry_ids"] == [enquiry_id]
