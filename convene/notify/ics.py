"""iCalendar (RFC 5545 / iTIP RFC 5546) invitations built with the ``icalendar`` package.

One UID for the life of a discussion; SEQUENCE goes up with every change
sent, so calendar programs replace the entry on an update and remove it on a
``METHOD:CANCEL``. Times are written in UTC, which every calendar reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Convene//Strategy discussions//EN"


class Method(StrEnum):
    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


@dataclass(frozen=True, kw_only=True)
class Person:
    name: str
    email: str


@dataclass(frozen=True, kw_only=True)
class CalendarEvent:
    uid: str
    sequence: int
    summary: str
    starts_at: datetime
    ends_at: datetime
    location: str
    description: str
    url: str = ""
    organizer: Person | None = None


def _address(person: Person, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["cn"] = vText(person.name)
    for key, value in params.items():
        address.params[key.replace("_", "-")] = vText(value)
    return address


def calendar_invitation(
    event: CalendarEvent, *, method: Method, attendee: Person, stamp: datetime
) -> bytes:
    """One event for one attendee, as the bytes of an ``.ics`` file."""
    for name, moment in (("starts_at", event.starts_at), ("stamp", stamp)):
        if moment.utcoffset() is None:
            raise ValueError(f"{name} must be timezone-aware")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method.value)
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", stamp.astimezone(UTC))
    vevent.add("dtstart", event.starts_at.astimezone(UTC))
    vevent.add("dtend", event.ends_at.astimezone(UTC))
    vevent.add("summary", event.summary)
    vevent.add("location", event.location)
    vevent.add("description", event.description)
    if event.url:
        vevent.add("url", event.url)
    vevent.add("status", "CANCELLED" if method is Method.CANCEL else "CONFIRMED")
    vevent.add("transp", "OPAQUE")
    vevent.add("class", "CONFIDENTIAL")
    if event.organizer is not None:
        vevent.add("organizer", _address(event.organizer))
    vevent.add(
        "attendee",
        _address(
            attendee,
            role="REQ-PARTICIPANT",
            partstat="NEEDS-ACTION",
            rsvp="FALSE",
            cutype="INDIVIDUAL",
        ),
    )
    calendar.add_component(vevent)
    return bytes(calendar.to_ical())
