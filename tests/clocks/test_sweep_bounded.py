"""The sweep's work follows what became due, never the history (issue 15).

A sweep with nothing due costs the same few queries with 5 or 50 clocks long
breached and escalated behind it (the cursor, ``Clock.escalate_at`` and
``Clock.remind_at``, is cleared once there is nothing more to do), and raising
escalations costs the same number of queries however many people are told:
who may see the subject is one query for all of them
(:func:`convene.clocks.subjects.subject_viewers`), not one per person.
R004.8 (escalation), R004.3 (timescales).
"""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection, transaction

from convene.clocks.escalation_sweep import escalations_raise_due
from convene.clocks.models import Clock, Escalation
from convene.clocks.reminders import clock_reminders_decide
from convene.clocks.schedule import next_reminder_at
from convene.clocks.services import clock_meet, clocks_sweep
from convene.clocks.subjects import (
    may_see_subject,
    subject_key,
    subject_viewers,
    subjects_viewers,
)
from convene.clocks.sweep import sweep_run
from convene.people.factories import ChildFactory, ProfessionalFactory
from convene.people.models import Partnership, Professional
from convene.people.vocab import Role
from convene.workdays import LONDON, end_of_day
from tests.clocks.helpers import make_clock
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)
FRIDAY_END = end_of_day(date(2026, 12, 4))
# Far enough on that every level of every pack's rule has been raised.
MONTH_LATER = FRIDAY_END + timedelta(days=40)


def _history(partnership: Partnership, count: int) -> None:
    """``count`` clocks that breached, escalated every level and were reminded: history."""
    for _ in range(count):
        make_clock(partnership, started_at=MONDAY, due_at=FRIDAY_END)
    sweep_run(now=FRIDAY_END + SECOND, send=False)
    sweep_run(now=MONTH_LATER, send=False)


def _queries_of_idle_sweep(now: datetime) -> int:
    with CaptureQueriesContext(connection) as queries:
        report = sweep_run(now=now, send=False)
    assert report == {"breached": 0, "escalations": 0, "reminders": 0}
    return len(queries)


def test_a_sweep_with_nothing_due_costs_the_same_as_history_grows(partnership, people):
    _history(partnership, 5)
    assert not Clock.objects.filter(escalate_at__isnull=False).exists()
    assert not Clock.objects.filter(remind_at__isnull=False).exists()
    small = _queries_of_idle_sweep(MONTH_LATER + SECOND)

    _history(partnership, 45)
    assert Clock.objects.filter(state=Clock.State.BREACHED).count() == 50
    large = _queries_of_idle_sweep(MONTH_LATER + 2 * SECOND)

    assert small == large
    assert large <= 8  # a handful: no clock is read when none is due


def test_the_cursor_follows_the_clock(partnership, people):
    clock = make_clock(partnership, started_at=MONDAY, due_at=FRIDAY_END)
    assert clock.escalate_at == FRIDAY_END
    assert clock.remind_at == next_reminder_at(due=FRIDAY_END)
    assert clock.remind_at < FRIDAY_END - timedelta(hours=24)  # 08:00 the day before

    # Nothing is read before the first reminder opens.
    assert clock_reminders_decide(now=clock.remind_at - SECOND) == 0
    clock.refresh_from_db()
    assert clock.remind_at == next_reminder_at(due=FRIDAY_END)

    # Reminded "due tomorrow": next looked at when "due within 2 hours" opens.
    assert clock_reminders_decide(now=clock.remind_at) > 0
    clock.refresh_from_db()
    assert clock.remind_at == FRIDAY_END - timedelta(hours=2)

    # Breached and escalated at level 1: the cursor moves on to level 2's moment.
    clocks_sweep(now=FRIDAY_END + SECOND)
    [level_one] = escalations_raise_due(now=FRIDAY_END + SECOND)
    clock.refresh_from_db()
    assert level_one.level == 1
    assert clock.escalate_at is not None
    assert clock.escalate_at > FRIDAY_END + SECOND
    assert escalations_raise_due(now=clock.escalate_at) == []  # due only after that moment

    clock_meet(clock=clock, at=FRIDAY_END + timedelta(days=1), by=None)
    clock.refresh_from_db()
    assert (clock.escalate_at, clock.remind_at) == (None, None)
    assert escalations_raise_due(now=MONTH_LATER) == []


