"""What a sweep reads once per batch of clocks, not once per clock (issue 15).

Escalating or reminding a clock needs its subject, the partnership's social care
managers (and holders of the rule's roles), and who of them may see the subject.
Asked clock by clock that was about 28 queries and 0.4 s per escalation; a
:class:`SweepBatch` reads the batch's subjects in one query per subject model,
each partnership's role holders once, and who of the managers may see each
subject in one query per subject model (:func:`convene.clocks.subjects.subjects_viewers`).
Each clock is still escalated or reminded in its own transaction, so one that
fails holds up no other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import prefetch_related_objects

from convene.clocks.audience import ViewersKnown
from convene.clocks.models import Clock
from convene.clocks.selectors import (
    ESCALATION_MANAGER_ROLES,
    social_care_agencies,
    social_care_with_roles,
)
from convene.people.models import Partnership, Professional
from convene.people.vocab import Role

__all__ = ["SweepBatch"]


class SweepBatch:
    """The batch's subjects, role holders and viewers, read set-based and kept for its clocks."""

    def __init__(self, clocks: Sequence[Clock]) -> None:
        prefetch_related_objects(list(clocks), "subject")
        self._subjects = {(c.subject_type_id, c.subject_id): c.subject for c in clocks}
        self._holders: dict[tuple[int, frozenset[Role]], list[Professional]] = {}
        self._social_care: dict[int, list[str]] = {}
        self.viewers = ViewersKnown()
        by_partnership: dict[int, tuple[Partnership, list[object]]] = {}
        for clock in clocks:
            entry = by_partnership.setdefault(clock.partnership_id, (clock.partnership, []))
            entry[1].append(clock.subject)
        for partnership, subjects in by_partnership.values():
            self.viewers.learn(subjects=subjects, candidates=self.managers(partnership))

    def subject_of(self, clock: Clock) -> object:
        key = (clock.subject_type_id, clock.subject_id)
        if key not in self._subjects:
            self._subjects[key] = clock.subject
        return self._subjects[key]

    def holders(self, partnership: Partnership, roles: Iterable[Role]) -> list[Professional]:
        """Active social care professionals of ``partnership`` holding any of ``roles``."""
        key = (partnership.pk, frozenset(Role(role) for role in roles))
        if key not in self._holders:
            self._holders[key] = list(social_care_with_roles(partnership=partnership, roles=key[1]))
        return self._holders[key]

    def managers(self, partnership: Partnership) -> list[Professional]:
        return self.holders(partnership, ESCALATION_MANAGER_ROLES)

    def social_care_names(self, partnership: Partnership) -> list[str]:
        """The names of ``partnership``'s children's social care agencies."""
        if partnership.pk not in self._social_care:
            agencies = social_care_agencies(partnership=partnership)
            self._social_care[partnership.pk] = list(agencies.values_list("name", flat=True))
        return self._social_care[partnership.pk]
