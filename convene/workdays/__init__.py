"""Working-day arithmetic and deadlines for England; pure, no Django, no clock."""

from convene.workdays.calendar import WorkingCalendar, get_calendar
from convene.workdays.timescales import (
    LONDON,
    Unit,
    add_months,
    due_at,
    end_of_day,
    london_date,
)

__all__ = [
    "LONDON",
    "Unit",
    "WorkingCalendar",
    "add_months",
    "due_at",
    "end_of_day",
    "get_calendar",
    "london_date",
]