def _team_managers(partnership: Partnership, social_care: object, count: int) -> None:
    for _ in range(count):
        ProfessionalFactory(agency=social_care, roles=[Role.TEAM_MANAGER])


def _queries_to_escalate(partnership: Partnership, people: dict[str, Professional]) -> int:
    clocks = [make_clock(partnership, started_at=MONDAY, due_at=FRIDAY_END) for _ in range(3)]
    Clock.objects.filter(pk__in=[c.pk for c in clocks]).update(
        state=Clock.State.BREACHED, breached_at=FRIDAY_END + SECOND
    )
    with CaptureQueriesContext(connection) as queries:
        raised = escalations_raise_due(now=FRIDAY_END + SECOND)
    assert len(raised) == 3
    return len(queries)


def test_raising_escalations_costs_the_same_however_many_are_told(partnership, people):
    social_care = people["bob"].agency
    _team_managers(partnership, social_care, 2)
    few = _queries_to_escalate(partnership, people)
    told_few = Escalation.objects.order_by("-pk")[0].addressed_to.count()

    _team_managers(partnership, social_care, 12)
    many = _queries_to_escalate(partnership, people)
    told_many = Escalation.objects.order_by("-pk")[0].addressed_to.count()

    assert told_many == told_few + 12  # every new manager is told...
    assert many == few  # ...with no query more


def test_who_may_see_a_subject_is_one_query_for_everyone(
    partnership, people, django_assert_max_num_queries
):
    child = ChildFactory(partnership=partnership)
    social_care = people["bob"].agency
    _team_managers(partnership, social_care, 20)
    everyone = list(Professional.objects.all())
    # The reference answer: each person's own selector, asked one by one.
    expected = {p.pk for p in everyone if may_see_subject(user=p, subject=child)}
    assert people["bob"].pk in expected
    assert len(expected) < len(everyone)  # partners not invited do not see the child
    everyone = list(Professional.objects.all())  # fresh: nothing cached from the above
    # agencies, roles, partnerships (partnership_ids_learn), then the one question
    with django_assert_max_num_queries(4):
        seen = subject_viewers(subject=child, candidates=everyone)
    assert seen == expected


def _escalate_due(partnership: Partnership, count: int) -> tuple[int, int]:
    """Make ``count`` clocks breached and due; return (escalations raised, queries)."""
    clocks = [make_clock(partnership, started_at=MONDAY, due_at=FRIDAY_END) for _ in range(count)]
    Clock.objects.filter(pk__in=[c.pk for c in clocks]).update(
        state=Clock.State.BREACHED, breached_at=FRIDAY_END + SECOND
    )
    with CaptureQueriesContext(connection) as queries:
        raised = escalations_raise_due(now=FRIDAY_END + SECOND)
    return len(raised), len(queries)


def test_a_batch_reads_its_subjects_and_viewers_once_not_per_clock(partnership, people):
    # Who of the managers may see each subject, the subjects and the managers themselves
    # are read once per batch (convene.clocks.sweep_batch): what is left per escalation
    # is its own writes (the escalation, its addressees, audit entry, notices, cursor).
    few_raised, few = _escalate_due(partnership, 5)
    many_raised, many = _escalate_due(partnership, 50)
    assert (few_raised, many_raised) == (5, 50)
    per_escalation = (many - few) / 45
    # About 28 before the batch (issue 15); 20 on PostgreSQL with the responsible people's
    # look-up (issue 18): the escalation's own writes and its addressees.
    assert per_escalation <= 20, per_escalation


def test_who_may_see_a_batch_of_subjects_is_one_query_per_model(
    partnership, people, django_assert_max_num_queries
):
    social_care = people["bob"].agency
    _team_managers(partnership, social_care, 5)
    children = [ChildFactory(partnership=partnership) for _ in range(30)]
    everyone = list(Professional.objects.all())
    expected = {
        child.pk: {p.pk for p in everyone if may_see_subject(user=p, subject=child)}
        for child in children
    }
    everyone = list(Professional.objects.all())  # fresh: nothing cached from the above
    # agencies, roles, partnerships, then one query for all children
    with django_assert_max_num_queries(4):
        seen = subjects_viewers(subjects=children, candidates=everyone)
    assert {key[1]: pks for key, pks in seen.items()} == expected


