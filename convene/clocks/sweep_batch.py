"""What a sweep reads once per batch of clocks, not once per clock (issue 15).

Escalating or reminding a clock needs its subject, the partnership's social care
managers (and holders of the rule's roles), and who of them may see the subject.
Asked clock by clock that was about 28 queries and 0.4 s per escalation; a
:class:`SweepBatch` reads the batch's subjects in one query per subject model,
each partnership's role holders once, and who of the managers may see each
subject from the clocks' case keys, the case rule asked once for the batch and the
subjects' own selectors only for what it leaves
(:func:`convene.clocks.subjects.subjects_viewers_each`),
and who answers for each subject (the allocated worker, the chair, the action's owner)
in a few queries per subject model for the whole batch, when first asked
(:func:`convene.clocks.parties.resolve_responsible_many`).
A batch is then escalated or reminded in one transaction with its writes in bulk
(:mod:`convene.clocks.escalations.batch`, :mod:`convene.clocks.reminders`); if that
fails, each clock in its own transaction, so one that fails holds up no other.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, models
from django.db.models import prefetch_related_objects

from convene.clocks.audience import ViewersKnown
from convene.clocks.models import Clock
from convene.clocks.parties import (
    PartyMembers,
    SubjectKey,
    resolve_responsible,
    resolve_responsible_many,
    subject_key,
)
from convene.clocks.selectors import (
    ESCALATION_MANAGER_ROLES,
    partnership_admins,
    social_care_agencies,
    social_care_staff,
    social_care_with_roles,
)
from convene.people.models import Partnership, Professional
from convene.people.vocab import Role

__all__ = ["SweepBatch", "cursors_update", "wide_inserts"]


class SweepBatch:
    """The batch's subjects, role holders and viewers, read set-based and kept for its clocks."""

    def __init__(self, clocks: Sequence[Clock]) -> None:
        prefetch_related_objects(list(clocks), "subject")
        self._subjects = {(c.subject_type_id, c.subject_id): c.subject for c in clocks}
        self._holders: dict[tuple[int, frozenset[Role]], list[Professional]] = {}
        self._social_care: dict[int, list[str]] = {}
        self._admins: dict[int, list[Professional]] = {}
        self._staff: dict[int, list[Professional]] = {}
        self._responsible: dict[SubjectKey, PartyMembers | None] | None = None
        self.viewers = ViewersKnown()
        # Each subject's case key: the case rule settles who of the caseload may see it.
        self.cases = {
            subject_key(c.subject): c.case_referral_id for c in clocks if c.subject is not None
        }
        by_partnership: dict[int, tuple[Partnership, list[object]]] = {}
        for clock in clocks:
            entry = by_partnership.setdefault(clock.partnership_id, (clock.partnership, []))
            entry[1].append(clock.subject)
        for partnership, subjects in by_partnership.values():
            # The admins too: they are told when a level names nobody who can be found.
            candidates = [*self.managers(partnership), *self.admins(partnership)]
            self.viewers.learn(subjects=subjects, candidates=candidates, cases=self.cases)
            # Hidden from every manager (a restricted case naming none): anyone in social
            # care who may see it is asked for (audience_for, step 4), so ask them all now.
            managers = {manager.pk for manager in self.managers(partnership)}
            hidden = [
                s
                for s in subjects
                if s is not None and not managers & self.viewers.known.get(subject_key(s), set())
            ]
            if hidden:
                staff = self.staff(partnership)
                self.viewers.learn(subjects=hidden, candidates=staff, cases=self.cases)

    def learn_responsible(self) -> None:
        """Who of each subject's responsible people may see it, asked for the whole batch at
        once (a reminder tells them; otherwise each subject would ask on its own)."""
        asks = []
        for subject in list(self._subjects.values()):
            found = self.responsible(subject)
            if found and found.professionals:
                asks.append((subject, list(found.professionals)))
        self.viewers.learn_each(asks=asks, cases=self.cases)

    def subject_of(self, clock: Clock) -> object:
        key = (clock.subject_type_id, clock.subject_id)
        if key not in self._subjects:
            self._subjects[key] = clock.subject
        return self._subjects[key]

    def responsible(self, subject: object) -> PartyMembers | None:
        """Who answers for ``subject`` (:func:`~convene.clocks.parties.resolve_responsible`),
        read for all the batch's subjects at once the first time it is asked."""
        if subject is None:
            return None
        if self._responsible is None:
            self._responsible = resolve_responsible_many(self._subjects.values())
        key = subject_key(subject)
        if key not in self._responsible:
            self._responsible[key] = resolve_responsible(subject)
        return self._responsible[key]

    def holders(self, partnership: Partnership, roles: Iterable[Role]) -> list[Professional]:
        """Active social care professionals of ``partnership`` holding any of ``roles``."""
        key = (partnership.pk, frozenset(Role(role) for role in roles))
        if key not in self._holders:
            self._holders[key] = list(social_care_with_roles(partnership=partnership, roles=key[1]))
        return self._holders[key]

    def managers(self, partnership: Partnership) -> list[Professional]:
        return self.holders(partnership, ESCALATION_MANAGER_ROLES)

    def admins(self, partnership: Partnership) -> list[Professional]:
        """``partnership``'s admins (told when an escalation level names nobody)."""
        if partnership.pk not in self._admins:
            self._admins[partnership.pk] = list(partnership_admins(partnership=partnership))
        return self._admins[partnership.pk]

    def staff(self, partnership: Partnership) -> list[Professional]:
        """``partnership``'s social care staff, whatever their role (``social_care_staff``)."""
        if partnership.pk not in self._staff:
            self._staff[partnership.pk] = list(social_care_staff(partnership=partnership))
        return self._staff[partnership.pk]

    def social_care_names(self, partnership: Partnership) -> list[str]:
        """The names of ``partnership``'s children's social care agencies."""
        if partnership.pk not in self._social_care:
            agencies = social_care_agencies(partnership=partnership)
            self._social_care[partnership.pk] = list(agencies.values_list("name", flat=True))
        return self._social_care[partnership.pk]


