"""The period a report covers: this month, last month, this quarter, this year, or dates chosen.

A period is a half-open range of London dates ``[start, end)`` turned into aware datetimes,
so a clock started at 23:30 on the last day counts and one at 00:00 the next day does not.
"Quarter" and "year" follow the council's financial year (April to March, the year of the
CIN census and of Ofsted's Annex A), each to date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms

from convene.core.forms import GovukDateField, GovukForm
from convene.workdays.timescales import LONDON

# The longest range a person may choose: a dashboard, not an archive export.
MAX_DAYS = 366 * 5

CHOICES = [
    ("month", "This month"),
    ("last_month", "Last month"),
    ("quarter", "This quarter"),
    ("year", "This financial year"),
    ("dates", "Dates I choose"),
]


@dataclass(frozen=True)
class Period:
    start: date  # first day included
    end: date  # first day NOT included
    label: str
    # When the period was asked for. No row is keyed later than the moment it is written,
    # so the days after ``as_of`` hold nothing yet: the last month's tally is then exact
    # (reporting.edges). None (a period built without a clock): the days may hold rows.
    as_of: datetime | None = None

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=LONDON)

    @property
    def end_at(self) -> datetime:
        return datetime.combine(self.end, time.min, tzinfo=LONDON)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def bounds(self, field: str) -> dict[str, datetime]:
        """``field`` within the period, as ``filter(**period.bounds("held_at"))`` lookups."""
        return {f"{field}__gte": self.start_at, f"{field}__lt": self.end_at}


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _financial_year_start(day: date) -> date:
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def named_period(choice: str, *, today: date) -> Period:
    """One of the fixed choices, relative to ``today`` (a London date), to date."""
    tomorrow = today + timedelta(days=1)
    if choice == "last_month":
        this_month = _month_start(today)
        start = _month_start(this_month - timedelta(days=1))
        return Period(start, this_month, "Last month")
    if choice == "quarter":
        months_in = (today.month - 4) % 3
        month = (today.month - months_in - 1) % 12 + 1
        year = today.year if month <= today.month else today.year - 1
        return Period(date(year, month, 1), tomorrow, "This quarter to date")
    if choice == "year":
        return Period(_financial_year_start(today), tomorrow, "This financial year to date")
    return Period(_month_start(today), tomorrow, "This month to date")


def check_dates(form: forms.Form, data: dict[str, Any]) -> None:
    """A chosen period's ``start`` and ``end``: both given, in order, at most 5 years apart
    (the errors go on the form's fields)."""
    start, end = data.get("start"), data.get("end")
    if start is None and "start" not in form.errors:
        form.add_error("start", "Enter the first day")
    if end is None and "end" not in form.errors:
        form.add_error("end", "Enter the last day")
    if start and end:
        if end < start:
            form.add_error("end", "The last day must be the same as or after the first day")
        elif (end - start).days > MAX_DAYS:
            form.add_error("end", "Choose a period of 5 years or less")


class PeriodForm(GovukForm):
    period = forms.ChoiceField(
        label="Period", choices=CHOICES, required=False, widget=forms.RadioSelect
    )
    start = GovukDateField(subject="the first day", label="From", required=False)
    end = GovukDateField(subject="the last day", label="To", required=False)
    team = forms.ChoiceField(
        label="Team",
        required=False,
        error_messages={"invalid_choice": "Choose one of the partnership's teams"},
    )

    def __init__(self, *args: Any, teams: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = self.fields["team"]
        assert isinstance(team, forms.ChoiceField)
        if teams:
            team.choices = [("", "All teams"), *((str(pk), name) for pk, name in teams)]
        else:
            del self.fields["team"]  # a partner's reports, or no teams: nothing to choose

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period") != "dates":
            return data
        check_dates(self, data)
        return data

    def period_or_default(self, *, today: date) -> Period:
        """The chosen period, or this month when the form is empty or has errors."""
        if not self.is_valid():
            return named_period("month", today=today)
        choice = self.cleaned_data.get("period") or "month"
        if choice != "dates":
            return named_period(choice, today=today)
        start, end = self.cleaned_data["start"], self.cleaned_data["end"]
        label = f"{start:%-d %B %Y} to {end:%-d %B %Y}"
        return Period(start, end + timedelta(days=1), label)
