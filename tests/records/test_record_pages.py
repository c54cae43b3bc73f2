"""The record's pages: every page renders soundly (CheckedClient), who may see what, conflicts."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfReader

from convene.policy.vocab import Decision, RecordSection
from convene.records import sections, services
from convene.records.models import RecordSectionEntry
from tests.records.conftest import AFTER, NAME, entry_content, entry_version, fill

pytestmark = pytest.mark.django_db


def _url(name, record, *args):
    return reverse(f"records:{name}", args=[record.discussion_id, *args])


@pytest.fixture
def record(make_record):
    return make_record()


def test_task_list_shows_every_part_with_its_status(client, people, record):
    client.force_login(people["bob"])
    page = client.get(_url("task-list", record))
    assert page.status_code == 200
    html = page.content.decode()
    assert "govuk-task-list" in html
    assert "Attendance" in html
    assert "Cannot start yet" in html  # the plan waits for the decision
    assert "Not started" in html


def test_every_part_page_renders_and_saves(client, people, record):
    client.force_login(people["bob"])
    for part in sections.PARTS:
        page = client.get(_url("part", record, part.slug))
        assert page.status_code == 200, part.slug
        assert escape(part.title) in page.content.decode()


def test_saving_the_introduction_returns_to_the_task_list(client, people, record):
    client.force_login(people["bob"])
    response = client.post(
        _url("part", record, "introduction"),
        {"version": "0", "reason": "Bruising", "child_background": f"{NAME} is 7"},
    )
    assert response.status_code == 302
    assert entry_content(record, RecordSection.INTRODUCTION)["reason"] == "Bruising"
    page = client.get(_url("task-list", record))
    assert "Completed" in page.content.decode()


def test_attendance_page_records_each_invitee(client, people, record):
    client.force_login(people["bob"])
    rows = entry_content(record, RecordSection.ATTENDANCE)["rows"]
    data = {"version": str(entry_version(record, RecordSection.ATTENDANCE))}
    for row in rows:
        data[f"status_{row['professional_id']}"] = "attended"
    data["agency_information_confirmed"] = "on"
    assert client.post(_url("part", record, "attendance"), data).status_code == 302
    saved = entry_content(record, RecordSection.ATTENDANCE)
    assert {row["status"] for row in saved["rows"]} == {"attended"}
    assert saved["agency_information_confirmed"]
    # Now each attending agency has a place to record what it shared.
    page = client.get(_url("part", record, "information-shared")).content.decode()
    assert "Shire Constabulary: information shared" in page


def test_decision_single_assessment_needs_a_reconvene_date(client, people, record):
    client.force_login(people["bob"])
    page = client.post(
        _url("part", record, "decision"),
        {"version": "0", "decision": "single_assessment", "reasons": "More to learn"},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Enter the date to reconvene" in html
    assert "conditional-reconvene" in html
    response = client.post(
        _url("part", record, "decision"),
        {
            "version": "0",
            "decision": "single_assessment",
            "reasons": "More to learn",
            "reconvene_on-day": "1",
            "reconvene_on-month": "4",
            "reconvene_on-year": "2026",
        },
    )
    assert response.status_code == 302
    assert entry_content(record, RecordSection.DECISION)["reconvene_on"] == "2026-04-01"


def test_a_stale_save_shows_the_conflict_page_and_saves_nothing(client, people, record):
    client.force_login(people["dina"])
    services.record_section_save(
        record=record,
        section=RecordSection.INTRODUCTION,
        content={"reason": "Bob saved this"},
        expected_version=0,
        by=people["bob"],
        now=AFTER,
    )
    page = client.post(
        _url("part", record, "introduction"), {"version": "0", "reason": "Dina typed this"}
    )
    assert page.status_code == 409
    html = page.content.decode()
    assert "Your version" in html
    assert "Dina typed this" in html
    assert "Saved by Bob Bennett at 14:00" in html
    assert "Bob saved this" in html
    assert entry_content(record, RecordSection.INTRODUCTION)["reason"] == "Bob saved this"
    # Choosing "Replace it with your version" is an explicit, current save.
    response = client.post(
        _url("part", record, "introduction"),
        {"version": "1", "yours": '{"reason": "Dina typed this"}'},
    )
    assert response.status_code == 302
    assert entry_content(record, RecordSection.INTRODUCTION)["reason"] == "Dina typed this"


def test_actions_add_change_and_remove(client, people, record):
    client.force_login(people["bob"])
    assert client.get(_url("action-add", record)).status_code == 200
    data = {
        "version": "0",
        "owner": f"agency:{people['carol'].agency_id}",
        "what": "Check police records",
        "why": "History of the adults",
        "due_on-day": "6",
        "due_on-month": "3",
        "due_on-year": "2026",
    }
    assert client.post(_url("action-add", record), data).status_code == 302
    action = entry_content(record, RecordSection.ACTIONS)["actions"][0]
    assert action["owner_name"] == "Shire Constabulary"
    assert client.get(_url("action", record, action["key"])).status_code == 200
    changed = {**data, "version": "1", "what": "Check police and PNC records"}
    assert client.post(_url("action", record, action["key"]), changed).status_code == 302
    assert client.get(_url("action-remove", record, action["key"])).status_code == 200
    assert (
        client.post(_url("action-remove", record, action["key"]), {"version": "2"}).status_code
        == 302
    )
    assert entry_content(record, RecordSection.ACTIONS)["actions"] == []
    bad = client.post(_url("action-add", record), {"version": "3", "owner": "agency:999999"})
    assert bad.status_code == 200
    assert "Choose who will do it" in bad.content.decode()


def test_check_page_lists_what_is_missing_and_refuses(client, people, record):
    client.force_login(people["bob"])
    fill(record, people, Decision.S47_JOINT, skip=[RecordSection.S47_PLAN])
    page = client.get(_url("check", record))
    html = page.content.decode()
    assert "Section 47 plan and areas of risk" in html
    assert "qs2014.record.s47" in html
    refused = client.post(_url("check", record), {"action": "authorise"})
    assert refused.status_code == 400
    assert "The record cannot be authorised yet" in refused.content.decode()


def test_authorise_distribute_confirm_and_download(client, people, record):
    fill(record, people, Decision.S47_JOINT)
    client.force_login(people["bob"])
    response = client.post(_url("check", record), {"action": "authorise"})
    assert response.status_code == 302
    assert client.get(_url("distribute", record)).status_code == 200
    assert client.post(_url("distribute", record)).status_code == 302
    assert client.get(_url("confirmations", record)).status_code == 200
    assert client.get(_url("versions", record)).status_code == 200
    assert client.get(_url("version", record, 1)).status_code == 200
    assert client.get(_url("family-summary", record)).status_code == 200
    pdf = client.get(_url("version-pdf", record, 1))
    assert pdf["Content-Type"] == "application/pdf"
    assert NAME in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    # Carol (police) attended: she reads the distributed version and confirms it.
    client.force_login(people["carol"])
    assert client.get(_url("task-list", record)).status_code == 302
    assert client.get(_url("versions", record)).status_code == 200
    assert client.get(_url("confirm", record)).status_code == 200
    invalid = client.post(_url("confirm", record), {"accurate": "no"})
    assert "Enter what needs correcting" in invalid.content.decode()
    assert client.post(_url("confirm", record), {"accurate": "yes"}).status_code == 302
    assert client.get(_url("version-pdf", record, 1)).status_code == 200
    # The chair resolves nothing here, and can correct.
    client.force_login(people["bob"])
    assert client.get(_url("correct", record)).status_code == 200
    assert client.post(_url("correct", record), {"note": "Name spelt wrongly"}).status_code == 302


def test_correction_request_is_resolved_on_its_page(client, people, record):
    fill(record, people, Decision.CHILD_IN_NEED)
    services.record_authorise(record=record, by=people["bob"], now=AFTER)
    services.record_distribute(record=record, by=people["bob"], now=AFTER)
    asked = services.record_confirm(
        record=record, accurate=False, comment="Wrong school", by=people["erin"], now=AFTER
    )
    client.force_login(people["bob"])
    page = client.get(_url("confirmations", record)).content.decode()
    assert "Wrong school" in page
    assert client.get(_url("resolve", record, asked.pk)).status_code == 200
    response = client.post(_url("resolve", record, asked.pk), {"note": "It is right"})
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["ursula", "nick", "priya"])
def test_people_not_invited_and_outside_social_care_get_404(client, people, record, who):
    client.force_login(people[who])
    for name, args in [("task-list", ()), ("versions", ()), ("part", ("introduction",))]:
        assert client.get(_url(name, record, *args)).status_code == 404


def test_an_invited_partner_sees_nothing_before_distribution(client, people, record):
    client.force_login(people["carol"])
    assert client.get(_url("task-list", record)).status_code == 404
    assert client.get(_url("part", record, "introduction")).status_code == 404


def test_auditor_and_social_worker_read_but_cannot_change(client, people, record):
    for who in ("ivy", "alice"):
        client.force_login(people[who])
        assert client.get(_url("task-list", record)).status_code == 200
        assert client.get(_url("check", record)).status_code == 200
        assert client.get(_url("part", record, "introduction")).status_code == 403
        response = client.post(_url("part", record, "introduction"), {"version": "0"})
        assert response.status_code == 403
    assert not RecordSectionEntry.objects.filter(record=record, section="introduction").exists()


def test_mark_as_held_page(client, people, make_record):
    record = make_record()
    client.force_login(people["bob"])
    # Already held: the page goes to the record.
    assert client.get(reverse("records:hold", args=[record.discussion_id])).status_code == 302


def test_the_discussion_page_links_to_the_record(client, people, record):
    client.force_login(people["bob"])
    page = client.get(reverse("discussions:detail", args=[record.discussion_id])).content.decode()
    assert _url("task-list", record) in page
