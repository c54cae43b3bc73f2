"""The S47 enquiry list at scale (issue 15): the same rule, told so that PostgreSQL starts
from the person's few enquiries instead of walking every enquiry newest first and asking
need-to-know of each (at 1,000,000 discussions: a second partnership's social worker 2.9 s,
a partner invited to a few discussions 1.7 s).

Both for the lists' form (``listed=True``); one enquiry by id keeps the probe.

- A partner's enquiries are those of their own discussions (invited, or chair), gathered
  first (``own_discussion_keys``), never an ``EXISTS`` asked per enquiry walked.
- Social care's keep the rule, narrowed by the partnerships as values (or their own
  discussions'), so a small partnership's few are read by its index.

These pin the shapes, and that every person of the matrix world sees the same enquiries
as by the rule as written, with enquiries in both partnerships and a caseload person
invited to the other partnership's discussion.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import QuerySet

from convene.core.access import among
from convene.discussions.models import Invitation
from convene.discussions.selectors import discussions_visible_to
from convene.followup.enquiries.selectors import s47_enquiries_visible_to
from convene.followup.models import S47Enquiry
from convene.people.factories import ChildFactory
from tests.access_matrix import World

pytestmark = pytest.mark.django_db


def _ids(rows: QuerySet) -> set[int]:
    return set(rows.values_list("pk", flat=True))


def _as_written(person) -> set[int]:
    """The rule in its own words: the enquiries of the discussions the person may see."""
    as_written = S47Enquiry.objects.filter(among(discussions_visible_to(user=person), "discussion"))
    assert _ids(as_written) == _ids(s47_enquiries_visible_to(user=person))  # the unlisted form
    return _ids(as_written)


def test_every_person_sees_the_enquiries_the_rule_gives(world: World):
    enquiry = world.s47_enquiry
    neighbour = S47Enquiry.objects.create(
        partnership_id=world.neighbour_discussion.partnership_id,
        discussion=world.neighbour_discussion,
        record_version_id=enquiry.record_version_id,
        child=ChildFactory(partnership_id=world.neighbour_discussion.partnership_id),
        lead=enquiry.lead,
        started_at=enquiry.started_at,
        decided_at=enquiry.decided_at,
    )
    # bob (Riverside social care) invited to Northvale's discussion: seen only through that.
    bob = world.people["bob"]
    Invitation.objects.create(discussion=world.neighbour_discussion, professional=bob)
    checked = set()
    for person in world.people.values():
        person = type(person).objects.get(pk=person.pk)  # nothing kept from another case
        seen = _ids(s47_enquiries_visible_to(user=person, listed=True))
        assert seen == _as_written(person), person.username
        checked |= {(person.username, pk) for pk in seen}
    assert ("bob", neighbour.pk) in checked  # his invitation, outside his partnerships
    assert ("nick", neighbour.pk) in checked  # Northvale's social worker: his partnership's
    assert ("carol", neighbour.pk) in checked  # a partner invited there
    assert ("nick", enquiry.pk) not in checked
    assert ("carol", enquiry.pk) in checked
    assert ("erin", enquiry.pk) in checked
    assert ("dev", enquiry.pk) not in checked  # a partner not invited


def test_a_partner_starts_from_their_own_discussions(world: World):
    """Old: ``EXISTS (a visible discussion of this enquiry)`` asked of every enquiry walked."""
    sql = str(s47_enquiries_visible_to(user=world.people["carol"], listed=True).query)
    assert "EXISTS" not in sql, sql
    assert "discussions_invitation" in sql, sql
    assert "UNION" in sql, sql
    # PostgreSQL reads the keys once (an InitPlan) and probes the discussion index with them.
    gathered = "= ANY(ARRAY(" if connection.vendor == "postgresql" else "IN (SELECT"
    assert f'"followup_s47enquiry"."discussion_id" {gathered}' in sql, sql


def test_social_care_names_its_partnerships_as_values(world: World):
    """Old: no condition on the enquiry's own partnership, so a small partnership's worker
    walked the home partnership's every enquiry to find none."""
    nick = world.people["nick"]
    sql = str(s47_enquiries_visible_to(user=nick, listed=True).query)
    assert f'"followup_s47enquiry"."partnership_id" IN ({nick.agency.partnerships.get().pk})' in sql
