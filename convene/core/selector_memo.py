"""Remember a selector's query on the person it was built for, for the life of that object.

A need-to-know selector (``referrals_visible_to(user=...)``) returns a lazy ``QuerySet``: SQL
not yet run, so it never goes stale as records change. Building one costs Python, though
(the nested selectors under it are rebuilt each time), and one page asks the same selector
many times (every clock subject's selector nests the referrals' and the discussions'): on the
demo's escalations list that building was most of the request (issue 15).

:func:`remembered_per_person` keeps the built query on the person object itself, so it
lives as long as ``request.user`` (one request) and is never shared with anyone else. It is
keyed by everything of the person the selectors read (active, agency, roles),
so changing any of these on the same object builds afresh. Each call returns a fresh clone:
a caller that evaluates or narrows it never touches the remembered one.

Only for selectors that read nothing but the person and the database, or say what else they
read that can change (``depends``: ``children_visible_to`` and those built on it read the
registered child grants, ``convene.core.access.grants_children``), which is then part of the key.

Each query handed out carries its :class:`~convene.core.frozen_rows.FrozenRows`: nested in
another query by ``convene.core.access.among``, its SQL is compiled once per request, not
rebuilt for every query that nests it (issue 15).

:func:`remembered_answer` keeps a small answer about the person (not a query: a value read
from the database, such as "invited often?") in the same place, under the same identity,
for a question a request may ask more than once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, overload

from django.db.models import QuerySet

from convene.core.frozen_rows import FrozenRows, with_frozen_rows

__all__ = ["remembered_answer", "remembered_per_person"]

S = TypeVar("S", bound=Callable[..., QuerySet[Any]])
T = TypeVar("T")

_ATTRIBUTE = "_convene_selector_memo"


def _identity(user: Any) -> tuple[Any, ...]:
    """What of the person the selectors read: a change to any of it builds afresh.

    Read with ``getattr``: a page open to the signed-out (``AnonymousUser``, which has no
    agency and no roles) asks the same selectors, and must get their empty answer, not an
    ``AttributeError``."""
    return (
        user.pk,
        user.is_active,
        getattr(user, "agency_id", None),
        getattr(user, "role_set", frozenset()),
    )


def _memo_of(user: Any) -> dict[Any, Any] | None:
    """The person object's memo, made on first use; None for an object that keeps no
    attributes (nothing can be kept on it, so the caller asks afresh)."""
    memo: dict[Any, Any] | None = getattr(user, _ATTRIBUTE, None)
    if memo is None:
        memo = {}
        try:
            setattr(user, _ATTRIBUTE, memo)
        except AttributeError:
            return None
    return memo


@overload
def remembered_per_person(selector: S) -> S: ...


@overload
def remembered_per_person(*, depends: Callable[[], Hashable]) -> Callable[[S], S]: ...


def remembered_per_person(
    selector: S | None = None, *, depends: Callable[[], Hashable] | None = None
) -> Any:
    """Decorate ``selector(*, user, **options)``: its query built once per person object,
    identity and options (``per_row`` builds a different query of the same rows).

    ``depends``: what else the selector reads that can change (a registry, such as the child
    grants): its answer is part of the key, so registering another builds afresh. Used as
    ``@remembered_per_person`` or ``@remembered_per_person(depends=...)``."""
    if selector is None:
        return functools.partial(remembered_per_person, depends=depends)

    @functools.wraps(selector)
    def remembered(*, user: Any, **options: Any) -> QuerySet[Any]:
        memo = _memo_of(user)
        if memo is None:
            return selector(user=user, **options)
        key = (
            selector,
            _identity(user),
            tuple(sorted(options.items())),
            None if depends is None else depends(),
        )
        kept = memo.get(key)
        if kept is None:
            built = selector(user=user, **options)
            kept = memo[key] = (built, FrozenRows(built))
        built, frozen = kept
        # Marked as its frozen rows: nested by ``among``, its SQL is compiled once.
        return with_frozen_rows(built.all(), frozen)

    return remembered


def remembered_answer(user: Any, question: Callable[[Any], T]) -> T:
    """``question(user)`` read once per person object and identity (as the selectors above):
    a value, kept for the life of ``request.user`` (one request), so a page that asks it twice
    runs its query once. Safe for ``AnonymousUser`` (its identity is read with ``getattr``);
    for an object that keeps no attributes it is asked every time."""
    memo = _memo_of(user)
    if memo is None:
        return question(user)
    key = (question, _identity(user))
    if key not in memo:
        memo[key] = question(user)
    answer: T = memo[key]
    return answer
