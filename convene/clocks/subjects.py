"""Who may see a clock's subject: the owning app's own selector, registered once.

A clock, an escalation and a reminder are *about* a record of another app (a
referral, a discussion, an action...). Whether a person may see that record is
decided by that app's ``*_visible_to`` selector and nowhere else; a restricted
referral (an allegation against a member of staff) is the case that matters:
only the people named on it see it (``referrals_visible_to``). So each subject
app registers its selector here in its ``AppConfig.ready()``::

    from convene.clocks.subjects import register_subject_selector

    register_subject_selector(Referral, referrals_visible_to, case="pk")

``case`` is the path from the subject to its case referral's key (``"referral"``
for a discussion, ``"record__discussion__referral"`` for an action, ``"pk"`` for
the referral itself, whose selector is then *the case rule*). ``clock_start``
stores that key on each clock (``case_key_of``), escalations copy it, and the
caseload's lists ask need-to-know as one condition on it
(:func:`caseload_visible_q`). The clocks app asks these selectors, never the
restricted flag itself:

* :func:`subject_visible_q` filters escalations, clocks and notifications to
  those whose subject the person may see (one SQL query, no loop);
* :func:`subject_viewers` answers for many people and one subject in a single
  query, which is how escalations and reminders are addressed
  (:mod:`convene.clocks.audience`); :func:`may_see_subject` for one person;
  :func:`subjects_viewers_each` for a sweep's batch, settled from the case keys first.

A subject of a model nobody registered is seen by nobody (and logged): a new
kind of clock subject must say who may see it before anyone is told about it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, IntegerField, Q, QuerySet, Value, prefetch_related_objects

from convene.core.access import among, sees_whole_caseload
from convene.people.models import Child, Professional
from convene.people.selectors import partnership_ids_learn

__all__ = [
    "SubjectSelector",
    "case_key_of",
    "case_paths",
    "caseload_visible_keys",
    "caseload_visible_q",
    "may_see_subject",
    "register_subject_selector",
    "registered_subject_models",
    "subject_viewers",
    "subject_visible_q",
    "subjects_viewers",
    "subjects_viewers_each",
    "visible_subject_keys",
]

logger = logging.getLogger(__name__)

# ``visible_to(user=...)``: the owning app's selector of what a person may see.
SubjectSelector = Callable[..., QuerySet[Any]]

_selectors: dict[type[models.Model], SubjectSelector] = {}
# The path from a subject to its case referral's key ("pk": the subject is the case).
_case_paths: dict[type[models.Model], str] = {}


def register_subject_selector(
    model: type[models.Model], visible_to: SubjectSelector, *, case: str | None = None
) -> None:
    """``visible_to(user=...)`` answers who may see ``model`` subjects; ``case`` is the lookup
    path from one to its case referral (``"pk"``: it is the case, and ``visible_to`` is the
    case rule). Registering again replaces both."""
    _selectors[model] = visible_to
    _case_paths.pop(model, None)
    if case is not None:
        _case_paths[model] = case


def case_paths() -> dict[type[models.Model], str]:
    """Each registered subject model's path to its case referral (the migration's backfill
    and the tests read them)."""
    return dict(_case_paths)


def case_key_of(subject: object) -> int | None:
    """The primary key of the case (referral) ``subject`` hangs from: None for no subject, a
    subject of no case, or a model that registered no path. At most one query."""
    if subject is None:
        return None
    path = next((_case_paths[k] for k in type(subject).__mro__ if k in _case_paths), None)
    pk = getattr(subject, "pk", None)
    if path is None or pk is None:
        return None
    if path == "pk":
        return int(pk)
    if "__" not in path:
        return getattr(subject, f"{path}_id", None)
    manager = type(subject)._default_manager  # type: ignore[attr-defined]
    key = manager.filter(pk=pk).values_list(path, flat=True).first()
    return None if key is None else int(key)


def _case_rule() -> SubjectSelector | None:
    """The selector of the model registered as the case itself (``case="pk"``)."""
    return next((_selectors[m] for m, path in _case_paths.items() if path == "pk"), None)


def registered_subject_models() -> frozenset[type[models.Model]]:
    _builtin()
    return frozenset(_selectors)


def _builtin() -> None:
    # Children need no subject app: the people app's selector is the one answer.
    if Child not in _selectors:
        from convene.people.selectors import children_visible_to

        _selectors[Child] = children_visible_to


def _selector_for(subject: object) -> SubjectSelector | None:
    _builtin()
    for klass in type(subject).__mro__:
        if klass in _selectors:
            return _selectors[klass]
    return None


def may_see_subject(*, user: Professional, subject: object) -> bool:
    """May ``user`` see ``subject``, as its own app's selector says? None: nothing to hide."""
    if subject is None:
        return True
    selector = _selector_for(subject)
    if selector is None:
        logger.error(
            "No subject selector for %s: nobody is told about it "
            "(register one with convene.clocks.subjects.register_subject_selector)",
            type(subject).__name__,
        )
        return False
    pk = getattr(subject, "pk", None)
    return pk is not None and selector(user=user).filter(pk=pk).exists()


