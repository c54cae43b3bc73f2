"""A copied open case's running clocks are moved into the future (``_fix_clock``); an agreed
action's stored ``due_by`` must move with its due clock, as ``action_due_by`` keeps them
in the app (R001.13: the Actions lists order and flag overdue by ``due_by``)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType

from bench.partnership import clone
from convene.clocks.models import Clock
from convene.followup.models import HrpmAction
from convene.records.models import Action

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _row(model, **values):
    return [values.get(f.attname) for f in model._meta.concrete_fields]


@pytest.mark.parametrize("action_model", [Action, HrpmAction])
def test_an_open_copys_action_due_by_follows_its_moved_due_clock(action_model):
    due = NOW + timedelta(days=1)  # due before the first sweep: _fix_clock moves it on
    kind = ContentType.objects.get_for_model(action_model).pk
    clock = _row(
        Clock,
        id=1,
        kind="action_due",
        state="pending",
        subject_type_id=kind,
        subject_id=5,
        started_at=NOW - timedelta(days=3),
        due_at=due,
    )
    other = _row(
        Clock,
        id=2,
        kind="convene",
        state="pending",
        subject_type_id=kind,
        subject_id=6,
        started_at=NOW - timedelta(days=3),
        due_at=due,
    )
    actions = [_row(action_model, id=5, due_by=due), _row(action_model, id=6, due_by=due)]
    archetype = clone.Archetype.__new__(clone.Archetype)
    compiled = clone.Compiled(
        archetype=archetype,
        programs=[
            clone.Program(action_model, [(row, []) for row in actions]),
            clone.Program(Clock, [(clock, []), (other, [])]),
        ],
        offsets={},
        audit=[],
        clock_index=clone._positions(
            Clock,
            "state",
            "due_at",
            "met_at",
            "started_at",
            "escalate_at",
            "remind_at",
            "kind",
            "subject_type_id",
            "subject_id",
        ),
        delivery_index={},
    )
    case = clone.Case(
        starts={}, children=[], professionals=[], delta=timedelta(0), now=NOW, recent=True
    )
    emitted: dict[type, list[tuple]] = {}
    clone.copy_rows(
        compiled, case, random.Random(1), {}, lambda m, r: emitted.setdefault(m, []).append(r)
    )
    at = clone._positions(Clock, "due_at", "kind")
    moved = next(r for r in emitted[Clock] if r[at["kind"]] == "action_due")[at["due_at"]]
    assert moved > due  # the clock was moved on
    due_by = clone._positions(action_model, "id", "due_by")
    by_id = {r[due_by["id"]]: r[due_by["due_by"]] for r in emitted[action_model]}
    assert by_id == {5: moved, 6: due}  # only the action whose due clock moved
