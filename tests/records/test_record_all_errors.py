"""The record's forms report every mistake at once (issue 18): one submit, every error listed,
nothing written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from convene.core.errors import Invalid
from convene.policy.vocab import Decision, RecordSection
from convene.records import attendance_exceptions, sections
from convene.records.models import AttendanceException
from tests.records.conftest import AFTER, entry_version, fill, save

pytestmark = pytest.mark.django_db


def _action(key: str, owner_kind: str, owner_id: int) -> dict[str, object]:
    return {
        "key": key * 8,
        "owner_kind": owner_kind,
        "owner_id": owner_id,
        "what": "Visit the family",
        "why": "To see the child at home",
        "due_on": "2026-03-01",  # before the discussion, held on 4 March 2026
    }


def test_every_action_mistake_is_reported_and_nothing_saved(make_record, people):
    record = make_record()
    content = {
        "actions": [
            _action("a", sections.OwnerKind.PERSON.value, 999_999),
            _action("b", sections.OwnerKind.AGENCY.value, 999_999),
        ],
        "none_agreed": False,
    }
    with pytest.raises(Invalid) as refused:
        save(record, RecordSection.ACTIONS, content, by=people["bob"])
    found = [(p.field, p.message) for p in refused.value.problems]
    assert found.count(("owner", "Choose who the action is for from the partnership")) == 2
    assert found.count(("due_on", "An action cannot be due before the discussion")) == 2
    assert entry_version(record, RecordSection.ACTIONS) == 0


def test_every_problem_of_the_content_is_its_own_error(make_record, people):
    record = make_record()
    with pytest.raises(Invalid) as refused:
        save(record, RecordSection.ACTIONS, {"actions": [{"key": "x"}]}, by=people["bob"])
    problems = refused.value.problems
    assert len(problems) > 1
    assert {p.field for p in problems} == {"actions"}
    assert entry_version(record, RecordSection.ACTIONS) == 0


def test_R002_4_an_attendance_exception_reports_the_party_and_the_reason_at_once(
    make_record, people
):
    record = make_record()
    fill(record, people, Decision.S47_JOINT)
    with pytest.raises(Invalid) as refused:
        attendance_exceptions.attendance_exception_record(
            record=record, party="social_care", reason="   ", by=people["bob"], now=AFTER
        )
    assert [p.field for p in refused.value.problems] == ["party", "reason"]
    assert not AttendanceException.objects.exists()


def test_R002_4_the_attendance_exception_page_lists_every_mistake(client, make_record, people):
    record = make_record(invitees=("alice", "erin"))
    fill(record, people, Decision.S47_JOINT)
    client.force_login(people["bob"])
    url = reverse("records:attendance-exception", args=[record.discussion_id])
    html = client.post(url, {"party": "", "reason": ""}).content.decode()
    summary = html[
        html.index("govuk-error-summary") : html.index("</ul>", html.index("govuk-error-summary"))
    ]
    assert summary.count("<li>") == 2
    assert 'href="#id_party' in summary
    assert 'href="#id_reason' in summary
    assert not AttendanceException.objects.exists()
