"""The API fuzzed from its own OpenAPI schema (schemathesis): no 5xx, every response as documented.

Bounded so it runs in the normal suite (a few hundred requests); the count is
printed at the end of the run (see ``pytest_terminal_summary`` in tests/conftest.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from convene.api.api import api
from convene.api.services import api_token_create
from convene.followup.hrpm.services import hrpm_action_add, hrpm_create, hrpm_meeting_record
from convene.followup.models import S47Enquiry
from convene.people.factories import ChildFactory
from convene.workdays import london_date
from tests.api.conftest import bearer
from tests.convening import accepted_referral, make_referral, scheduled_discussion
from tests.records import conftest as records

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

# 55 operations: 25 examples each (and schemathesis's coverage cases) keep the whole run near
# the ~3,000 cases of the 27 operations before the case-system API, so the suite stays inside
# CI's time. Deeper: CONVENE_FUZZ_EXAMPLES=1000 .venv/bin/pytest tests/api/test_api_fuzz.py
EXAMPLES_PER_OPERATION = int(os.environ.get("CONVENE_FUZZ_EXAMPLES", "25"))
CASES_PROPERTY = "schemathesis_cases"
REQUESTS_PROPERTY = "schemathesis_requests"


@pytest.fixture
def unhooked_connections() -> Iterator[None]:
    """Django itself, called in-process inside the test's transaction.

    Django closes "old" database connections at the start and end of each request;
    inside a test transaction that would poison it, so (as Django's own test
    client does) those two receivers are unhooked while the fuzzer runs.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_token(people, partnership, neighbour, agencies) -> str:
    """A team manager's token, and something behind every router for it to find.

    Ids are small and counted from 1, so generated ids reach real records: a
    referral awaiting triage, an accepted one with a scheduled discussion, and a
    held discussion with an authorised, distributed record, its agreed action and
    the S47 enquiry it started; and an HRPM safety plan's action. A manager may
    also change them, so the writes get past the permission checks to the validation.
    """
    ChildFactory.create_batch(3, partnership=partnership)
    ChildFactory(partnership=partnership, first_name="<script>", last_name="O'Brien-Łukasz")
    ChildFactory(partnership=partnership, unborn=True)
    ChildFactory(partnership=neighbour)
    now = timezone.now()
    record = records.record_with_version(
        people=people, partnership=partnership, agencies=agencies, now=now
    )
    assert S47Enquiry.objects.filter(record_version__record=record).exists()  # on authorising
    _hrpm_action(people=people, partnership=partnership, agencies=agencies, now=now)
    make_referral(people=people, partnership=partnership, agencies=agencies, now=now)
    referral = accepted_referral(people=people, partnership=partnership, agencies=agencies, now=now)
    scheduled_discussion(referral=referral, people=people, now=now, starts_in=timedelta(days=1))
    raw = api_token_create(user=people["bob"], name="fuzzer")[1]
    _live_token.append(raw)
    return raw


def _hrpm_action(*, people, partnership, agencies, now) -> None:
    """A child in care's HRPM whose first meeting (alice and carol) gave the police an action."""
    child = ChildFactory(partnership=partnership, legal_status="child_in_care")
    make_referral(
        people=people,
        partnership=partnership,
        agencies=agencies,
        children=[child],
        received_at=now - timedelta(days=2),
        now=now - timedelta(days=2),
        categories=["cce"],
        significant_harm_suspected=False,
        ongoing_risk=True,
    )
    hrpm = hrpm_create(
        child=child,
        risk_assessment="Criminal exploitation",
        young_persons_view="They are my friends",
        by=people["alice"],
        now=now - timedelta(days=1),
    )
    meeting = hrpm_meeting_record(
        hrpm=hrpm,
        held_at=now - timedelta(hours=2),
        attendees=[people["alice"], people["carol"]],
        young_person_attended=True,
        young_persons_view="I am fine",
        risk_assessment="High",
        safety_plan="Curfew",
        next_meeting_on=london_date(now) + timedelta(days=14),
        by=people["alice"],
        now=now - timedelta(hours=1),
    )
    hrpm_action_add(
        meeting=meeting,
        owner=agencies["police"],
        what="Disruption visit",
        due_on=london_date(now) + timedelta(days=7),
        by=people["alice"],
        now=now,
    )


@pytest.fixture
def request_counter(request) -> Iterator[dict[str, object]]:
    """Counts one operation's cases and requests, named by the operation.

    schemathesis gives every operation's test the same node id, so the operation's
    label goes in the property's name to keep the operations' counts apart.
    """
    counter: dict[str, object] = {"cases": 0, "operation": ""}
    before = app.requests
    yield counter
    label = counter["operation"]
    request.node.user_properties.append((f"{CASES_PROPERTY} {label}", counter["cases"]))
    request.node.user_properties.append((f"{REQUESTS_PROPERTY} {label}", app.requests - before))


# The schema the API publishes, generated in-process (no request, no database needed at
# collection). schemathesis's fixture-based loader is not used: it writes pytest's private
# ``Node._nodeid``, which pytest 9 no longer has.
class CountingApp:
    """Django's WSGI handler, counting every request the fuzzer and its checks send."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()
        self.requests = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        self.requests += 1
        return self.handler(environ, start_response)


app = CountingApp()
# A write the schema accepts may still be refused by a rule no JSON schema can state (a
# date in the past, a child on the referral, a chair the policy allows, a state that
# allows the change): the services answer 400 with the reason, as documented. Reads
# have no such rules, so for them a 400 stays a failure.
CONFIG = SchemathesisConfig.from_dict(
    {
        "operations": [
            {
                "include-method": "POST",
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "400", "401", "403", "404", "409"]
                    }
                },
            }
        ]
    }
)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_params={}), config=CONFIG)
schema.app = app
_live_token: list[str] = []  # set per test by the fuzz_token fixture (its database row is per test)


@schema.auth(refresh_interval=None)
class TokenAuth:
    """Tells schemathesis which credential is valid, so its auth checks know what to expect."""

    def get(self, case: schemathesis.Case, context: schemathesis.AuthContext) -> str:
        # Asked once while pytest collects, before any test (and its token) exists.
        return _live_token[-1] if _live_token else "cvn_collecting"

    def set(self, case: schemathesis.Case, data: str, context: schemathesis.AuthContext) -> None:
        case.headers = {**(case.headers or {}), **bearer(data)}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_survives_generated_requests(
    case, unhooked_connections, fuzz_token, request_counter
):
    request_counter["operation"] = case.operation.label
    request_counter["cases"] += 1  # type: ignore[operator]
    case.call_and_validate()
