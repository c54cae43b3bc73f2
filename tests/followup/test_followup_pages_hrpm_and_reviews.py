"""HRPM and review-request pages: positive paths, wrong people, errors shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from convene.followup.hrpm.services import hrpm_create
from convene.followup.models import Hrpm, HrpmAction, ReviewRequest
from tests.followup.conftest import HELD_AT, london

pytestmark = pytest.mark.django_db

NOW = london(2026, 1, 31, 12, 0)


def test_hrpm_pages_create_meet_add_action_and_end(client, child_in_care, people, agencies):
    client.force_login(people["alice"])
    with time_machine.travel(NOW, tick=False):
        url = reverse("followup:hrpm-new", args=[child_in_care.pk])
        refused = client.post(url, {"risk_assessment": "CCE"})
        assert "Error: Start a High Risk Planning Meeting" in refused.content.decode()
        assert "young person&#x27;s own view" in refused.content.decode()
        created = client.post(url, {"risk_assessment": "CCE", "young_persons_view": "Fine"})
        hrpm = Hrpm.objects.get()
        assert created.url == reverse("followup:hrpm", args=[hrpm.pk])
        meeting_url = reverse("followup:hrpm-meeting", args=[hrpm.pk])
        form = {
            "version": hrpm.version,
            "held_on-day": 31,
            "held_on-month": 1,
            "held_on-year": 2026,
            "held_time": "10:00",
            "attendees": [people["alice"].pk, people["carol"].pk],
            "young_person_attended": "yes",
            "young_persons_view": "I want to see my friends",
            "risk_assessment": "High",
            "safety_plan": "Curfew",
            "next_meeting_on-day": 3,
            "next_meeting_on-month": 3,
            "next_meeting_on-year": 2026,
        }
        late = client.post(meeting_url, form)
        assert "plan the next meeting by Saturday 28 February 2026" in late.content.decode()
        met = client.post(
            meeting_url, {**form, "next_meeting_on-day": 27, "next_meeting_on-month": 2}
        )
        assert met.status_code == 302
        add = reverse("followup:hrpm-action-add", args=[hrpm.pk, 1])
        client.post(
            add,
            {
                "owner": f"agency:{agencies['police'].pk}",
                "what": "Disruption visit",
                "due_on-day": 6,
                "due_on-month": 2,
                "due_on-year": 2026,
            },
        )
        action = HrpmAction.objects.get()
        page = client.get(reverse("followup:hrpm", args=[hrpm.pk])).content.decode()
        assert "Disruption visit" in page
        assert "Saturday 28 February 2026 at 10:00" in page
        # The police see the safety-plan action in My actions, and update it.
        client.force_login(people["carol"])
        mine = client.get(reverse("followup:my-actions")).content.decode()
        assert reverse("followup:hrpm-action", args=[action.pk]) in mine
        client.post(
            reverse("followup:hrpm-action", args=[action.pk]),
            {"version": 0, "status": "done", "note": "Visited the address"},
        )
        client.force_login(people["alice"])
        ended = client.post(reverse("followup:hrpm-end", args=[hrpm.pk]), {"reason": ""})
        assert "Enter why the HRPM is no longer needed" in ended.content.decode()
        client.post(reverse("followup:hrpm-end", args=[hrpm.pk]), {"reason": "Moved"})
        assert client.get(reverse("followup:hrpm-list")).status_code == 200
    action.refresh_from_db()
    assert action.status == "done"
    hrpm.refresh_from_db()
    assert hrpm.state == "ended"


def test_hrpm_pages_refuse_the_wrong_people(client, child_in_care, people):
    hrpm = hrpm_create(
        child=child_in_care,
        risk_assessment="CCE",
        young_persons_view="Fine",
        by=people["alice"],
        now=NOW,
    )
    with time_machine.travel(NOW, tick=False):
        client.force_login(people["carol"])  # not invited, not an attendee
        assert client.get(reverse("followup:hrpm", args=[hrpm.pk])).status_code == 404
        assert client.get(reverse("followup:hrpm-list")).status_code == 403
        client.force_login(people["ivy"])
        assert client.get(reverse("followup:hrpm", args=[hrpm.pk])).status_code == 200
        assert client.get(reverse("followup:hrpm-meeting", args=[hrpm.pk])).status_code == 403
        client.force_login(people["nick"])
        assert client.get(reverse("followup:hrpm", args=[hrpm.pk])).status_code == 404
        assert client.get(reverse("followup:hrpm-new", args=[child_in_care.pk])).status_code == 404


def test_review_request_page_refuses_without_new_information(client, make_record, people):
    record = make_record(legal_status="child_protection_plan")
    url = reverse("followup:review", args=[record.discussion_id])
    later = HELD_AT + timedelta(days=7)
    with time_machine.travel(later, tick=False):
        client.force_login(people["alice"])
        assert client.get(url).status_code == 403
        client.force_login(people["nick"])
        assert client.get(url).status_code == 404
        client.force_login(people["bob"])
        page = client.get(url).content.decode()
        assert "the child protection core group meeting" in page
        refused = client.post(url, {"new_information": "", "immediate_risk": "no"})
        html = refused.content.decode()
        assert "Error: Ask for a review strategy discussion" in html
        assert "progress on the agreed actions is tracked at the child protection core group" in (
            html
        )
        assert not ReviewRequest.objects.exists()
        made = client.post(
            url,
            {
                "new_information": "Father returned home",
                "effect_on_plan": "The plan relied on him living elsewhere",
                "immediate_risk": "no",
            },
        )
    request = ReviewRequest.objects.get()
    assert made.url == reverse("discussions:detail", args=[request.review_id])
