"""Whatever a client sends, the referrals API answers with a status and a message, never a 500."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ninja.testing import TestClient

from convene.people.factories import ChildFactory
from convene.people.vocab import ConcernCategory
from convene.referrals.api import router

pytestmark = pytest.mark.django_db

CLIENT = TestClient(router)
NOW = datetime.now(UTC)

moments = st.one_of(
    st.datetimes(
        min_value=datetime(1999, 1, 1), max_value=datetime(2080, 1, 1), timezones=st.just(UTC)
    ).map(lambda d: d.isoformat()),
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)).map(
        lambda d: d.isoformat()  # naive: refused with a message
    ),
    st.just((NOW - timedelta(hours=2)).isoformat()),
)
short_text = st.text(max_size=30)
new_child = st.fixed_dictionaries(
    {"last_name": short_text},
    optional={
        "first_name": short_text,
        "date_of_birth": st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 1, 1)).map(str),
        "expected_date_of_delivery": st.dates(
            min_value=date(2020, 1, 1), max_value=date(2035, 1, 1)
        ).map(str),
        "nhs_number": st.one_of(st.text(max_size=12), st.just("9990000018")),
        "sex": st.sampled_from(["female", "male", "unknown", "other"]),
        "legal_status": st.sampled_from(["none", "child_in_care"]),
        "setting_id": st.integers(min_value=-1, max_value=50),
    },
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    received_at=moments,
    how=st.sampled_from(["phone", "email", "pigeon", ""]),
    categories=st.lists(st.sampled_from([c.value for c in ConcernCategory]), max_size=4),
    facts=st.fixed_dictionaries(
        {"significant_harm_suspected": st.booleans()},
        optional={
            "immediate_risk": st.booleans(),
            "complex_concerns": st.booleans(),
            "exploitation_rating": st.sampled_from(["not_screened", "high", "low"]),
            "agencies_key_to_planning": st.integers(min_value=0, max_value=40),
            "review_requested": st.booleans(),
        },
    ),
    child_refs=st.lists(st.integers(min_value=0, max_value=3), max_size=3),
    new_children=st.lists(new_child, max_size=2),
    referrer=st.fixed_dictionaries(
        {"name": short_text},
        optional={
            "agency_id": st.integers(min_value=-1, max_value=60),
            "organisation": short_text,
            "email": short_text,
            "phone": short_text,
        },
    ),
    account=st.text(max_size=50),
)
def test_the_referrals_api_never_fails_with_a_500(
    people,
    partnership,
    received_at,
    how,
    categories,
    facts,
    child_refs,
    new_children,
    referrer,
    account,
):
    children = [ChildFactory(partnership=partnership).pk for _ in range(2)]
    ids = [children[i] if i < 2 else 10_000_000 + i for i in child_refs]
    response = CLIENT.post(
        "",
        json={
            "received_at": received_at,
            "how_received": how,
            "referrer": referrer,
            "account": account,
            "categories": categories,
            "facts": facts,
            "child_ids": ids,
            "new_children": new_children,
        },
        user=people["tom"],
    )
    assert response.status_code in {201, 400, 404, 409, 422}, response.content
    if response.status_code in {400, 404, 409}:
        assert response.json()["detail"]