def _referral_clocks(partnership, people, agencies, count: int) -> tuple[int, int, int]:
    """``count`` referrals' clocks breached together, every third an allegation against staff
    (restricted: named on it hana, a team manager, or nobody in social care's management);
    return (escalations raised, deliveries decided, queries of both steps)."""
    from tests.convening import make_referral

    clocks = []
    for index in range(count):
        restricted = index % 3 == 0
        referral = make_referral(
            people=people,
            partnership=partnership,
            agencies=agencies,
            categories=["allegation_against_staff" if restricted else "physical"],
            named=["hana"] if restricted and index % 2 else [],
        )
        assert referral.restricted == restricted
        clocks.append(
            make_clock(partnership, started_at=MONDAY, due_at=FRIDAY_END, subject=referral)
        )
    assert all(clock.case_referral_id for clock in clocks)
    Clock.objects.exclude(pk__in=[c.pk for c in clocks]).delete()  # the referrals' own
    clocks_sweep(now=FRIDAY_END + SECOND)
    with CaptureQueriesContext(connection) as queries:
        raised = escalations_raise_due(now=FRIDAY_END + SECOND)
        added = clock_reminders_decide(now=FRIDAY_END + SECOND)
    return len(raised), added, len(queries)


def test_telling_a_batch_about_cases_hidden_or_not_costs_the_same_queries_for_6_or_18(
    partnership, people, agencies
):
    # Who may see each subject is settled from the clocks' case keys, once per batch: the
    # restricted cases (hidden from the managers not named on them) are asked of the
    # subjects' own selectors in the same few queries, whatever their number.
    def measured(count: int) -> tuple[int, int, int]:
        with transaction.atomic():
            found = _referral_clocks(partnership, people, agencies, count)
            transaction.set_rollback(True)
        return found

    few_raised, few_added, few = measured(6)
    many_raised, many_added, many = measured(18)
    assert (few_raised, many_raised) == (6, 18)
    assert many_added > few_added > 0
    assert many == few


def test_telling_more_managers_about_a_batch_of_cases_costs_no_query_more(
    partnership, people, agencies
):
    # Each person's partnerships (the case rule narrows to them) are read for the whole
    # batch at once (people.selectors.partnership_ids_learn), not one query per person.
    def measured() -> tuple[int, int, int]:
        with transaction.atomic():
            found = _referral_clocks(partnership, people, agencies, 6)
            transaction.set_rollback(True)
        return found

    few_raised, few_added, few = measured()
    _team_managers(partnership, people["bob"].agency, 12)
    many_raised, many_added, many = measured()
    assert few_raised == many_raised == 6
    assert many_added > few_added  # the new managers are told...
    assert many == few  # ...with no query more


def test_a_case_asked_about_itself_is_asked_once(partnership, people, agencies):
    # A referral's own clock has itself as its case key: the case rule (the referrals' own
    # selector) has then answered for it, "no" for a restricted one not naming the person
    # included, so the referrals' selector is not asked again (it was a second UNION ALL of
    # every manager per batch, which returned nothing: issue 15).
    from convene.core.access import sees_whole_caseload
    from tests.convening import make_referral

    referrals = [
        make_referral(
            people=people,
            partnership=partnership,
            agencies=agencies,
            categories=["allegation_against_staff" if index % 2 == 0 else "physical"],
        )
        for index in range(4)
    ]
    assert any(referral.restricted for referral in referrals)
    caseload = [p for p in Professional.objects.all() if sees_whole_caseload(user=p)]
    expected = {
        r.pk: {p.pk for p in caseload if may_see_subject(user=p, subject=r)} for r in referrals
    }
    assert any(len(seen) < len(caseload) for seen in expected.values())  # some hidden
    caseload = list(Professional.objects.filter(pk__in=[p.pk for p in caseload]))  # fresh
    cases = {subject_key(referral): referral.pk for referral in referrals}
    with CaptureQueriesContext(connection) as queries:
        seen = subjects_viewers(subjects=referrals, candidates=caseload, cases=cases)
    assert {key[1]: pks for key, pks in seen.items()} == expected
    asked = [q["sql"] for q in queries if 'FROM "referrals_referral"' in q["sql"]]
    assert len(asked) == 1, asked
