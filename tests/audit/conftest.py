from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from convene.audit.models import Action, AuditEntry
from convene.audit.services import audit_record
from convene.people.factories import ChildFactory
from tests.api.conftest import tokens  # noqa: F401 - fixture
from tests.records.conftest import make_record  # noqa: F401 - fixture


@contextmanager
def tampering() -> Iterator[None]:
    """Step round the append-only trigger, as someone with rights over the table could.

    Inside the test's transaction, so the trigger is back when the test ends.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_append_only")
        else:
            cursor.execute("DROP TRIGGER audit_append_only")
    yield


def run_sql(sql: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


@pytest.fixture
def child(partnership):
    return ChildFactory(partnership=partnership, first_name="Ann", last_name="Smith")


@pytest.fixture
def six_entries(people, child) -> list[AuditEntry]:
    return [
        audit_record(
            actor=people["alice"], action=Action.VIEW, obj=child, summary=f"Viewed child {n}"
        )
        for n in range(1, 7)
    ]
