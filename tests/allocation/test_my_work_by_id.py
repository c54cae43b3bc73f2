"""My work's two plans (issue 15): a worker's few cases and escalations listed by id, a
manager's many walked; the same rows either way. And the records to confirm: found from
the person's invitations, need-to-know asked of the rows found."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.html import escape

from convene.allocation import selectors, services, work, work_escalations
from convene.allocation.selectors import (
    case_ids,
    discussions_allocated,
    referrals_allocated,
    s47s_allocated,
)
from convene.allocation.work_escalations import escalations_to_answer
from convene.clocks.escalations import (
    escalation_acknowledge,
    escalation_raise,
    escalation_resolve,
)
from convene.clocks.models import Escalation, EscalationAddressee, EscalationAgency
from convene.discussions.models import Discussion
from convene.followup.models import S47Enquiry
from convene.records.models import RecordVersion
from convene.referrals.models import Referral
from tests.allocation.test_my_work_queries import _authorised_record
from tests.convening import accepted_referral, scheduled_discussion
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def _set_based(person):
    """The cases ``person`` holds, by the set-based selectors (the rule ``case_ids`` lists)."""
    return (
        sorted(referrals_allocated(Referral.objects.all(), to=person).values_list("pk", flat=True)),
        sorted(
            discussions_allocated(Discussion.objects.all(), to=person).values_list("pk", flat=True)
        ),
        sorted(s47s_allocated(S47Enquiry.objects.all(), to=person).values_list("pk", flat=True)),
    )


def test_case_ids_are_the_cases_the_set_based_selectors_find(
    enquiry, people, partnership, agencies
):
    started = enquiry()  # a S47 enquiry, inheriting from its discussion and referral
    now = timezone.now()
    mine = [
        accepted_referral(people=people, partnership=partnership, agencies=agencies, by="alice")
        for _ in range(2)
    ]
    inherited = scheduled_discussion(referral=mine[0], people=people, now=now)
    moved = scheduled_discussion(referral=mine[1], people=people, now=now)
    # The second discussion has an allocation of its own, to bob: no longer alice's.
    services.allocation_change(
        subject=moved, social_worker=people["bob"], team=None, reason="", by=people["bob"], now=now
    )
    for name in ("alice", "bob", "tom", "hana"):
        ids = case_ids(to=people[name])
        assert ids is not None
        assert (list(ids.referrals), list(ids.discussions), list(ids.s47s)) == _set_based(
            people[name]
        ), name
    alice = case_ids(to=people["alice"])
    assert inherited.pk in alice.discussions
    assert moved.pk not in alice.discussions
    assert moved.pk in case_ids(to=people["bob"]).discussions
    assert any(started.pk in case_ids(to=people[n]).s47s for n in ("alice", "bob", "tom"))


def test_case_ids_are_none_over_the_cap(people, partnership, agencies, monkeypatch):
    for _ in range(2):
        accepted_referral(people=people, partnership=partnership, agencies=agencies, by="alice")
    assert len(case_ids(to=people["alice"]).referrals) == 2
    monkeypatch.setattr(selectors, "CASES_LISTED", 2)
    assert case_ids(to=people["alice"]) is not None
    monkeypatch.setattr(selectors, "CASES_LISTED", 1)
    assert case_ids(to=people["alice"]) is None  # a manager's caseload: walked, not listed


def test_escalations_listed_by_id_are_those_walked(people, partnership, monkeypatch):
    now = timezone.now()
    for what in ("Discussion not convened", "Record not sent"):
        escalation_raise(
            by=people["carol"],
            partnership=partnership,
            direction=Escalation.Direction.PARTNER_TO_SOCIAL_CARE,
            what_is_late=what,
            details="Asked three days ago",
            now=now - timedelta(hours=1),
        )
    shown = 0
    for name in ("alice", "bob", "hana", "carol", "dev"):
        listed = escalations_to_answer(people[name], now)
        # Walked, "addressed to me" hashed (few keys) and then probed per row (many).
        monkeypatch.setattr(work_escalations, "ESCALATIONS_LISTED", 0)
        hashed = escalations_to_answer(people[name], now)
        monkeypatch.setattr(work_escalations, "ESCALATIONS_HASHED", 0)
        probed = escalations_to_answer(people[name], now)
        monkeypatch.undo()
        assert listed == hashed == probed, name
        shown += len(listed)
    assert shown


def _three_records_not_sent(people, partnership, now):
    """Three escalations from the police to social care, an hour apart, oldest first."""
    return [
        escalation_raise(
            by=people["carol"],
            partnership=partnership,
            direction=Escalation.Direction.PARTNER_TO_SOCIAL_CARE,
            what_is_late=f"Record {n} not sent",
            details="Asked three days ago",
            now=now - timedelta(hours=3 - n),
        )
        for n in range(3)
    ]


def test_escalations_hidden_by_need_to_know_give_way_to_the_next_visible(
    people, partnership, monkeypatch
):
    """Need-to-know is asked of each page of candidates; one the person may not see is left
    out and the next page read, so the section still fills with those they may."""
    now = timezone.now()
    raised = _three_records_not_sent(people, partnership, now)
    hidden = {raised[0].pk, raised[1].pk}
    real = work_escalations.escalations_visible_among

    def seen(*, user, ids):
        return real(user=user, ids=ids) - hidden

    monkeypatch.setattr(work_escalations, "escalations_visible_among", seen)
    monkeypatch.setattr(work_escalations, "ROWS_PER_SECTION", 1)
    rows = escalations_to_answer(people["bob"], now)
    assert [row.what for row in rows] == ["Escalation: Record 2 not sent"]
    monkeypatch.setattr(work_escalations, "PAGES_READ", 2)  # read no further than asked
    assert escalations_to_answer(people["bob"], now) == []


def _confirms(person, now):
    return [r.what for r in work._to_confirm(person, now)]


def test_a_restricted_record_to_confirm_is_shown_only_to_those_invited(make_record, people):
    from convene.records import services as records

    record = _authorised_record(
        make_record,
        people,
        invitees=("carol",),
        categories=["allegation_against_staff"],
        named=["hana"],
    )
    assert record.discussion.referral.restricted
    records.record_distribute(record=record, by=people["bob"], now=record.held_at)
    now = record.held_at + timedelta(hours=1)
    wanted = f"Confirm the record of {record.discussion.reference}"
    assert _confirms(people["carol"], now) == [wanted]
    for name in ("alice", "hana", "dev"):  # not invited (alice and dev not named either)
        assert wanted not in _confirms(people[name], now), name


def test_the_records_to_confirm_ask_need_to_know_of_each_row(make_record, people, monkeypatch):
    from convene.records import services as records

    record = _authorised_record(make_record, people, invitees=("alice", "carol"))
    records.record_distribute(record=record, by=people["bob"], now=record.held_at)
    now = record.held_at + timedelta(hours=1)
    assert _confirms(people["carol"], now)
    # Were the versions' selector to hide it, the row found from the invitation goes.
    monkeypatch.setattr(
        work, "record_versions_visible_to", lambda **_: RecordVersion.objects.none()
    )
    assert _confirms(people["carol"], now) == []


def test_only_open_escalations_are_listed_by_id(people, partnership, monkeypatch):
    """Someone addressed on many escalations, nearly all resolved, has their few open ones
    listed by key. Counting the resolved ones too sent a head of service addressed on 2,661
    (24 open) down the walk of the open list past every resolved one: 5 s at a million
    discussions (issue 15)."""
    now = timezone.now()
    raised = _three_records_not_sent(people, partnership, now)
    for escalation in raised[:2]:
        escalation_resolve(escalation=escalation, by=people["bob"], outcome="Sent", now=now)
    monkeypatch.setattr(work_escalations, "ESCALATIONS_LISTED", 1)
    walked = []
    monkeypatch.setattr(work_escalations, "_addressed_walked", lambda *a, **kw: walked.append(a))
    rows = escalations_to_answer(people["bob"], now)
    assert not walked
    assert [row.what for row in rows] == ["Escalation: Record 2 not sent"]


def test_someone_addressed_on_more_open_escalations_than_listed_is_walked(
    people, partnership, monkeypatch
):
    """Past ``ESCALATIONS_LISTED`` open links the section walks the open escalations oldest
    first, asking each whether it is addressed to the person: the same rows as listed."""
    now = timezone.now()
    _three_records_not_sent(people, partnership, now)
    bob = people["bob"]
    listed = escalations_to_answer(bob, now)
    assert len(listed) == 3
    monkeypatch.setattr(work_escalations, "ESCALATIONS_LISTED", 1)
    walked = []
    real = work_escalations._addressed_walked
    monkeypatch.setattr(
        work_escalations,
        "_addressed_walked",
        lambda links, **kw: walked.append(kw["open_links"]) or real(links, **kw),
    )
    with CaptureQueriesContext(connection) as walking:
        assert escalations_to_answer(bob, now) == listed
    assert walked == [3]
    # The open links are read once, as far as the choice of walk needs: never counted again
    # (two more queries on a team manager's every page, issue 15).
    link_tables = [m._meta.db_table for m in (EscalationAddressee, EscalationAgency)]
    link_reads = [
        q["sql"]
        for q in walking.captured_queries
        if any(t in q["sql"].split(" WHERE ")[0] for t in link_tables)
    ]
    assert len(link_reads) == 2, link_reads
    assert not any("COUNT(" in sql for sql in link_reads)


def _open_links(escalation):
    return {
        (model.__name__, link.still_open)
        for model in (EscalationAddressee, EscalationAgency)
        for link in model.objects.filter(escalation=escalation)
    }


def test_resolving_an_escalation_closes_its_links(people, partnership):
    """The links My work lists open escalations by are cleared when one is resolved, and only
    then: raised and acknowledged ones keep theirs."""
    now = timezone.now()
    raised, kept, resolved = _three_records_not_sent(people, partnership, now)
    escalation_acknowledge(escalation=kept, by=people["bob"], now=now)
    escalation_resolve(escalation=resolved, by=people["bob"], outcome="Sent", now=now)
    for still_open in (raised, kept):
        assert _open_links(still_open) == {
            ("EscalationAddressee", True),
            ("EscalationAgency", True),
        }
    assert _open_links(resolved) == {("EscalationAddressee", False), ("EscalationAgency", False)}


def test_the_migration_opens_the_links_of_open_escalations_only(people, partnership):
    """``clocks.0013`` adds the flag as false and sets it for open escalations' links."""
    migration = importlib.import_module(
        "convene.clocks.migrations.0013_escalation_links_still_open"
    )
    now = timezone.now()
    kept, resolved = _three_records_not_sent(people, partnership, now)[:2]
    escalation_resolve(escalation=resolved, by=people["bob"], outcome="Sent", now=now)
    with connection.cursor() as cursor:
        for model in (EscalationAddressee, EscalationAgency):
            model.objects.update(still_open=False)  # as the column is added
            cursor.execute(migration.OPEN_LINKS.format(table=model._meta.db_table))
    assert _open_links(kept) == {("EscalationAddressee", True), ("EscalationAgency", True)}
    assert _open_links(resolved) == {("EscalationAddressee", False), ("EscalationAgency", False)}


def test_the_admin_still_shows_whom_an_escalation_is_addressed_to(client, people, partnership):
    """The links became a through model of our own, which Django's admin leaves out of its
    form unless named: the read-only page names the people and agencies addressed."""
    escalation = _three_records_not_sent(people, partnership, timezone.now())[0]
    client.force_login(people["admin"])
    page = client.get(f"/admin/clocks/escalation/{escalation.pk}/change/")
    assert page.status_code == 200
    for addressed in (*escalation.addressed_to.all(), *escalation.addressed_agencies.all()):
        assert escape(str(addressed)) in page.content.decode()