# People asked about per query: an OR of this many terms stays well inside SQLite's
# expression depth limit (1,000) and PostgreSQL's planner's comfort.
_VIEWERS_CHUNK = 100


def subject_viewers(*, subject: object, candidates: Iterable[Professional]) -> set[int]:
    """The primary keys of those ``candidates`` who may see ``subject``, as its app's selector
    says, in ONE query (per hundred people), however many are asked.

    Each person's own selector is narrowed to the subject's primary key and asked as an
    ``EXISTS`` (it stops at the first row), all of them ORed into one query over the
    people: one round trip instead of one per person. None: nothing to hide, all may.
    """
    people = list({person.pk: person for person in candidates}.values())
    if subject is None:
        return {person.pk for person in people}
    selector = _selector_for(subject)
    pk = getattr(subject, "pk", None)
    if selector is None:
        logger.error(
            "No subject selector for %s: nobody is told about it "
            "(register one with convene.clocks.subjects.register_subject_selector)",
            type(subject).__name__,
        )
        return set()
    if pk is None:
        return set()
    # The selectors read each person's roles and agency: fetched here for all at once.
    prefetch_related_objects(people, "agency", "role_grants")
    partnership_ids_learn(people)
    viewers: set[int] = set()
    for start in range(0, len(people), _VIEWERS_CHUNK):
        condition = Q(pk__in=[])
        for person in people[start : start + _VIEWERS_CHUNK]:
            sees = selector(user=person).filter(pk=pk)
            if not sees.query.is_empty():  # an inactive person's selector: none at all
                condition |= Q(pk=person.pk) & Q(Exists(sees.order_by()))
        found = Professional.objects.filter(condition).values_list("pk", flat=True)
        viewers.update(found)
    return viewers


# A subject's key in answers about many subjects: its model and primary key.
SubjectKey = tuple[type, Any]


def subject_key(subject: object) -> SubjectKey:
    return (type(subject), getattr(subject, "pk", None))


def subjects_viewers(
    *,
    subjects: Iterable[object],
    candidates: Iterable[Professional],
    cases: Mapping[SubjectKey, int | None] | None = None,
) -> dict[SubjectKey, set[int]]:
    """Which of ``candidates`` may see each of ``subjects``: a sweep's batch asked at once
    (:func:`subjects_viewers_each` with the same people for every subject)."""
    people = list({person.pk: person for person in candidates}.values())
    return subjects_viewers_each(asks=[(subject, people) for subject in subjects], cases=cases)


