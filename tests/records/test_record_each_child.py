"""Each child's route is decided for that child (R000.2, R002.12).

Gloucestershire sends a child in care with continuing risk to a care plan review,
not an ICPC: its ICPC clock and ICPC section exclude a child in care. A sibling in
care leads the discussion's facts, but must never hide the ICPC clock and the ICPC
section of a sibling with no status at the S47 decision.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from convene.clocks.models import Clock
from convene.people.factories import ChildFactory
from convene.people.models import ChildLink
from convene.policy.vocab import Decision, RecordSection
from convene.records import services
from convene.records.models import Action
from convene.records.selectors import record_completeness
from convene.workdays import LONDON
from tests.records.conftest import AFTER, fill

pytestmark = pytest.mark.django_db


def _clocks(subject) -> dict[str, Clock]:
    return {
        c.kind: c
        for c in Clock.objects.filter(
            subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
        ).exclude(state=Clock.State.WAIVED)
    }


@pytest.fixture
def siblings(make_record, partnership):
    """Gloucestershire: a child with no status, discussed with a sibling in care."""
    record = make_record(pack="gloucestershire", legal_status="none")
    child = record.discussion.children.get()
    sibling = ChildFactory(
        partnership=partnership, first_name="Kai", last_name="Lowe", legal_status="child_in_care"
    )
    ChildLink.objects.create(from_child=child, to_child=sibling, kind="sibling")
    record.discussion.children.add(sibling)
    return record


def test_R000_2_the_sibling_with_no_status_needs_the_icpc_section(siblings, people):
    fill(siblings, people, Decision.S47_JOINT, skip=[RecordSection.ICPC_ARRANGEMENTS])
    check = record_completeness(record=siblings)
    required = {r.section: r for r in check.required}
    assert RecordSection.ICPC_ARRANGEMENTS in required
    assert required[RecordSection.ICPC_ARRANGEMENTS].rule_ids == ("gloucestershire.record.icpc",)
    assert [m.section for m in check.missing] == [RecordSection.ICPC_ARRANGEMENTS]
    # The sibling in care still brings the HRPM question.
    assert RecordSection.HRPM_CONSIDERATION in required


def test_R002_12_the_sibling_with_no_status_gets_the_icpc_clock(siblings, people):
    fill(siblings, people, Decision.S47_JOINT)
    services.record_authorise(record=siblings, by=people["bob"], now=AFTER)
    clock = _clocks(siblings.discussion)["icpc"]
    # 15 working days from Wednesday 4 March 2026: Wednesday 25 March.
    assert clock.due_at == datetime(2026, 3, 25, 23, 59, 59, tzinfo=LONDON)
    assert clock.rule_id == "gloucestershire.icpc"


def test_R000_2_the_hrpm_task_names_only_the_child_in_care(siblings, people):
    fill(siblings, people, Decision.S47_JOINT)
    services.record_authorise(record=siblings, by=people["bob"], now=AFTER)
    task = Action.objects.get(record=siblings, kind=Action.Kind.HRPM)
    assert "Kai Lowe" in task.what
    assert "Zoë" not in task.what


def test_R000_2_children_all_in_care_need_no_icpc(make_record, people, partnership):
    record = make_record(pack="gloucestershire", legal_status="child_in_care")
    sibling = ChildFactory(partnership=partnership, legal_status="child_in_care")
    record.discussion.children.add(sibling)
    fill(record, people, Decision.S47_JOINT, skip=[RecordSection.ICPC_ARRANGEMENTS])
    check = record_completeness(record=record)
    assert RecordSection.ICPC_ARRANGEMENTS not in {r.section for r in check.required}
    services.record_authorise(record=record, by=people["bob"], now=AFTER + timedelta(hours=1))
    assert "icpc" not in _clocks(record.discussion)


def test_R000_2_the_task_list_marks_the_icpc_section_required(client, siblings, people):
    fill(siblings, people, Decision.S47_JOINT, skip=[RecordSection.ICPC_ARRANGEMENTS])
    client.force_login(people["bob"])
    page = client.get(reverse("records:task-list", args=[siblings.discussion_id]))
    html = page.content.decode()
    hint = html.split('id="task-icpc-arrangements-hint"', 1)[1].split("</div>", 1)[0]
    assert "Required for this decision" in hint
