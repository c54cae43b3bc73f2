"""``?before=`` cursors (issue 15): an id, or the first page for anything that is not one, so
a mistyped or hostile cursor never reaches the database as an out-of-range integer."""

from datetime import UTC, datetime

import pytest

from convene.core.pagination import cursor_of, later_than, older_than
from convene.referrals.models import Referral


@pytest.mark.parametrize(
    ("given", "cursor"),
    [
        (None, None),
        ("", None),
        ("abc", None),
        ("-5", None),
        ("12", 12),
        ("9" * 18, int("9" * 18)),
        ("9" * 19, None),  # past a 64-bit id
        ("１２", None),  # full-width digits: isdigit() says yes, int() reads 12
    ],
)
def test_a_cursor_is_an_id_or_the_first_page(given, cursor):
    assert cursor_of(given) == cursor


@pytest.mark.parametrize(
    ("after", "bound"), [(older_than, "lte"), (later_than, "gte")], ids=["older", "later"]
)
def test_a_keyset_condition_carries_a_plain_range_bound_the_index_can_start_from(after, bound):
    """Issue 13: beside the ``(field, id)`` OR, a top-level ``field <=/>= value`` (the OR
    alone is a row-by-row filter, so a deep page read every row before it)."""
    moment = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    rows = after(Referral.objects.all(), field="triaged_at", value=moment, pk=7)
    top = [c for c in rows.query.where.children if not hasattr(c, "connector")]
    assert [(c.lhs.target.name, c.lookup_name, c.rhs) for c in top] == [
        ("triaged_at", bound, moment)
    ]
