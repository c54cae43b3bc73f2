"""Errors that services raise, one class per answer a page or the API gives.

A service refuses a request by raising one of these with a message written
for the person who made it ("Bob Bennett cannot chair..."). Views show the
message in the error summary (against ``field`` when there is one); the API
maps the class to its status code. Nothing has been written when one is
raised: services check before they write, inside one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.models import Model


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request: the words, the field it is about, and a ``code`` a
    page may act on (never the words: they change)."""

    message: str
    field: str | None = None
    code: str = ""


class ServiceError(Exception):
    """A request the rules refuse; ``message`` says why in plain words.

    ``problems`` holds every mistake found, so that a page reports them all at once
    (the first is ``message``/``field``/``code``).
    """

    status = 400

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str = "",
        problems: list[Problem] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
        self.problems = problems or [Problem(message, field, code)]


class Invalid(ServiceError):
    """Bad input: the request can never succeed as it stands (HTTP 400)."""


class Problems:
    """Collect every ``Invalid`` a set of checks raises, then refuse with all of them.

    problems = Problems()
    with problems.check():
        _check_children(...)
    with problems.check():
        _check_schedule(...)
    problems.raise_any()
    """

    def __init__(self) -> None:
        self.found: list[Problem] = []

    @contextmanager
    def check(self) -> Iterator[None]:
        try:
            yield
        except Invalid as error:
            self.found.extend(error.problems)

    def add(self, message: str, *, field: str | None = None, code: str = "") -> None:
        self.found.append(Problem(message, field, code))

    def raise_any(self) -> None:
        if self.found:
            first = self.found[0]
            raise Invalid(
                first.message, field=first.field, code=first.code, problems=list(self.found)
            )


class NotAllowed(ServiceError):
    """The person lacks the role or relation the action needs (HTTP 403)."""

    status = 403


class NotFound(ServiceError):
    """Unknown, or not visible to this person: the two look the same (HTTP 404)."""

    status = 404


class Conflict(ServiceError):
    """The record is not in a state that allows this, or changed meanwhile (HTTP 409)."""

    status = 409


class StaleVersion(Conflict):
    """Someone else changed the record after the form was opened (optimistic locking)."""


def stale(*, noun: str, changed_by: object, changed_at: object, now: object) -> StaleVersion:
    """The error for a form opened on an older version of a record than the one stored now."""
    from datetime import datetime

    from convene.workdays import LONDON

    who = str(changed_by) if changed_by is not None else "someone else"
    when = ""
    if isinstance(changed_at, datetime):
        local = changed_at.astimezone(LONDON)
        when = f" at {local:%H:%M}"
        if not isinstance(now, datetime) or local.date() != now.astimezone(LONDON).date():
            when += f" on {local.day} {local:%B %Y}"
    return StaleVersion(
        f"This {noun} was changed by {who}{when} since you opened it. "
        "Your changes were not saved; review the current version."
    )


def check_text(**values: str) -> None:
    """Refuse text that no database column can hold (NUL characters; PostgreSQL rejects them).

    Forms already refuse them; services check too, for the API.
    """
    for field, value in values.items():
        if "\x00" in value:
            raise Invalid(
                f"The {field.replace('_', ' ')} contains a character that is not allowed",
                field=field,
            )


def require_aware(
    value: datetime, name: str, *, error: Callable[[str], Exception] | None = None
) -> None:
    """A time without a zone is ambiguous across the clocks' DST changes: refuse it.

    ``error`` makes the refusal the caller's own kind (an escalation's, a clock's).
    """
    if value.tzinfo is None or value.utcoffset() is None:
        message = f"{name} must carry a time zone"
        raise error(message) if error is not None else Invalid(message, field=name)


def check_fits(model: type[Model], **values: str) -> None:
    """Refuse text longer than its column (PostgreSQL refuses it; SQLite would keep it).

    Forms carry the same ``max_length``; services check too, for the API.
    """
    for field, value in values.items():
        limit = getattr(model._meta.get_field(field), "max_length", None)
        if limit is not None and len(value) > limit:
            raise Invalid(
                f"The {field.replace('_', ' ')} must be {limit} characters or fewer", field=field
            )


def require_filled(**texts: tuple[str, str]) -> None:
    """Invalid on the first of ``field=(value, message)`` whose value is empty or spaces."""
    for field, (value, message) in texts.items():
        if not value.strip():
            raise Invalid(message, field=field)


def required_text(value: str, *, field: str, max_length: int, missing: str, too_long: str) -> str:
    """The text without its surrounding spaces; Invalid (on ``field``) if empty or too long."""
    value = value.strip()
    if not value:
        raise Invalid(missing, field=field)
    if len(value) > max_length:
        raise Invalid(too_long, field=field)
    return value
