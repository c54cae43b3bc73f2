"""S47 outcomes (R003.9) and where continuing risk goes by the child's legal status (R000.2)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from convene.audit.models import AuditEntry
from convene.clocks.models import Clock
from convene.core.errors import Conflict, Invalid, NotAllowed
from convene.followup.enquiries.services import (
    care_plan_review_record,
    core_group_review_oversee,
    core_group_review_record,
    hrpm_decide,
    s47_enquiries_start,
    s47_enquiry_close,
    s47_outcome_record,
)
from convene.followup.models import Hrpm, Icpc, S47Enquiry
from convene.policy.vocab import Decision
from convene.records.models import Action
from convene.records.services import record_authorise, record_correction_start
from tests.followup.conftest import (
    HELD_AT,
    clocks_of,
    except_missing,
    fill,
    outcome,
    visit,
)

pytestmark = pytest.mark.django_db


def test_R003_9_R000_2_child_in_need_with_continuing_risk_goes_to_an_icpc(enquiry, people):
    started = enquiry(legal_status="child_in_need", visited=True)
    done = outcome(started, people, "significant_harm")
    assert done.state == "outcome_recorded"
    assert done.route == "icpc"
    assert done.legal_status_at_outcome == "child_in_need"
    icpc = Icpc.objects.get(discussion=done.discussion)
    assert done.icpc == icpc
    assert icpc.state == "requested"
    assert clocks_of(done.discussion)["icpc"].state == "pending"


def test_R003_9_no_status_and_concerns_substantiated_goes_to_an_icpc(enquiry, people):
    done = outcome(enquiry(visited=True), people, "significant_harm")
    assert done.route == "icpc"
    assert done.icpc is not None


def test_R000_2_child_on_a_plan_goes_to_the_core_group_with_management_oversight(enquiry, people):
    started = enquiry(legal_status="child_protection_plan", visited=True)
    done = outcome(started, people, "significant_harm")
    assert done.route == "core_group_review"
    assert done.icpc is None
    assert not Icpc.objects.exists()
    now = done.outcome_at + timedelta(days=2)
    with pytest.raises(Conflict, match="core group review has not been recorded"):
        s47_enquiry_close(enquiry=done, by=people["bob"], now=now)
    review = core_group_review_record(
        enquiry=done,
        held_on=now.date(),
        risk_considered="Risk from the father continues",
        plan_changes="Contact supervised; weekly visits",
        by=people["alice"],
        now=now,
    )
    with pytest.raises(Conflict, match="management oversight"):
        s47_enquiry_close(enquiry=done, by=people["bob"], now=now)
    with pytest.raises(NotAllowed, match="manager"):
        core_group_review_oversee(review=review, note="Agreed", by=people["alice"], now=now)
    with pytest.raises(Invalid, match="oversight"):
        core_group_review_oversee(review=review, note=" ", by=people["bob"], now=now)
    review = core_group_review_oversee(
        review=review, note="Plan agreed; review in 4 weeks", by=people["bob"], now=now
    )
    assert review.oversight_by == people["bob"]
    closed = s47_enquiry_close(enquiry=done, by=people["bob"], now=now)
    assert closed.state == "closed"


def test_R000_2_child_in_care_care_plan_review_and_hrpm_decision(enquiry, people):
    started = enquiry(legal_status="child_in_care", visited=True)
    done = outcome(started, people, "significant_harm")
    assert done.route == "care_plan_review"
    now = done.outcome_at + timedelta(days=1)
    with pytest.raises(Conflict, match="care plan review first"):
        hrpm_decide(enquiry=done, needed=True, reasons="Exploitation", by=people["bob"], now=now)
    with pytest.raises(Invalid, match="young person's own view"):
        care_plan_review_record(
            enquiry=done,
            reviewed_on=now.date(),
            plan_changes="Placement support increased",
            risk_assessment="Criminal exploitation: county lines",
            young_persons_view="",
            by=people["alice"],
            now=now,
        )
    care_plan_review_record(
        enquiry=done,
        reviewed_on=now.date(),
        plan_changes="Placement support increased",
        risk_assessment="Criminal exploitation: county lines",
        young_persons_view="I don't think I'm at risk, they are my friends",
        by=people["alice"],
        now=now,
    )
    with pytest.raises(NotAllowed, match="manager"):
        hrpm_decide(enquiry=done, needed=True, reasons="Exploitation", by=people["alice"], now=now)
    decision = hrpm_decide(
        enquiry=done, needed=True, reasons="Ongoing exploitation", by=people["bob"], now=now
    )
    hrpm = Hrpm.objects.get(child=done.child)
    assert decision.hrpm == hrpm
    assert hrpm.young_persons_view == "I don't think I'm at risk, they are my friends"
    assert hrpm.risk_assessment == "Criminal exploitation: county lines"
    # The record's "consider an HRPM" task is answered by the decision (R001.14).
    hrpm_task = Action.objects.get(record=done.record_version.record, kind="hrpm")
    assert hrpm_task.status == "done"
    assert "An HRPM is needed" in hrpm_task.closed_note
    assert s47_enquiry_close(enquiry=done, by=people["bob"], now=now).state == "closed"


def test_R000_2_child_in_care_hrpm_not_needed_is_a_recorded_decision(enquiry, people):
    done = outcome(enquiry(legal_status="child_in_care", visited=True), people, "significant_harm")
    now = done.outcome_at + timedelta(days=1)
    care_plan_review_record(
        enquiry=done,
        reviewed_on=now.date(),
        plan_changes="No change",
        risk_assessment="Risk reduced since the placement move",
        young_persons_view="I feel safe here",
        by=people["alice"],
        now=now,
    )
    decision = hrpm_decide(
        enquiry=done,
        needed=False,
        reasons="Risk managed in the care plan",
        by=people["bob"],
        now=now,
    )
    assert decision.hrpm is None
    assert not Hrpm.objects.exists()


@pytest.mark.parametrize(
    ("value", "extra"),
    [
        ("child_in_need_plan", {}),
        ("referral_to_other_service", {"other_service": "Early help: family support worker"}),
        ("no_further_action", {}),
    ],
)
def test_R003_9_other_outcomes_close_without_an_icpc_and_waive_its_clock(
    enquiry, people, value, extra
):
    started = enquiry(visited=True)
    assert clocks_of(started.discussion)["icpc"].state == "pending"
    done = outcome(started, people, value, **extra)
    assert done.route == ""
    assert not Icpc.objects.exists()
    # Every child's outcome is in and none needs an ICPC: its clock no longer applies.
    icpc_clock = clocks_of(done.discussion, include_waived=True)["icpc"]
    assert icpc_clock.state == "waived"
    assert "concluded without an ICPC" in icpc_clock.waived_reason
    closed = s47_enquiry_close(
        enquiry=done, by=people["bob"], now=done.outcome_at + timedelta(hours=1)
    )
    assert closed.state == "closed"


def test_R003_9_referral_on_names_the_service(enquiry, people):
    started = enquiry(visited=True)
    with pytest.raises(Invalid, match="service the family is referred to"):
        outcome(started, people, "referral_to_other_service")
    with pytest.raises(Invalid, match="reasons"):
        s47_outcome_record(
            enquiry=started,
            outcome="no_further_action",
            reasons="",
            by=people["alice"],
            now=started.visited_at + timedelta(days=1),
        )


def test_outcome_needs_the_visit_first_and_is_recorded_once(enquiry, people):
    started = enquiry()
    with pytest.raises(Conflict, match="visit before the outcome"):
        outcome(started, people, "no_further_action", now=started.started_at + timedelta(days=1))
    visited = visit(started, people, at=started.started_at + timedelta(hours=1))
    outcome(visited, people, "no_further_action")
    with pytest.raises(Conflict, match="already been recorded"):
        outcome(visited, people, "no_further_action")


def test_R003_8_a_decision_other_than_s47_starts_no_enquiry_on_authorisation(s47_decision, people):
    """Issue 18: only an S47 decision starts enquiries; the API's start refuses the others."""
    version = s47_decision(decision=Decision.NO_FURTHER_ACTION)
    assert not S47Enquiry.objects.exists()
    with pytest.raises(Conflict, match="not a S47 enquiry"):
        s47_enquiries_start(version=version, by=people["alice"], now=version.authorised_at)
    assert not S47Enquiry.objects.exists()


