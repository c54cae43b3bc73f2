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
  (:mod:`convene.clocks.audience`); :func:`may_see_subject` for one person.

A subject of a model nobody registered is seen by nobody (and logged): a new
kind of clock subject must say who may see it before anyone is told about it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, IntegerField, Q, QuerySet, Value, prefetch_related_objects

from convene.core.access import among
from convene.people.models import Child, Professional

__all__ = [
    "SubjectSelector",
    "case_key_of",
    "case_paths",
    "caseload_visible_q",
    "may_see_subject",
    "register_subject_selector",
    "registered_subject_models",
    "subject_viewers",
    "subject_visible_q",
    "subjects_viewers",
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
    *, subjects: Iterable[object], candidates: Iterable[Professional]
) -> dict[SubjectKey, set[int]]:
    """Which of ``candidates`` may see each of ``subjects``: a sweep's batch asked at once.

    Each person's own selector is narrowed to the batch's subjects of a model
    (``selector(user=...).filter(pk__in=ids)``) and the people's answers are joined
    with ``UNION ALL`` into one query per model (per hundred people), so the cost
    follows the number of subject models and people, not the number of subjects.
    Subjects of an unregistered model are seen by nobody, as in :func:`subject_viewers`.
    """
    people = list({person.pk: person for person in candidates}.values())
    by_model: dict[SubjectSelector, dict[Any, SubjectKey]] = {}
    answers: dict[SubjectKey, set[int]] = {}
    for subject in subjects:
        key = subject_key(subject)
        answers[key] = set()
        selector = _selector_for(subject)
        if selector is not None and key[1] is not None:
            by_model.setdefault(selector, {})[key[1]] = key
    if not people or not by_model:
        return answers
    prefetch_related_objects(people, "agency", "role_grants")
    for selector, ids in by_model.items():
        for start in range(0, len(people), _VIEWERS_CHUNK):
            parts = []
            for person in people[start : start + _VIEWERS_CHUNK]:
                sees = selector(user=person).filter(pk__in=list(ids))
                if not sees.query.is_empty():
                    parts.append(
                        sees.order_by().values_list(
                            Value(person.pk, output_field=IntegerField()), "pk"
                        )
                    )
            if not parts:
                continue
            query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
            for person_pk, pk in query:
                answers[ids[pk]].add(person_pk)
    return answers


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
