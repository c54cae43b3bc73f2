"""The sweep's breach step is set-based (issue 15): breaching 25 due clocks costs the same
queries as breaching 5, webhook events included (one ``clock.breached`` per clock and
endpoint, queued once). R004.3 (timescales)."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection

from convene.api.models import WebhookDelivery, WebhookEndpoint
from convene.api.webhooks import secret_new
from convene.clocks.models import Clock
from convene.clocks.services import clocks_sweep
from convene.people.models import Partnership
from convene.workdays import LONDON, end_of_day
from tests.clocks.helpers import make_clock
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)
FRIDAY_END = end_of_day(date(2026, 12, 4))


def _breach(partnership: Partnership, count: int, now: datetime) -> tuple[list[Clock], int]:
    for _ in range(count):
        make_clock(partnership, started_at=MONDAY, due_at=FRIDAY_END)
    with CaptureQueriesContext(connection) as queries:
        breached = clocks_sweep(now=now)
    return breached, len(queries)


def test_breaching_more_clocks_costs_no_more_queries(partnership, people):
    WebhookEndpoint.objects.create(
        partnership=partnership, name="Case system", url="https://case.example", secret=secret_new()
    )
    first_sweep = FRIDAY_END + timedelta(seconds=1)
    small, small_queries = _breach(partnership, 5, first_sweep)
    large, large_queries = _breach(partnership, 25, first_sweep + timedelta(hours=1))

    assert (len(small), len(large)) == (5, 25)
    assert small_queries == large_queries
    assert Clock.objects.filter(state=Clock.State.BREACHED).count() == 30
    late = Clock.objects.filter(pk__in=[clock.pk for clock in large])
    assert set(late.values_list("breached_at", flat=True)) == {first_sweep + timedelta(hours=1)}
    events = WebhookDelivery.objects.filter(event="clock.breached")
    assert sorted(events.values_list("key", flat=True)) == sorted(
        f"clock.breached:{clock.pk}" for clock in small + large
    )
    payload = events.get(key=f"clock.breached:{large[0].pk}").payload
    assert payload["data"]["clock_id"] == large[0].pk
    assert payload["data"]["subject_type"] == large[0].subject_type.model


def test_an_event_already_queued_is_not_queued_again(partnership, people):
    endpoint = WebhookEndpoint.objects.create(
        partnership=partnership, name="Case system", url="https://case.example", secret=secret_new()
    )
    clock = make_clock(partnership, started_at=MONDAY, due_at=FRIDAY_END)
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        key=f"clock.breached:{clock.pk}",
        event="clock.breached",
        payload={},
        next_attempt_at=FRIDAY_END,
    )
    clocks_sweep(now=FRIDAY_END + timedelta(seconds=1))
    assert WebhookDelivery.objects.filter(event="clock.breached").count() == 1
    assert Clock.objects.get(pk=clock.pk).state == Clock.State.BREACHED
