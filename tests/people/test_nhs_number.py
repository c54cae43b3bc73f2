import pytest

from convene.people import nhs_number


@pytest.mark.parametrize("value", ["9434765919", "943 476 5919", "943-476-5919"])
def test_valid_numbers_are_normalised(value):
    assert nhs_number.normalise(value) == "9434765919"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("9434765918", "check digit"),
        ("943476591", "10 digits"),
        ("94347659190", "10 digits"),
        ("94347A5919", "10 digits"),
        ("", "10 digits"),
    ],
)
def test_invalid_numbers_are_refused_with_the_reason(value, reason):
    with pytest.raises(nhs_number.InvalidNhsNumber, match=reason):
        nhs_number.normalise(value)


def test_a_remainder_of_ten_has_no_valid_check_digit():
    # 999000001: weights give remainder 1 -> check digit 10 -> no valid number
    firsts = [f"999{n:06d}" for n in range(200)]
    assert any(nhs_number.check_digit(f) is None for f in firsts)


def test_synthetic_series_is_valid_distinct_and_in_the_test_range():
    numbers = nhs_number.synthetic_series(2000)
    assert len(set(numbers)) == 2000
    for number in numbers:
        assert number.startswith("999")
        assert nhs_number.normalise(number) == number


def test_formatted():
    assert nhs_number.formatted("9990000018") == "999 000 0018"
