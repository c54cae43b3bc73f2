"""The matrix world, shared by the route matrix and the access rules' property test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from convene.people.personas import HOME, NEIGHBOUR
from tests.access_matrix import World
from tests.api.conftest import tokens  # noqa: F401 - fixture
from tests.conftest import make_agencies, make_partnerships, make_people
from tests.convening import accepted_for  # noqa: F401 - fixture
from tests.matrix_world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Built once (per test process) inside a transaction that is rolled back at the end.

    Each case runs in its own savepoint (pytest-django's ``django_db``), so what a
    POST changes is undone before the next case.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        partnerships = make_partnerships()
        agencies = make_agencies()
        yield build_world(
            people=make_people(agencies),
            partnership=partnerships[HOME],
            neighbour=partnerships[NEIGHBOUR],
            agencies=agencies,
        )
        transaction.set_rollback(True)
