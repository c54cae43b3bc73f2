"""GOV.UK dates, one way everywhere: pages, emails and the record's PDF.

"23 April 2015" (no leading zero, the month in full); a moment adds its London time,
"23 April 2015 at 14:30". Templates use the ``govuk_date`` and ``govuk_datetime``
filters (convene/core/templatetags/dates.py, built in), and a bare ``{{ some_date }}``
reads the same through convene/formats/en_GB/formats.py.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def _moment(value: date | datetime | str | None) -> date | datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        # Snapshots keep ISO strings; a date alone ("2026-03-04") stays a date.
        parsed = datetime.fromisoformat(value)
        return parsed if "T" in value or " " in value.strip() else parsed.date()
    return value


def _london(moment: datetime) -> datetime:
    return moment.astimezone(LONDON) if moment.tzinfo is not None else moment


def govuk_date(value: date | datetime | str | None) -> str:
    """``23 April 2015``; "" for nothing. A moment is read as its London date."""
    moment = _moment(value)
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = _london(moment)
    return f"{moment.day} {moment:%B %Y}"


def govuk_datetime(value: date | datetime | str | None) -> str:
    """``23 April 2015 at 14:30`` (London time); a date alone has no time."""
    moment = _moment(value)
    if moment is None:
        return ""
    if not isinstance(moment, datetime):
        return govuk_date(moment)
    local = _london(moment)
    return f"{govuk_date(local)} at {local:%H:%M}"
