"""The caseload's escalations list pages the partnership's escalations newest first with
need-to-know as one condition of the query (issue 15): hidden ones are skipped, never shown
and never counted (R004.2, R004.8)."""

from datetime import date, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType

from convene.clocks import selectors
from convene.clocks.models import Escalation
from convene.clocks.sweep import sweep_run
from convene.people.models import Partnership
from convene.workdays import LONDON, end_of_day
from tests.clocks.helpers import make_clock

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)
FRIDAY_END = end_of_day(date(2026, 12, 4))


def test_hidden_escalations_are_skipped(partnership, people):
    for _ in range(6):
        make_clock(partnership, started_at=MONDAY, due_at=FRIDAY_END)
    sweep_run(now=FRIDAY_END + timedelta(seconds=1), send=False)
    newest = list(Escalation.objects.order_by("-raised_at", "-pk"))
    assert len(newest) == 6
    # The third to fifth newest are about something nobody may see (no subject selector is
    # registered for a partnership, and no case): they must never be listed or counted.
    Escalation.objects.filter(pk__in=[e.pk for e in newest[2:5]]).update(
        subject_type=ContentType.objects.get_for_model(Partnership),
        subject_id=partnership.pk,
        case_referral=None,
    )
    bob = people["bob"]

    first = selectors.escalations_page(user=bob, states=["raised"], before=None, size=2)
    assert [e.pk for e in first.escalations] == [newest[0].pk, newest[1].pk]
    assert (first.count, first.more_than, first.first) == (3, False, True)
    assert first.older == newest[1].pk

    second = selectors.escalations_page(user=bob, states=["raised"], before=first.older, size=2)
    assert [e.pk for e in second.escalations] == [newest[5].pk]
    assert second.older is None
    assert not second.first

    # A hidden escalation as the cursor starts at the newest, as an unknown one does.
    hidden = selectors.escalations_page(user=bob, states=["raised"], before=newest[3].pk, size=2)
    assert hidden.first
    assert [e.pk for e in hidden.escalations] == [newest[0].pk, newest[1].pk]


def test_pages_past_the_counted_keys_walk_by_keyset(partnership, people, monkeypatch):
    """The first pages come from the keys the bounded count read; a page reaching past them
    is walked by keyset, so every escalation is listed once whatever the bound."""
    for _ in range(6):
        make_clock(partnership, started_at=MONDAY, due_at=FRIDAY_END)
    sweep_run(now=FRIDAY_END + timedelta(seconds=1), send=False)
    newest = [e.pk for e in Escalation.objects.order_by("-raised_at", "-pk")]
    monkeypatch.setattr(selectors, "COUNT_UP_TO", 3)
    bob, seen, before = people["bob"], [], None
    for _ in range(3):
        page = selectors.escalations_page(user=bob, states=["raised"], before=before, size=2)
        assert (page.count, page.more_than) == (3, True)
        seen += [e.pk for e in page.escalations]
        before = page.older
    assert seen == newest
    assert before is None


def test_a_first_page_is_three_queries_whatever_it_holds(
    partnership, people, django_assert_num_queries
):
    for _ in range(4):
        make_clock(partnership, started_at=MONDAY, due_at=FRIDAY_END)
    sweep_run(now=FRIDAY_END + timedelta(seconds=1), send=False)
    bob = people["bob"]
    bob.role_set  # noqa: B018 (roles and agency read before counting, as a request has)
    bob.agency  # noqa: B018
    # the partnerships' ids (read once a request: the list's own condition and the
    # referrals rule share them, partnership_ids_of), the keys, the page
    with django_assert_num_queries(3):
        page = selectors.escalations_page(user=bob, states=["raised"], before=None, size=2)
    assert len(page.escalations) == 2
