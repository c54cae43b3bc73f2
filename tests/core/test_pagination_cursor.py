"""``?before=`` cursors (issue 15): an id, or the first page for anything that is not one, so
a mistyped or hostile cursor never reaches the database as an out-of-range integer."""

import pytest

from convene.core.pagination import cursor_of


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