def subjects_viewers_each(
    *,
    asks: Iterable[tuple[object, Sequence[Professional]]],
    cases: Mapping[SubjectKey, int | None] | None = None,
) -> dict[SubjectKey, set[int]]:
    """Which of its own candidates may see each subject of ``asks``, set-based (issue 15).

    ``cases``: each subject's case key (``Clock.case_referral``). Then, for the people who
    work the caseload (``sees_whole_caseload``), the case rule is asked of the keys first,
    one ``UNION ALL`` of each person's rule narrowed to their keys (a primary-key probe on
    the referrals): a case they may see settles every subject of it, as in
    :func:`caseload_visible_q`. Only the pairs it does not settle (a restricted case, a
    subject of no case, a partner) are asked of the subjects' own selectors, each person's
    narrowed to their subjects of a model, joined with ``UNION ALL`` into one query per model
    (per hundred people). The cost follows the number of people and subject models, not of
    subjects. Subjects of an unregistered model are seen by nobody (:func:`subject_viewers`).
    """
    answers: dict[SubjectKey, set[int]] = {}
    wanted: dict[SubjectKey, tuple[object, dict[int, Professional]]] = {}
    # One object per person (the same person may come as several), so what is fetched
    # below for each is fetched once and seen by every question about them.
    everyone: dict[int, Professional] = {}
    for subject, people in asks:
        key = subject_key(subject)
        answers.setdefault(key, set())
        if _selector_for(subject) is not None and key[1] is not None:
            entry = wanted.setdefault(key, (subject, {}))
            for person in people:
                entry[1][person.pk] = everyone.setdefault(person.pk, person)
    if not everyone:
        return answers
    # The selectors read each person's roles, agency and partnerships: fetched here for all
    # at once (each person's partnerships were one query each: 154 per sweep at 50,000).
    prefetch_related_objects(list(everyone.values()), "agency", "role_grants")
    partnership_ids_learn(everyone.values())
    settled = _settle_by_case(wanted, answers, cases) if cases else set()
    rule = _case_rule()
    # What the case rule did not settle: each person asked of their subjects, per model.
    by_selector: dict[SubjectSelector, dict[int, tuple[Professional, dict[Any, SubjectKey]]]]
    by_selector = {}
    for key, (subject, asked_of) in wanted.items():
        selector = _selector_for(subject)
        assert selector is not None
        # A case (a referral) whose key is itself: for those the case rule was asked of, its
        # answer was this subject's own selector's, "no" included; not asked again (it was a
        # second UNION ALL of every manager per batch, returning nothing: issue 15).
        own_case = selector is rule and cases is not None and cases.get(key) == key[1]
        for person in asked_of.values():
            if own_case and person.pk in settled:
                continue
            if person.pk not in answers[key]:
                mine = by_selector.setdefault(selector, {}).setdefault(person.pk, (person, {}))
                mine[1][key[1]] = key
    for selector, asked in by_selector.items():
        rows = (
            (person.pk, selector(user=person).filter(pk__in=list(ids)), ids)
            for person, ids in asked.values()
        )
        for person_pk, pk, ids in _union_rows(rows):
            answers[ids[pk]].add(person_pk)
    return answers


def _settle_by_case(
    wanted: Mapping[SubjectKey, tuple[object, Mapping[int, Professional]]],
    answers: dict[SubjectKey, set[int]],
    cases: Mapping[SubjectKey, int | None],
) -> set[int]:
    """Add to ``answers`` each caseload person whose case rule shows the subject's case; return
    the people whose case rule was asked (those who work the caseload)."""
    rule = _case_rule()
    if rule is None:
        return set()
    # Whether each person works the caseload, asked once each (not once per subject).
    works: dict[int, bool] = {}
    keys_of: dict[int, tuple[Professional, dict[int, int]]] = {}
    for key, (_, people) in wanted.items():
        case = cases.get(key)
        if case is None:
            continue
        for person in people.values():
            if person.pk not in works:
                works[person.pk] = sees_whole_caseload(user=person)
            if works[person.pk]:
                keys_of.setdefault(person.pk, (person, {}))[1][case] = case
    rows = (
        (person.pk, rule(user=person).filter(pk__in=list(ids)), ids)
        for person, ids in keys_of.values()
    )
    seen: set[tuple[int, int]] = {(person_pk, case) for person_pk, case, _ in _union_rows(rows)}
    for key, (_, people) in wanted.items():
        case = cases.get(key)
        if case is not None:
            answers[key].update(pk for pk in people if (pk, case) in seen)
    return {pk for pk, asked in works.items() if asked}


def _union_rows(
    rows: Iterable[tuple[int, QuerySet[Any], Mapping[Any, Any]]],
) -> Iterator[tuple[int, Any, Mapping[Any, Any]]]:
    """``(person pk, row pk, ids)`` for each row of each person's queryset: the querysets joined
    with ``UNION ALL``, one query per hundred people (an empty selector is skipped)."""
    parts: list[tuple[int, QuerySet[Any], Mapping[Any, Any]]] = [
        row for row in rows if not row[1].query.is_empty()
    ]
    for start in range(0, len(parts), _VIEWERS_CHUNK):
        chunk = parts[start : start + _VIEWERS_CHUNK]
        ids_of = {person_pk: ids for person_pk, _, ids in chunk}
        queries = [
            sees.order_by().values_list(Value(person_pk, output_field=IntegerField()), "pk")
            for person_pk, sees, _ in chunk
        ]
        query = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
        for person_pk, pk in query:
            yield person_pk, pk, ids_of[person_pk]


