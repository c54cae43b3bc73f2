"""Need-to-know nested as frozen SQL (``convene.core.frozen_rows``, issue 15) gives exactly the
rows the plain selectors give, for every persona of the matrix world, and is never shared
between people (the next request of the same person may use it: ``core.selector_memo``).

The world holds a restricted referral (tom, hana, lee and dina named; not bob, alice or ivy),
partners invited to some discussions, an auditor, another partnership's social worker and
escalations, clocks and actions about every kind of subject. Each selector is asked twice of a
fresh person object: frozen (as the pages ask it) and plain (``among`` building Django's own
``Exists`` as before), and must answer the same rows with the same SQL, but for alias names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet

from convene.clocks.models import Clock, Escalation
from convene.clocks.selectors import clocks_visible_to, escalations_visible_to
from convene.clocks.subjects import caseload_visible_q, subject_visible_q
from convene.clocks.sweep import sweep_run
from convene.core import access, frozen_rows
from convene.discussions.selectors import discussions_visible_to, invitations_visible_to
from convene.followup.actions.selectors import actions_visible_to, hrpm_actions_visible_to
from convene.followup.hrpm.selectors import hrpms_visible_to
from convene.people.models import Professional
from convene.people.selectors import children_visible_to
from convene.records.selectors import records_visible_to
from tests.access_matrix import World
from tests.matrix_world import AFTER

pytestmark = pytest.mark.django_db

PERSONAS = ("bob", "alice", "hana", "lee", "tom", "ivy", "carol", "dev", "erin", "ursula", "nick")

Asked = Callable[[Professional], QuerySet[Any]]
ASKED: dict[str, Asked] = {
    "escalations": lambda user: escalations_visible_to(user=user),
    "escalations nested": lambda user: Escalation.objects.filter(
        pk__in=escalations_visible_to(user=user).values("pk")
    ),
    "caseload condition": lambda user: Escalation.objects.filter(caseload_visible_q(user=user)),
    "clock subjects": lambda user: Clock.objects.filter(subject_visible_q(user=user, per_row=True)),
    "clocks": lambda user: clocks_visible_to(user=user),
    "discussions per row": lambda user: discussions_visible_to(user=user, per_row=True),
    "invitations": lambda user: invitations_visible_to(user=user),
    "records": lambda user: records_visible_to(user=user),
    "actions": lambda user: actions_visible_to(user=user),
    "hrpm actions": lambda user: hrpm_actions_visible_to(user=user),
    "hrpms": lambda user: hrpms_visible_to(user=user),
    "children": lambda user: children_visible_to(user=user),
}


def _fresh(person: Professional) -> Professional:
    """The person as the next request loads them: a new object, nothing remembered on it."""
    return Professional.objects.get(pk=person.pk)


def _shape(query: QuerySet[Any]) -> str:
    """The SQL with alias names made alike (frozen aliases are ``NK<n>_<i>``, Django's
    ``U0``...): what is left must be the same text. A query that can match nothing has none."""
    try:
        sql = str(query.query)
    except EmptyResultSet:
        return "nothing"
    return re.sub(r"\b(NK\d+_\d+|[A-Z]{1,2}\d+)\b", "A", sql)


def _ask_plain(monkeypatch: pytest.MonkeyPatch, user: Professional, asked: Asked) -> Any:
    with monkeypatch.context() as patched:
        patched.setattr(access, "frozen_rows_of", lambda queryset: None)
        query = asked(user)
        return set(query.values_list("pk", flat=True)), _shape(query)


@pytest.mark.parametrize("name", PERSONAS)
def test_frozen_need_to_know_gives_the_plain_selectors_rows(
    world: World, monkeypatch: pytest.MonkeyPatch, name: str
):
    sweep_run(now=AFTER + timedelta(days=40), send=False)
    person = world.people[name]
    for what, asked in ASKED.items():
        frozen_query = asked(_fresh(person))
        frozen = set(frozen_query.values_list("pk", flat=True))
        plain, plain_shape = _ask_plain(monkeypatch, _fresh(person), asked)
        assert frozen == plain, (name, what)
        assert _shape(frozen_query) == plain_shape, (name, what)


def test_the_frozen_form_is_used_and_hides_the_restricted_case(
    world: World, monkeypatch: pytest.MonkeyPatch
):
    """The comparison above is not plain against plain: the pages' form is frozen. And the
    restricted case is still hidden from a manager not named on it, shown to one named."""
    sweep_run(now=AFTER + timedelta(days=40), send=False)
    restricted = world.restricted_referral
    bob, hana = _fresh(world.people["bob"]), _fresh(world.people["hana"])
    assert "NK" in str(escalations_visible_to(user=bob).query)
    assert "NK" in str(actions_visible_to(user=bob).query)
    assert world.restricted_discussion.pk not in set(
        discussions_visible_to(user=bob).values_list("pk", flat=True)
    )
    assert not escalations_visible_to(user=bob).filter(case_referral=restricted).exists()
    assert discussions_visible_to(user=hana).filter(pk=world.restricted_discussion.pk).exists()
    # Inactive: nothing at all, frozen or not.
    gone = _fresh(world.people["hana"])
    gone.is_active = False
    assert not actions_visible_to(user=gone).exists()
    assert not escalations_visible_to(user=gone).exists()


def test_never_shared_between_people(world: World):
    bob, carol = world.people["bob"], world.people["carol"]
    first = frozen_rows.frozen_rows_of(discussions_visible_to(user=bob))
    again = frozen_rows.frozen_rows_of(discussions_visible_to(user=bob))
    assert first is not None
    assert first is again  # one person object: built once
    assert frozen_rows.frozen_rows_of(discussions_visible_to(user=carol)) is not first
    # The next request's object of the same person: built from the same, so kept for it.
    again = Professional.objects.select_related("agency").get(pk=bob.pk)  # as a page has it
    next_request = frozen_rows.frozen_rows_of(discussions_visible_to(user=again))
    assert next_request is first
    # Narrowed, it is no longer the remembered query: nested as Django's own Exists.
    assert frozen_rows.frozen_rows_of(discussions_visible_to(user=bob).filter(pk=1)) is None


def test_kept_for_the_persons_next_request_never_for_another(client, world: World, monkeypatch):
    """The frozen rows one request's SQL used are the next request's of the same person
    (compiled once for the process), and never another person's."""
    used: list[frozen_rows.FrozenRows] = []  # kept alive: no id is reused while we compare
    compile_once = frozen_rows.FrozenRows.exists_sql

    def recorded(self: frozen_rows.FrozenRows, **kwargs: Any) -> tuple[str, tuple[Any, ...]]:
        used.append(self)
        return compile_once(self, **kwargs)

    monkeypatch.setattr(frozen_rows.FrozenRows, "exists_sql", recorded)
    seen: list[set[int]] = []
    alive: list[list[frozen_rows.FrozenRows]] = []
    for name in ("bob", "bob", "alice"):
        client.force_login(world.people[name])
        used.clear()
        response = client.get("/escalations/")
        assert response.status_code == 200
        assert used, "the list nests need-to-know as frozen SQL"
        alive.append(list(used))
        seen.append({id(frozen) for frozen in used})
    assert seen[1]
    assert seen[1] <= seen[0]  # bob's second request used what his first compiled
    assert not seen[2] & (seen[0] | seen[1])  # and alice never used bob's
