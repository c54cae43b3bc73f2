"""The Returns page's choices: a census year, or a period for Annex A (bad input is an error)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from convene.core.forms import GovukDateField, GovukForm
from convene.reporting.periods import check_dates

CIN = "cin-census"
ANNEX_A = "annex-a"
# The first census year Convene could hold data for; the last is the year in progress.
FIRST_CENSUS_YEAR = 2015


def census_year_of(day: date) -> int:
    """The census year (by the 31 March it ends) that ``day`` falls in."""
    return day.year + 1 if day.month >= 4 else day.year


class ReturnForm(GovukForm):
    which = forms.ChoiceField(choices=[(CIN, CIN), (ANNEX_A, ANNEX_A)], widget=forms.HiddenInput)
    year = forms.CharField(
        label="Census year, by the 31 March it ends", required=False, max_length=4
    )
    start = GovukDateField(subject="the first day", label="From", required=False)
    end = GovukDateField(subject="the last day", label="To", required=False)

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.last_year = census_year_of(today)

    def clean_year(self) -> int | None:
        text = (self.cleaned_data.get("year") or "").strip()
        if not text:
            return None
        if not (text.isdigit() and len(text) == 4):
            raise forms.ValidationError("Enter the year as 4 numbers, for example 2027")
        year = int(text)
        if not FIRST_CENSUS_YEAR <= year <= self.last_year:
            raise forms.ValidationError(
                f"Enter a census year from {FIRST_CENSUS_YEAR} to {self.last_year}"
            )
        return year

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("which") == CIN:
            if data.get("year") is None and "year" not in self.errors:
                self.add_error("year", "Enter the census year, for example 2027")
            return data
        check_dates(self, data)
        return data