def subject_visible_q(
    *,
    user: Professional,
    type_field: str = "subject_type",
    id_field: str = "subject_id",
    per_row: bool = False,
) -> Q:
    """A ``Q`` over rows with a generic subject (``type_field``, ``id_field``): the subject is
    absent, or one ``user`` may see. Subjects of unregistered models never match.
    ``per_row``: each subject probed by primary key, never a hashed set (``among``)."""
    _builtin()
    condition = Q(**{f"{type_field}__isnull": True})
    # One look-up for every registered model (cached after the first), not one each.
    content_types = ContentType.objects.get_for_models(*_selectors)
    for model, selector in _selectors.items():
        content_type = content_types[model]
        # EXISTS per row (``among``), not IN: the whole caseload is never built to list 20.
        seen = among(selector(user=user), id_field, per_row=per_row)
        condition |= Q(**{type_field: content_type.pk}) & Q(seen)
    return condition


def visible_subject_keys(
    *, user: Professional, keys: Iterable[tuple[int | None, int | None]]
) -> set[tuple[int | None, int | None]]:
    """Which of a bounded set of ``(content type id, object id)`` subjects ``user`` may see.

    One query per registered model present among ``keys``, each the owning app's selector
    narrowed to those ids (``selector(user=...).filter(pk__in=ids)``): the database starts
    from the primary keys, so the cost follows the number of keys, not the caseload. A
    ``(None, None)`` key (no subject) is always visible; unregistered models never are.
    """
    _builtin()
    wanted: dict[int, set[int]] = {}
    seen: set[tuple[int | None, int | None]] = set()
    for type_id, object_id in keys:
        if type_id is None:
            seen.add((type_id, object_id))
        elif object_id is not None:
            wanted.setdefault(type_id, set()).add(object_id)
    content_types = ContentType.objects.get_for_models(*_selectors)
    for model, selector in _selectors.items():
        type_id = content_types[model].pk
        ids = wanted.get(type_id)
        if ids:
            found = selector(user=user).filter(pk__in=ids).values_list("pk", flat=True)
            seen.update((type_id, pk) for pk in found)
    return seen


def caseload_visible_q(*, user: Professional) -> Q:
    """Need-to-know over clocks or escalations for someone who works the caseload
    (``sees_whole_caseload``), as one condition on the stored case key (issue 15).

    The case rule first: the case app's own selector (the referrals': partnership mine and
    not restricted, or it names me or I made it), probed by primary key per row walked
    (``among(..., per_row=True)``: never the caseload built as a hashed set). For the caseload
    every subject of a case it may see is visible too, so that settles nearly every row
    with one probe. Only a row whose case it may not see (a restricted case: it may still
    be invited to the discussion) or that has no case key falls back to the subject's own
    selector (:func:`subject_visible_q`). Same answer as ``subject_visible_q`` alone; not
    for partners, who see a case's records only as they are invited.
    """
    by_subject = subject_visible_q(user=user, per_row=True)
    rule = _case_rule()
    if rule is None:
        return by_subject
    return Q(among(rule(user=user), "case_referral", per_row=True)) | by_subject


def caseload_visible_keys(*, user: Professional, keys: Iterable[int]) -> set[int]:
    """Which of a bounded set of case (referral) ``keys`` the case rule lets ``user`` see: the
    first half of :func:`caseload_visible_q` asked of a page's keys, one query probed by
    primary key (none without a case rule or keys). For someone who works the caseload a
    visible case settles every clock and escalation of it; the rest are asked of their
    subjects (:func:`visible_subject_keys`)."""
    wanted = {key for key in keys if key is not None}
    rule = _case_rule()
    if rule is None or not wanted:
        return set()
    return set(rule(user=user).filter(pk__in=wanted).values_list("pk", flat=True))
