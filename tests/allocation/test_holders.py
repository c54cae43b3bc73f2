"""Who holds each case, stored on it (``convene.allocation.holders``, issue 15): the same as
the allocation history says (``current_for``), however the case was allocated, inherited or
re-allocated, and rebuilt the same from the allocations alone."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from convene.allocation import services
from convene.allocation.holders import store_holders
from convene.allocation.selectors import current_for
from convene.discussions.models import Discussion
from convene.followup.models import S47Enquiry
from convene.people.models import Professional
from convene.referrals.models import Referral
from tests.convening import accepted_referral, scheduled_discussion
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db

KINDS = (Referral, Discussion, S47Enquiry)


def _stored():
    return {
        model: dict(model.objects.order_by("pk").values_list("pk", "held_by")) for model in KINDS
    }


def _from_history():
    """Each case's holder by the allocation history's own rule, asked case by case."""
    found = {}
    for model in KINDS:
        found[model] = {}
        for case in model.objects.order_by("pk"):
            allocation = current_for(subject=case)
            found[model][case.pk] = allocation.social_worker_id if allocation else None
    return found


def _move(subject, to, people):
    services.allocation_change(
        subject=subject,
        social_worker=to,
        team=None,
        reason="Caseload balanced",
        by=people["bob"],
        now=timezone.now(),
    )


def test_a_case_and_what_inherits_from_it_follow_each_allocation(enquiry, people):
    s47 = enquiry()  # triaged (allocated), convened, decided: the enquiry inherits
    discussion = s47.discussion
    referral = discussion.referral
    assert referral.held_by_id is not None
    holder = Referral.objects.get(pk=referral.pk).held_by_id
    assert Discussion.objects.get(pk=discussion.pk).held_by_id == holder
    assert S47Enquiry.objects.get(pk=s47.pk).held_by_id == holder

    other = people["bob" if holder == people["alice"].pk else "alice"]
    first = Professional.objects.get(pk=holder)
    _move(referral, other, people)  # both below follow the referral
    trio = (referral, discussion, s47)
    assert {m.objects.get(pk=c.pk).held_by_id for m, c in zip(KINDS, trio, strict=True)} == {
        other.pk
    }

    _move(discussion, first, people)  # its own now: the enquiry follows it
    assert Referral.objects.get(pk=referral.pk).held_by_id == other.pk
    assert Discussion.objects.get(pk=discussion.pk).held_by_id == first.pk
    assert S47Enquiry.objects.get(pk=s47.pk).held_by_id == first.pk

    _move(s47, other, people)
    assert S47Enquiry.objects.get(pk=s47.pk).held_by_id == other.pk
    assert Discussion.objects.get(pk=discussion.pk).held_by_id == first.pk
    assert _stored() == _from_history()


def test_a_discussion_convened_later_takes_its_referrals_holder(people, partnership, agencies):
    referral = accepted_referral(people=people, partnership=partnership, agencies=agencies)
    holder = Referral.objects.get(pk=referral.pk).held_by_id
    other = people["bob" if holder == people["alice"].pk else "alice"]
    _move(referral, other, people)
    discussion = scheduled_discussion(referral=referral, people=people, now=timezone.now())
    assert Discussion.objects.get(pk=discussion.pk).held_by_id == other.pk


@pytest.mark.parametrize("history", [0, 1])
def test_the_stored_holders_are_the_allocation_historys_and_rebuilt_the_same(history):
    call_command("demo", children=20, history=history)
    stored = _stored()
    assert stored == _from_history()
    assert any(holder for held in stored.values() for holder in held.values())
    for model in KINDS:
        model.objects.update(held_by=None)
    store_holders(referrals=Q(), discussions=Q(), s47s=Q())  # as the migration fills them
    assert _stored() == stored


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite takes no row locks")
def test_a_new_case_reads_its_parents_holder_under_a_lock(people, partnership, agencies):
    """A re-allocation of the referral at the same moment either waits for the new
    discussion (and then updates it too) or is read by it: never a stale holder."""
    referral = accepted_referral(people=people, partnership=partnership, agencies=agencies)
    with CaptureQueriesContext(connection) as captured:
        scheduled_discussion(referral=referral, people=people, now=timezone.now())
    assert any(
        q["sql"].startswith('SELECT "referrals_referral"."held_by_id" AS "held_by" FROM')
        and "FOR UPDATE" in q["sql"]
        for q in captured.captured_queries
    )
