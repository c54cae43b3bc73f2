"""The record's API router: read the record, its versions, a PDF, the decision; 404 otherwise."""

from __future__ import annotations

import hashlib

import pytest
from ninja.testing import TestClient

from convene.policy.vocab import Decision
from convene.records import services
from convene.records.api import router
from tests.records.conftest import AFTER, fill

pytestmark = pytest.mark.django_db

api = TestClient(router)


@pytest.fixture
def record(make_record, people):
    record = make_record()
    fill(record, people, Decision.SINGLE_ASSESSMENT)
    return record


def test_social_care_reads_the_draft_sections_and_what_is_missing(record, people):
    response = api.get(f"/{record.discussion_id}", user=people["alice"])
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "held"
    assert body["draft_open"] is True
    assert {s["section"] for s in body["sections"]} >= {"attendance", "decision", "actions"}
    assert body["missing"] == []
    decision = api.get(f"/{record.discussion_id}/decision", user=people["ivy"]).json()
    assert decision == {
        "version": None,
        "decision": "single_assessment",
        "decision_label": "Single assessment, then reconvene",
        "reasons": "Threshold met",
        "reconvene_on": "2026-04-01",
        "draft": True,
    }


def test_versions_metadata_snapshot_and_pdf(record, people):
    version = services.record_authorise(record=record, by=people["bob"], now=AFTER)
    listed = api.get(f"/{record.discussion_id}/versions", user=people["bob"]).json()
    assert [v["number"] for v in listed] == [1]
    assert listed[0]["pdf_sha256"] == version.pdf_sha256
    assert listed[0]["authorised_by"] == "Bob Bennett"
    detail = api.get(f"/{record.discussion_id}/versions/1", user=people["bob"]).json()
    assert detail["snapshot"]["decision"] == "single_assessment"
    pdf = api.get(f"/{record.discussion_id}/versions/1/pdf", user=people["bob"])
    assert pdf.status_code == 200
    assert hashlib.sha256(pdf.content).hexdigest() == version.pdf_sha256
    assert api.get(f"/{record.discussion_id}/versions/2", user=people["bob"]).status_code == 404


def test_a_partner_reads_only_what_was_distributed_to_them(record, people):
    services.record_authorise(record=record, by=people["bob"], now=AFTER)
    assert api.get(f"/{record.discussion_id}", user=people["carol"]).status_code == 404
    services.record_distribute(record=record, by=people["bob"], now=AFTER)
    body = api.get(f"/{record.discussion_id}", user=people["carol"]).json()
    assert body["sections"] == []  # partners read versions, not the draft
    assert [
        v["number"]
        for v in api.get(f"/{record.discussion_id}/versions", user=people["carol"]).json()
    ] == [1]
    decision = api.get(f"/{record.discussion_id}/decision", user=people["carol"]).json()
    assert decision["version"] == 1
    assert decision["draft"] is False


@pytest.mark.parametrize("who", ["ursula", "nick", "priya"])
def test_anyone_else_gets_404(record, people, who):
    for path in ("", "/versions", "/decision", "/versions/1", "/versions/1/pdf"):
        assert api.get(f"/{record.discussion_id}{path}", user=people[who]).status_code == 404


def test_unknown_record_and_no_user(record, people):
    assert api.get("/999999", user=people["bob"]).status_code == 404
    assert api.get(f"/{record.discussion_id}").status_code == 401