def test_R003_8_authorising_a_s47_decision_starts_its_enquiry_with_clock_and_audit(
    s47_decision, people
):
    """Issue 18, R003.8: the enquiry starts in the authorisation's transaction, by the manager
    who authorised, audited, under the one 24-hour visit clock the record started; no manual
    start is left to do (a second start is refused, and only social care may ask)."""
    version = s47_decision(decision=Decision.S47_SINGLE_AGENCY)
    (started,) = S47Enquiry.objects.filter(record_version=version)
    assert started.lead == "single_agency"
    assert started.child in version.record.discussion.children.all()
    assert started.started_at == version.authorised_at
    assert started.created_by == people["bob"] == version.authorised_by
    assert AuditEntry.objects.filter(
        summary=f"Started S47 enquiry {started.reference} from {started.discussion.reference}",
        actor=people["bob"],
    ).exists()
    visit_clocks = [
        c for c in Clock.objects.filter(subject_id=started.discussion_id) if c.kind == "s47_visit"
    ]
    assert len(visit_clocks) == 1
    with pytest.raises(NotAllowed):
        s47_enquiries_start(version=version, by=people["carol"], now=version.authorised_at)
    with pytest.raises(NotAllowed):
        s47_enquiries_start(version=version, by=people["ivy"], now=version.authorised_at)
    with pytest.raises(Conflict, match="already started"):
        s47_enquiries_start(version=version, by=people["alice"], now=version.authorised_at)


def test_a_correction_of_a_s47_record_starts_no_second_enquiry(s47_decision, people):
    """Issue 18: authorising a corrected version finds the child's enquiry already started."""
    version = s47_decision()
    record = version.record
    record_correction_start(
        record=record, note="Spelling", by=people["bob"], now=version.authorised_at
    )
    corrected = record_authorise(
        record=record, by=people["bob"], now=version.authorised_at + timedelta(minutes=5)
    )
    assert corrected.number == 2
    (only,) = S47Enquiry.objects.all()
    assert only.record_version == version


def test_8890_a_child_under_an_open_enquiry_refuses_the_authorisation(
    s47_decision, make_record, people
):
    """DfE 8890: the second S47 decision about a child whose enquiry is still open cannot
    start another, so its authorisation is refused and nothing of it is written."""
    first = S47Enquiry.objects.get(record_version=s47_decision())
    record = make_record(
        pack="warwickshire", legal_status="none", held_at=HELD_AT + timedelta(days=1)
    )
    record.discussion.children.set([first.child])
    fill(record, people, Decision.S47_JOINT)
    except_missing(record, people, now=HELD_AT + timedelta(days=1, hours=1))
    with pytest.raises(Conflict, match="already has an open Section 47 enquiry"):
        record_authorise(record=record, by=people["bob"], now=HELD_AT + timedelta(days=1, hours=1))
    record.refresh_from_db()
    assert record.latest_number == 0
    assert S47Enquiry.objects.count() == 1
