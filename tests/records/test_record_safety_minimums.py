"""The procedures' safety minimums, enforced when the record is authorised (issue 11).

R002.4 the minimum attendance, or a manager's exception; R003.6 every attending
professional's answer to the key question; R002.3 a meeting, or why by phone;
R003.2 information shared without consent and why.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from pypdf import PdfReader

from convene.core.errors import Invalid, NotAllowed
from convene.policy.vocab import Decision, RecordSection
from convene.records import attendance_exceptions, sections, services
from convene.records.errors import RecordIncomplete
from convene.records.family import family_summary
from convene.records.models import AttendanceException, RecordEvent
from tests.records.conftest import AFTER, entry_content, fill, save

pytestmark = pytest.mark.django_db


def _url(name, record, *args):
    return reverse(f"records:{name}", args=[record.discussion_id, *args])


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _mark(record, people, **statuses):
    """Change the attendance of the named people (everyone else stays as filled)."""
    content = entry_content(record, RecordSection.ATTENDANCE)
    ids = {people[name].pk: status for name, status in statuses.items()}
    content["rows"] = [
        {**row, "status": ids.get(row["professional_id"], row["status"])} for row in content["rows"]
    ]
    save(record, RecordSection.ATTENDANCE, content, by=people["bob"])


def _titles(refused):
    return [m.title for m in refused.value.missing]


# --- R002.4: social care, the police and health, in all circumstances ----------------------


@pytest.fixture
def without_police_or_health(make_record, people):
    """A joint S47 record, complete, but the police and health recorded as absent."""
    record = make_record()
    fill(record, people, Decision.S47_JOINT)
    _mark(record, people, carol="apologies", dev="absent")
    return record


def test_R002_4_a_joint_s47_without_police_or_health_is_not_authorised(
    without_police_or_health, people
):
    record = without_police_or_health
    with pytest.raises(RecordIncomplete) as refused:
        services.record_authorise(record=record, by=people["bob"], now=AFTER)
    titles = _titles(refused)
    assert any(t.startswith("Attendance: Police did not attend") for t in titles)
    assert any(t.startswith("Attendance: Health did not attend") for t in titles)
    police = next(m for m in refused.value.missing if "Police" in m.title)
    assert "england.attendance.police" in police.rule_ids
    assert "R002.4" in police.citation
    assert not record.versions.exists()


def test_R002_4_social_care_is_part_of_the_minimum(make_record, people):
    record = make_record(invitees=("carol", "dev"), chair="bob")
    fill(record, people, Decision.NO_FURTHER_ACTION)
    _mark(record, people, bob="apologies")
    with pytest.raises(RecordIncomplete) as refused:
        services.record_authorise(record=record, by=people["bob"], now=AFTER)
    assert any("Children's social care did not attend" in t for t in _titles(refused))


def test_R002_4_a_managers_exception_is_recorded_frozen_and_reportable(
    without_police_or_health, people
):
    record = without_police_or_health
    for party, reason in (
        ("police", "Typed in haste"),  # replaced below: the latest stands, both are kept
        ("police", "DC Clarke called to an arrest; police checks read out by the chair"),
        ("health", "Named nurse off sick; the GP's report was shared in writing"),
    ):
        attendance_exceptions.attendance_exception_record(
            record=record, party=party, reason=reason, by=people["bob"], now=AFTER
        )
    version = services.record_authorise(record=record, by=people["bob"], now=AFTER)
    frozen = version.snapshot["attendance_exceptions"]
    assert [e["party"] for e in frozen] == ["police", "health"]
    assert frozen[0]["recorded_by"]["name"] == str(people["bob"])
    assert frozen[0]["reason"].startswith("DC Clarke called")
    text = _pdf_text(bytes(version.pdf))
    assert "Attendance exception: Police did not attend" in text
    assert "off sick" in text
    # Reportable: who, when and why, by party, across the partnership's records.
    reported = AttendanceException.objects.filter(
        party="police", record__discussion__partnership=record.discussion.partnership
    )
    assert [(e.recorded_by, e.recorded_at) for e in reported] == [(people["bob"], AFTER)] * 2
    assert RecordEvent.objects.filter(record=record, action="attendance_exception").count() == 3
    assert AttendanceException.objects.filter(record=record).count() == 3
    counts = attendance_exceptions.exception_counts(
        partnership_id=record.discussion.partnership_id,
        since=AFTER - timedelta(days=1),
        until=AFTER + timedelta(days=1),
    )
    assert counts == {"police": 1, "health": 1}


def test_R002_4_an_exception_needs_a_manager_a_reason_and_an_absent_party(
    without_police_or_health, people
):
    record = without_police_or_health
    record_it = attendance_exceptions.attendance_exception_record
    with pytest.raises(NotAllowed):
        record_it(record=record, party="police", reason="Busy", by=people["alice"], now=AFTER)
    with pytest.raises(Invalid) as blank:
        record_it(record=record, party="police", reason="  ", by=people["bob"], now=AFTER)
    assert blank.value.field == "reason"
    with pytest.raises(Invalid) as attended:
        record_it(record=record, party="social_care", reason="x", by=people["bob"], now=AFTER)
    assert attended.value.field == "party"
    with pytest.raises(Invalid):
        record_it(record=record, party="parents", reason="x", by=people["bob"], now=AFTER)
    assert not AttendanceException.objects.exists()


def test_R002_4_the_check_page_offers_the_exception_and_the_version_shows_it(
    client, without_police_or_health, people
):
    record = without_police_or_health
    client.force_login(people["bob"])
    page = client.get(_url("check", record)).content.decode()
    assert "Attendance: Police did not attend" in page
    assert _url("attendance-exception", record) in page
    form = client.get(_url("attendance-exception", record)).content.decode()
    assert "Who did not attend?" in form
    refused = client.post(_url("attendance-exception", record), {"party": "police"})
    assert refused.status_code == 400
    assert "Enter why the record can be authorised without them" in refused.content.decode()
    for party in ("police", "health"):
        response = client.post(
            _url("attendance-exception", record),
            {"party": party, "reason": f"No {party} officer free; checks shared in writing"},
        )
        assert response.status_code == 302
    response = client.post(_url("check", record), {"action": "authorise"})
    assert response.status_code == 302
    version = client.get(_url("version", record, 1)).content.decode()
    assert "Attendance exception: Police did not attend" in version
    assert "No police officer free" in version


def test_R002_4_only_a_manager_who_may_authorise_opens_the_exception_page(
    client, without_police_or_health, people
):
    client.force_login(people["alice"])
    assert client.get(_url("attendance-exception", without_police_or_health)).status_code == 403


# --- R003.6: every attending professional's answer -------------------------------------------


def test_R003_6_warwickshire_one_view_out_of_five_attendees_is_refused(make_record, people):
    record = make_record(pack="warwickshire")
    fill(record, people, Decision.S47_JOINT)
    rows = entry_content(record, RecordSection.ATTENDANCE)["rows"]
    assert len([r for r in rows if r["status"] == "attended"]) == 5
    one = {"professional_id": people["carol"].pk, "view": "likely_to_suffer"}
    save(record, RecordSection.PROFESSIONAL_VIEWS, {"views": [one]}, by=people["bob"])
    with pytest.raises(RecordIncomplete) as refused:
        services.record_authorise(record=record, by=people["bob"], now=AFTER)
    views = next(m for m in refused.value.missing if m.section == RecordSection.PROFESSIONAL_VIEWS)
    assert "R003.6" in views.citation
    for name in ("alice", "bob", "dev", "erin"):
        assert str(people[name]) in views.title
    assert str(people["carol"]) not in views.title


def test_R003_6_a_recorded_reason_stands_for_a_view_not_given(make_record, people):
    record = make_record(pack="warwickshire")
    fill(record, people, Decision.S47_JOINT)
    views = [
        {"professional_id": people["carol"].pk, "view": "has_suffered", "s47_by": "police"},
        *(
            {"professional_id": people[name].pk, "no_view_reason": "Left before the question"}
            for name in ("alice", "bob", "dev", "erin")
        ),
    ]
    save(record, RecordSection.PROFESSIONAL_VIEWS, {"views": views}, by=people["bob"])
    version = services.record_authorise(record=record, by=people["bob"], now=AFTER)
    assert version.number == 1


def test_R003_6_answers_use_the_documents_words_and_the_s47_options_include_the_police():
    labels = sections.VIEW_LABELS
    assert labels[sections.View.HAS_SUFFERED] == "Has suffered significant and ongoing harm"
    assert "likely to suffer significant and ongoing harm" in labels[sections.View.LIKELY_TO_SUFFER]
    assert set(sections.S47_BY_LABELS.values()) >= {
        "Yes, by Children's Services",
        "Yes, by the Police",
        "Yes, by both working together",
    }
    text = sections.items(
        RecordSection.PROFESSIONAL_VIEWS,
        {
            "views": [
                {
                    "professional_id": 1,
                    "name": "Carol Clarke",
                    "view": "likely_to_suffer",
                    "at_risk_without_action": True,
                    "s47_by": "police",
                }
            ]
        },
    )[0].text
    assert "Without doing something, is this child at risk of harm? Yes" in text
    assert "Section 47 enquiry: Yes, by the Police" in text


def test_R003_6_the_views_page_asks_the_key_question_of_each_attendee(client, make_record, people):
    record = make_record(pack="warwickshire")
    fill(record, people, Decision.S47_JOINT, skip=[RecordSection.PROFESSIONAL_VIEWS])
    client.force_login(people["bob"])
    page = client.get(_url("part", record, "professional-views")).content.decode()
    assert "significant and ongoing harm? Without doing something, is this child at risk" in page
    assert "Yes, by the Police" in page
    carol = people["carol"].pk
    response = client.post(
        _url("part", record, "professional-views"),
        {
            "version": "0",
            f"view_{carol}": "has_suffered",
            f"at_risk_{carol}": "yes",
            f"s47_by_{carol}": "police",
        },
    )
    assert response.status_code == 302
    saved = entry_content(record, RecordSection.PROFESSIONAL_VIEWS)["views"]
    assert saved == [
        {
            "professional_id": carol,
            "name": str(people["carol"]),
            "agency": people["carol"].agency.name,
            "view": "has_suffered",
            "at_risk_without_action": True,
            "s47_by": "police",
            "comment": "",
            "no_view_reason": "",
            "not_for_family": False,
        }
    ]
    check = client.get(_url("check", record)).content.decode()
    assert "no view or reason recorded for" in check


# --- R002.3: a meeting, or why by phone --------------------------------------------------------


def _held_by(record, people, fmt, reason=""):
    content = entry_content(record, RecordSection.ATTENDANCE)
    save(
        record,
        RecordSection.ATTENDANCE,
        {**content, "format": fmt, "phone_reason": reason},
        by=people["bob"],
    )


def test_R002_3_the_record_says_how_it_was_held(make_record, people):
    record = make_record()
    fill(record, people, Decision.NO_FURTHER_ACTION)
    _held_by(record, people, None)
    with pytest.raises(RecordIncomplete) as refused:
        services.record_authorise(record=record, by=people["bob"], now=AFTER)
    assert [m.section for m in refused.value.missing] == [RecordSection.ATTENDANCE]


def test_R002_3_by_phone_without_immediate_risk_needs_a_reason(make_record, people):
    record = make_record()
    fill(record, people, Decision.NO_FURTHER_ACTION)
    _held_by(record, people, "phone")
    with pytest.raises(RecordIncomplete) as refused:
        services.record_authorise(record=record, by=people["bob"], now=AFTER)
    assert _titles(refused) == [
        "Attendance: why the discussion was held by phone rather than as a meeting"
    ]
    assert refused.value.missing[0].citation.startswith("R002.3")
    _held_by(record, people, "phone", "The police could only join by phone from custody")
    version = services.record_authorise(record=record, by=people["bob"], now=AFTER)
    assert version.snapshot["parts"]["attendance"]["format"] == "phone"


def test_R002_3_by_phone_when_the_risk_is_immediate_needs_no_reason(make_record, people):
    record = make_record(immediate_risk=True)
    fill(record, people, Decision.S47_JOINT)
    _held_by(record, people, "phone")
    assert services.record_authorise(record=record, by=people["bob"], now=AFTER).number == 1


def test_R002_3_the_attendance_page_asks_how_it_was_held(client, make_record, people):
    record = make_record()
    client.force_login(people["bob"])
    page = client.get(_url("part", record, "attendance")).content.decode()
    assert "How was the discussion held?" in page
    assert "If by phone: why was it not a meeting?" in page
    response = client.post(
        _url("part", record, "attendance"),
        {"version": "1", "format": "phone", "phone_reason": "Out of hours"},
    )
    assert response.status_code == 302
    saved = entry_content(record, RecordSection.ATTENDANCE)
    assert (saved["format"], saved["phone_reason"]) == ("phone", "Out of hours")


# --- R003.2: information shared without consent ----------------------------------------------


def _shared(record, people, **answers):
    content = entry_content(record, RecordSection.INFORMATION_SHARED)
    save(record, RecordSection.INFORMATION_SHARED, {**content, **answers}, by=people["bob"])


def test_R003_2_sharing_without_consent_is_answered_and_justified(make_record, people):
    record = make_record()
    fill(record, people, Decision.NO_FURTHER_ACTION)
    for answers in (
        {"shared_without_consent": None},
        {"shared_without_consent": True, "without_consent_what": "GP records"},
    ):
        _shared(record, people, **answers)
        with pytest.raises(RecordIncomplete) as refused:
            services.record_authorise(record=record, by=people["bob"], now=AFTER)
        assert [m.section for m in refused.value.missing] == [RecordSection.INFORMATION_SHARED]
    _shared(
        record,
        people,
        without_consent_why="Asking the father would have put the child at risk of harm",
    )
    version = services.record_authorise(record=record, by=people["bob"], now=AFTER)
    items = sections.items(
        RecordSection.INFORMATION_SHARED, version.snapshot["parts"]["information_shared"]
    )
    why = next(i for i in items if i.label.startswith("Why it was reasonable"))
    assert why.text.startswith("Asking the father")
    assert why.not_for_family
    assert "Asking the father" not in str(family_summary(version.snapshot))


def test_R003_2_the_information_page_asks_about_consent(client, make_record, people):
    record = make_record()
    client.force_login(people["bob"])
    page = client.get(_url("part", record, "information-shared")).content.decode()
    assert "Was any information shared without consent?" in page
    assert "Why sharing it was reasonable, proportionate and relevant" in page
    response = client.post(
        _url("part", record, "information-shared"),
        {
            "version": "0",
            "shared_without_consent": "yes",
            "without_consent_what": "Police intelligence",
            "without_consent_why": "Relevant to the risk from the father",
        },
    )
    assert response.status_code == 302
    saved = entry_content(record, RecordSection.INFORMATION_SHARED)
    assert saved["shared_without_consent"] is True
    assert saved["without_consent_why"] == "Relevant to the risk from the father"


def test_R002_4_the_api_lists_the_gap_then_the_exception(without_police_or_health, people):
    from ninja.testing import TestClient

    from convene.records.api import router

    api = TestClient(router)
    record = without_police_or_health
    body = api.get(f"/{record.discussion_id}", user=people["bob"]).json()
    police = [m for m in body["missing"] if m["title"].startswith("Attendance: Police")]
    assert len(police) == 1
    assert "R002.4" in police[0]["citation"]
    assert body["attendance_exceptions"] == []
    attendance_exceptions.attendance_exception_record(
        record=record, party="police", reason="Officer at an arrest", by=people["bob"], now=AFTER
    )
    body = api.get(f"/{record.discussion_id}", user=people["bob"]).json()
    assert [e["reason"] for e in body["attendance_exceptions"]] == ["Officer at an arrest"]
    assert not [m for m in body["missing"] if m["title"].startswith("Attendance: Police")]
