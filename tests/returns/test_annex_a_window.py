"""Annex A reads only the enquiries its rows and their "last 12 months" counts can need
(issue 13, speed of the returns): begun from 366 days before the first day to the last.

For the year 1 April 2026 to 31 March 2027 the window opens on 30 March 2025 (London):
an enquiry begun on 1 June 2025 is read (it may count in a row's last 12 months), one
begun on 20 March 2025 is not; the rows are only the enquiries begun in the year.
"""

from __future__ import annotations

from datetime import date

import pytest

from convene.returns.annex_a import _window, annex_a_rows
from tests.followup.conftest import london

pytestmark = pytest.mark.django_db
START, END = date(2026, 4, 1), date(2027, 3, 31)


def test_the_window_reads_a_year_before_the_period_and_no_further(enquiry, partnership):
    enquiry(held_at=london(2025, 3, 20, 13, 0))
    earlier = enquiry(held_at=london(2025, 6, 2, 13, 0))
    inside = enquiry(held_at=london(2026, 5, 6, 13, 0))
    enquiry(held_at=london(2027, 4, 1, 13, 0))
    read = {e.pk for e in _window(partnership, START, END)}
    assert read == {earlier.pk, inside.pk}  # not the one of 20 March 2025, nor April 2027
    rows = annex_a_rows(partnership=partnership, start=START, end=END)
    assert [row[0] for row in rows] == [f"CNV{inside.child_id}"]
    assert rows[0][10:12] == [1, 0]  # its own enquiry; no conference held
