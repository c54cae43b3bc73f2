"""My work: built from allocation, and a constant number of queries as the caseload grows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from convene.allocation import selectors as allocation_selectors
from convene.allocation import services
from convene.allocation.models import Team
from convene.allocation.selectors import team_mates
from convene.allocation.work import status_of, work_for
from convene.allocation.work_rows import Mine
from convene.referrals.services import referral_accept
from tests.convening import make_referral
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def _cases(n, *, people, partnership, agencies, recorder="alice"):
    """``n`` triaged referrals recorded by ``recorder`` (so allocated to them), and one
    awaiting triage for every three."""
    now = timezone.now()
    made = []
    for i in range(n):
        referral = make_referral(
            people=people,
            partnership=partnership,
            agencies=agencies,
            by=recorder,
            now=now,
            received_at=now - timedelta(minutes=5),
        )
        if i % 3:
            made.append(referral)
            continue
        made.append(
            referral_accept(
                referral=referral, by=people["bob"], now=now, expected_version=referral.version
            )
        )
    return made


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


@pytest.fixture(params=["listed", "walked"])
def mode(request, monkeypatch):
    """Both plans of My work (``Mine``): a worker's few cases listed by id, and a manager's
    many walked through the set-based querysets (``CASES_LISTED`` lowered: any case is many)."""
    if request.param == "walked":
        monkeypatch.setattr(allocation_selectors, "CASES_LISTED", 0)
    return request.param


@pytest.mark.parametrize(("persona", "query"), [("alice", ""), ("bob", ""), ("bob", "?show=team")])
def test_my_work_query_count_is_constant(
    client, people, partnership, agencies, persona, query, mode
):
    team = Team.objects.create(partnership=partnership, name="Duty team")
    team.members.add(people["alice"], people["bob"])
    url = reverse("allocation:my-work") + query
    client.force_login(people[persona])
    _cases(3, people=people, partnership=partnership, agencies=agencies)
    if persona == "alice" or query:  # bob holds none of these: his list is never walked
        who = team_mates(user=people[persona]) if query else people[persona]
        assert (Mine.of(who).ids is None) == (mode == "walked")
    client.get(url)  # warm the content-type and session caches
    small, small_page = _queries(client, url)
    _cases(27, people=people, partnership=partnership, agencies=agencies)
    large, large_page = _queries(client, url)
    assert large == small, f"{small} queries for 3 cases, {large} for 30 ({mode})"
    if persona == "alice" or query:  # bob's own list holds none of alice's cases
        assert large_page.count("Convene a strategy") > small_page.count("Convene a strategy")


def test_my_work_is_what_is_allocated_to_me_not_the_caseload(people, partnership, agencies, mode):
    cases = _cases(3, people=people, partnership=partnership, agencies=agencies)
    triaged = [r for r in cases if r.status == "triaged"]
    now = timezone.now()
    alice = work_for(user=people["alice"], now=now)
    assert any(triaged[0].reference in row.what for row in alice)
    # Re-allocated to bob: it leaves alice's list and joins bob's.
    services.allocation_change(
        subject=triaged[0],
        social_worker=people["bob"],
        team=None,
        reason="",
        by=people["bob"],
        now=now,
    )
    assert not any(
        triaged[0].reference in row.what for row in work_for(user=people["alice"], now=now)
    )
    bob = work_for(user=people["bob"], now=now)
    assert any(
        f"Convene a strategy discussion for {triaged[0].reference}" == row.what for row in bob
    )
    # A social worker does not triage; the manager sees the referrals awaiting triage.
    assert not any(row.what.startswith("Triage") for row in alice)
    assert any(row.what.startswith("Triage") for row in bob)
    # A partner sees none of the caseload.
    assert not any("Convene" in row.what for row in work_for(user=people["carol"], now=now))


def test_status_words():
    now = timezone.now().replace(hour=10)
    assert status_of(None, now) == ""
    assert status_of(now - timedelta(minutes=1), now) == "overdue"
    assert status_of(now + timedelta(hours=1), now) == "due today"
    assert status_of(now + timedelta(days=2), now) == "on track"


# --- Issue 18: the rest of the follow-through -----------------------------------------


def _authorised_record(make_record, people, **kwargs):
    from convene.policy.vocab import Decision
    from convene.records import services as records
    from tests.records.conftest import except_missing, fill

    record = make_record(**kwargs)
    fill(record, people, Decision.CHILD_IN_NEED)
    except_missing(record, people, now=record.held_at)
    records.record_authorise(record=record, by=people["bob"], now=record.held_at)
    return record


def test_records_to_correct_and_outcomes_untold_are_my_work(make_record, people):
    from convene.records import services as records

    record = _authorised_record(make_record, people, invitees=("alice", "carol"))
    records.record_distribute(record=record, by=people["bob"], now=record.held_at)
    ref = record.discussion.reference
    now = record.held_at + timedelta(hours=1)
    # A partner with a record to confirm sees it in My work.
    carol = work_for(user=people["carol"], now=now)
    assert any(row.what == f"Confirm the record of {ref}" for row in carol)
    # The email to the referrer has not left: the chair has an outcome notice to send.
    bob = work_for(user=people["bob"], now=now)
    assert any(row.what == f"Tell the referrer the outcome of {ref}" for row in bob)
    records.record_confirm(
        record=record, accurate=False, comment="Wrong school", by=people["carol"], now=now
    )
    bob = work_for(user=people["bob"], now=now)
    (correct,) = [row for row in bob if row.what == f"Correct the record of {ref}"]
    assert "/resolve/" in correct.url
    assert not any(ref in row.what for row in work_for(user=people["carol"], now=now))


def test_s47_drifting_without_a_conference_date_is_my_work(enquiry, people):
    from convene.followup.census import drift_due_at, s47_drifting
    from convene.followup.models import S47Enquiry

    started = enquiry()
    soon = started.started_at + timedelta(days=7)
    late = started.started_at + timedelta(days=30)
    assert not s47_drifting(
        S47Enquiry.objects.all(), policy_id=started.partnership.policy_id, now=soon
    ).exists()
    assert list(
        s47_drifting(S47Enquiry.objects.all(), policy_id=started.partnership.policy_id, now=late)
    ) == [started]
    holder = next(
        name
        for name in ("bob", "alice")
        if any(started.reference in r.what for r in work_for(user=people[name], now=late))
    )
    wanted = f"S47 enquiry {started.reference} has no conference date"
    (row,) = [r for r in work_for(user=people[holder], now=late) if r.what == wanted]
    assert row.status == "overdue"
    # 8675Q: the due date shown is the census's own (one place for the rule).
    assert row.due_at == drift_due_at(
        decided_at=started.record_version.record.held_at, policy_id=started.partnership.policy_id
    )


def test_an_authorised_s47_is_a_visit_to_make_not_an_enquiry_to_start(s47_decision, people):
    """Issue 18, R003.8: authorising the S47 decision started the enquiry, so My work offers
    its visit (due within 24 hours, linking to the visit form), never a start; recording the
    visit meets the visit clock and the row goes."""
    from convene.followup.models import S47Enquiry
    from tests.followup.conftest import clocks_of, visit

    version = s47_decision()
    started = S47Enquiry.objects.get(record_version=version)
    now = version.authorised_at + timedelta(minutes=30)
    wanted = f"Visit for S47 enquiry {started.reference}"
    rows = {name: work_for(user=people[name], now=now) for name in ("alice", "bob")}
    assert not any(r.what.startswith("Start the S47") for rs in rows.values() for r in rs)
    holder = next(name for name, rs in rows.items() if any(r.what == wanted for r in rs))
    (row,) = [r for r in rows[holder] if r.what == wanted]
    assert row.url == reverse("followup:s47-visit", args=[started.pk])
    clock = clocks_of(started.discussion)["s47_visit"]
    assert row.due_at == clock.due_at
    visit(started, people, at=now, now=now)
    assert not any(r.what == wanted for r in work_for(user=people[holder], now=now))
    clock.refresh_from_db()
    assert clock.state == "met"


def test_my_work_query_count_stays_constant_with_follow_through_rows(
    client, make_record, people, mode
):
    from convene.records import services as records

    def one_more():
        record = _authorised_record(make_record, people, invitees=("alice", "carol"))
        records.record_distribute(record=record, by=people["bob"], now=record.held_at)
        records.record_confirm(
            record=record,
            accurate=False,
            comment="Wrong school",
            by=people["carol"],
            now=record.held_at + timedelta(hours=1),
        )

    url = reverse("allocation:my-work")
    client.force_login(people["bob"])
    one_more()
    client.get(url)
    small, _ = _queries(client, url)
    one_more()
    one_more()
    large, large_page = _queries(client, url)
    assert large == small, f"{small} queries for 1 record, {large} for 3"
    assert large_page.count("Correct the record") == 3


@pytest.mark.parametrize("query", ["", "?show=team"])
def test_my_work_query_count_stays_constant_with_child_in_care_rows(
    client, enquiry, people, partnership, query, mode
):
    """After S47 outcomes for children in care: the care plan reviews to record and the HRPM
    decisions to make (bob holds the enquiries and manages the team) in constant queries."""
    from tests.allocation.test_my_work_child_in_care import in_care_outcome, review_care_plan

    team = Team.objects.create(partnership=partnership, name="Duty team")
    team.members.add(people["alice"], people["bob"])

    def one_more_of_each():
        in_care_outcome(enquiry, people)
        review_care_plan(in_care_outcome(enquiry, people), people)

    url = reverse("allocation:my-work") + query
    client.force_login(people["bob"])
    one_more_of_each()
    client.get(url)  # warm the content-type and session caches
    small, small_page = _queries(client, url)
    one_more_of_each()
    one_more_of_each()
    large, large_page = _queries(client, url)
    assert large == small, f"{small} queries for 2 enquiries, {large} for 6"
    for what in ("Record the care plan review", "Decide whether an HRPM is needed"):
        assert small_page.count(what) == 1
        assert large_page.count(what) == 3


def test_my_work_reads_the_persons_partnerships_once(people, partnership, agencies):
    """Every section that needs the person's partnerships as values asks the one
    ``partnership_ids_of``, kept on the person for the request: one query for them."""
    _cases(2, people=people, partnership=partnership, agencies=agencies)
    with CaptureQueriesContext(connection) as captured:
        work_for(user=people["alice"], now=timezone.now())
    alone = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith('SELECT "people_partnership"."id" AS "pk" FROM "people_partnership"')
    ]
    assert len(alone) == 1, alone
