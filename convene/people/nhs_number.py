"""NHS numbers: the modulus-11 check digit, and the synthetic 999 range.

Demo and test data only ever use numbers starting 999, the range NHS England
sets aside for testing, so a demo record can never be a real person's.
"""

from __future__ import annotations

import re

_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
_SEPARATORS = re.compile(r"[\s-]")


class InvalidNhsNumber(ValueError):
    pass


def check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None when no valid number exists (remainder 10)."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, _WEIGHTS, strict=True))
    digit = 11 - total % 11
    if digit == 11:
        return 0
    if digit == 10:
        return None
    return digit


def normalise(value: str) -> str:
    """Strip spaces and hyphens and check the number; raise InvalidNhsNumber with the reason."""
    digits = _SEPARATORS.sub("", value)
    if not digits.isdigit() or len(digits) != 10:
        raise InvalidNhsNumber("Enter an NHS number with 10 digits, like 999 123 4560")
    if check_digit(digits[:9]) != int(digits[9]):
        raise InvalidNhsNumber("Enter a valid NHS number: the check digit does not match")
    return digits


def formatted(digits: str) -> str:
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def synthetic_series(count: int, *, start: int = 0) -> list[str]:
    """`count` distinct valid numbers of the 999 range, for bulk demo data."""
    numbers: list[str] = []
    serial = start
    while len(numbers) < count:
        if serial >= 1_000_000:
            raise ValueError("the 999 test range holds fewer numbers than asked for")
        first_nine = f"999{serial:06d}"
        digit = check_digit(first_nine)
        if digit is not None:
            numbers.append(first_nine + str(digit))
        serial += 1
    return numbers
