from __future__ import annotations

import pytest

from convene.api.services import api_token_create
from convene.people.factories import ChildFactory


@pytest.fixture
def tokens(people) -> dict[str, str]:
    """A live API token for every persona, by username."""
    return {
        username: api_token_create(user=user, name=f"{username}'s case system")[1]
        for username, user in people.items()
    }


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def home_child(partnership):
    return ChildFactory(partnership=partnership, first_name="Ann", last_name="Smith")


@pytest.fixture
def neighbour_child(neighbour):
    return ChildFactory(partnership=neighbour, first_name="Nora", last_name="North")
