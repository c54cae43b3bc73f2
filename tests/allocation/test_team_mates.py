"""Whose cases a manager's team view lists (``team_mates``): the members of every team they
belong to and themselves, nobody else, as a list of keys (issue 15: as nested subqueries
PostgreSQL could not tell how few they were and scanned every allocation)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from convene.allocation.models import Team
from convene.allocation.selectors import team_mates
from convene.people.models import Professional

pytestmark = pytest.mark.django_db


def test_team_mates_are_the_members_of_their_teams_and_themselves_listed_by_key(
    django_assert_num_queries,
):
    call_command("demo", children=10, history=0)
    bob, alice, dina, nick, ivy = (
        Professional.objects.get(username=name) for name in ("bob", "alice", "dina", "nick", "ivy")
    )
    for team in Team.objects.filter(members=bob):
        team.members.remove(bob)
    partnership = bob.agency.partnerships.first()
    duty = Team.objects.create(partnership=partnership, name="Duty (test)")
    assessment = Team.objects.create(partnership=partnership, name="Assessment (test)")
    duty.members.add(bob, alice)
    assessment.members.add(bob, dina)
    Team.objects.create(partnership=partnership, name="Another (test)").members.add(ivy)

    with django_assert_num_queries(1):  # the keys, read once
        mates = team_mates(user=bob)
    assert set(mates) == {bob, alice, dina}
    assert "allocation_team" not in str(mates.query)  # a list of keys, not a subquery
    assert set(team_mates(user=nick)) == {nick} | set(
        Professional.objects.filter(teams__members=nick)
    )
