"""Who is told about a clock's subject: need-to-know before role (docs/access.md).

Escalations and reminders are addressed by role (the pack's escalation rule,
the partnership's managers) and by party. For most subjects that is the whole
answer. A *restricted* subject (an allegation against a member of staff) may be
seen only by the people named on it, whatever their role, so a manager not
named on it must not be told even its reference. Nothing here knows what makes
a subject restricted: it asks the subject app's own selector
(:func:`convene.clocks.subjects.subject_viewers`) about everyone it may tell at
once, in one query, never one query per person.

:func:`audience_for` takes who the rule addresses and returns who may be told:

1. every addressed person who may see the subject (nobody is told about a
   record they may not open). If every manager of the partnership's social
   care may see it, the subject is not need-to-know and that is all: agency
   inboxes are told as the rule says;
2. need-to-know: agency inboxes are dropped (nobody can say who reads them),
   and the addressed people who may see it are told. If none of them may:
3. the partnership's social care managers who may see it (named on it); else
4. anyone in the partnership's social care who may see it (the recorder, a
   LADO named on it); else
5. nobody who may see it can be found (everyone named has left): the
   partnership's heads of service (else its admins) are told *blind*, that a
   restricted record's timescale is late and needs someone named on it, with
   no reference, no summary and no link. They still cannot open it; an admin
   puts it right in the administration pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from convene.clocks.selectors import (
    ESCALATION_MANAGER_ROLES,
    partnership_admins,
    social_care_staff,
    social_care_with_roles,
)
from convene.clocks.subjects import (
    SubjectKey,
    subject_key,
    subject_viewers,
    subjects_viewers_each,
)
from convene.people.models import Agency, Partnership, Professional
from convene.people.vocab import Role

__all__ = ["NOTICE_BLIND", "Audience", "Viewers", "ViewersKnown", "audience_for"]

# ``viewers(subject, candidates)``: the pks of ``candidates`` who may see ``subject``.
Viewers = Callable[[object, Sequence[Professional]], set[int]]


def _ask_each(subject: object, candidates: Sequence[Professional]) -> set[int]:
    return subject_viewers(subject=subject, candidates=candidates)


@dataclass
class ViewersKnown:
    """Who may see what, asked for a sweep's whole batch at once (:meth:`learn`), then
    answered from memory; anyone not asked yet is asked then (one query per subject)."""

    known: dict[SubjectKey, set[int]] = field(default_factory=dict)
    asked: dict[SubjectKey, set[int]] = field(default_factory=dict)

    def learn(
        self,
        *,
        subjects: Iterable[object],
        candidates: Sequence[Professional],
        cases: Mapping[SubjectKey, int | None] | None = None,
    ) -> None:
        self.learn_each(asks=[(subject, candidates) for subject in subjects], cases=cases)

    def learn_each(
        self,
        *,
        asks: Iterable[tuple[object, Sequence[Professional]]],
        cases: Mapping[SubjectKey, int | None] | None = None,
    ) -> None:
        """Ask, for each subject, about its own candidates, all at once (``cases``: the
        subjects' case keys, which settle most of it: :func:`subjects_viewers_each`)."""
        asks = [(subject, people) for subject, people in asks if subject is not None]
        found = subjects_viewers_each(asks=asks, cases=cases)
        for subject, people in asks:
            key = subject_key(subject)
            self.known.setdefault(key, set()).update(found.get(key, set()))
            self.asked.setdefault(key, set()).update(person.pk for person in people)

    def __call__(self, subject: object, candidates: Sequence[Professional]) -> set[int]:
        if subject is None:
            return {person.pk for person in candidates}
        key = subject_key(subject)
        asked = self.asked.setdefault(key, set())
        seen = self.known.setdefault(key, set())
        new = [person for person in candidates if person.pk not in asked]
        if new:
            seen.update(subject_viewers(subject=subject, candidates=new))
            asked.update(person.pk for person in new)
        return {person.pk for person in candidates if person.pk in seen}


# The kind of a notice told blind: it names nothing, so it is shown even to those who may
# not see the escalation it comes from (convene.reminders.selectors.notifications_for).
NOTICE_BLIND = "escalation_raised_blind"


@dataclass(frozen=True)
class Audience:
    """Who is told, and how."""

    professionals: tuple[Professional, ...]
    agencies: tuple[Agency, ...] = ()
    # The subject is hidden from some who would be told by role: only those who may see it are.
    need_to_know: bool = False
    # Nobody who may see it was found: told that something is late, never what.
    blind: bool = False


def _unique(people: Iterable[Professional]) -> list[Professional]:
    return list({person.pk: person for person in people}.values())


def audience_for(
    *,
    partnership: Partnership,
    subject: object,
    professionals: Sequence[Professional],
    agencies: Sequence[Agency] = (),
    viewers: Viewers = _ask_each,
    managers: Sequence[Professional] | None = None,
    staff: Callable[[], Sequence[Professional]] | None = None,
) -> Audience:
    """Narrow the rule's ``professionals`` and ``agencies`` to those who may know of ``subject``.

    A sweep passes ``viewers`` (a :class:`ViewersKnown` filled for its batch) and the
    partnership's ``managers`` (``ESCALATION_MANAGER_ROLES``) and its social care ``staff``
    (asked for only when it comes to that), read once per batch.
    """
    addressed = _unique(professionals)
    if subject is None:
        return Audience(professionals=tuple(addressed), agencies=tuple(agencies))
    if managers is None:
        managers = list(
            social_care_with_roles(partnership=partnership, roles=ESCALATION_MANAGER_ROLES)
        )
    # Everyone the usual answer needs, asked together; the wider staff only if it comes to that.
    seen = viewers(subject, [*addressed, *managers])

    def sees(person: Professional) -> bool:
        return person.pk in seen

    readers = [person for person in addressed if sees(person)]
    # The partnership's managers see every record of it that is not restricted, so one of
    # them left out is what marks a need-to-know subject (no manager: nobody addressed sees).
    need_to_know = not all(sees(manager) for manager in managers) or (
        bool(addressed) and not readers
    )
    if not need_to_know:
        return Audience(professionals=tuple(readers), agencies=tuple(agencies))
    for candidates in (
        readers,
        [manager for manager in managers if sees(manager)],
        None,
    ):
        if candidates is None:  # step 4: anyone in social care, asked only now
            everyone = (
                list(social_care_staff(partnership=partnership)) if staff is None else staff()
            )
            staff_seen = viewers(subject, everyone)
            candidates = [person for person in everyone if person.pk in staff_seen]
        if candidates:
            return Audience(professionals=tuple(candidates), need_to_know=True)
    heads = list(social_care_with_roles(partnership=partnership, roles=[Role.HEAD_OF_SERVICE]))
    return Audience(
        professionals=tuple(heads or partnership_admins(partnership=partnership)),
        need_to_know=True,
        blind=True,
    )