@contextlib.contextmanager
def wide_inserts() -> Iterator[None]:
    """On SQLite, as many rows per insert as the library allows (Django assumes 999
    parameters; SQLite 3.32 and later take 32,766), so a batch's inserts do not grow
    in number with the people told."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    features = connection.features
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    features.max_query_params = max(limit, type(features).max_query_params)
    try:
        yield
    finally:
        del features.max_query_params  # back to the backend's own figure


def cursors_update(clocks: Sequence[Clock], field: str) -> None:
    """Write each clock's ``field`` (a sweep cursor: ``escalate_at`` or ``remind_at``) in one
    ``UPDATE ... SET field = CASE id WHEN ... END WHERE id IN (...)`` per 500 clocks:
    what ``bulk_update`` writes, without building an expression per clock."""
    column = Clock._meta.get_field(field)
    assert isinstance(column, models.DateTimeField)
    table = connection.ops.quote_name(Clock._meta.db_table)
    name = connection.ops.quote_name(column.column)
    key = connection.ops.quote_name(Clock._meta.pk.column)
    # PostgreSQL cannot tell the type of a CASE of parameters alone (all NULL: text).
    then = "CAST(%s AS timestamp with time zone)" if connection.vendor == "postgresql" else "%s"
    with connection.cursor() as cursor:
        for start in range(0, len(clocks), 500):
            chunk = clocks[start : start + 500]
            cases = " ".join([f"WHEN %s THEN {then}"] * len(chunk))
            marks = ", ".join(["%s"] * len(chunk))
            params: list[Any] = []
            for clock in chunk:
                value = column.get_db_prep_value(getattr(clock, field), connection)
                params += [clock.pk, value]
            params += [clock.pk for clock in chunk]
            cursor.execute(
                # Only quoted names and placeholders are formatted in; every value is a parameter.
                f"UPDATE {table} SET {name} = CASE {key} {cases} END WHERE {key} IN ({marks})",  # noqa: S608
                params,
            )
