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

Only for selectors that read nothing but the person and the database: one that also reads a
registry that can change (``children_visible_to`` and those built on it read the registered
child grants, ``convene.core.access.grants_children``) is not remembered.

:func:`remembered_answer` keeps a small answer about the person (not a query: a value read
from the database, such as "invited often?") in the same place, under the same identity,
for a question a request may ask more than once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import QuerySet

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


def remembered_per_person(selector: S) -> S:
    """Decorate ``selector(*, user, **options)``: its query built once per person object,
    identity and options (``per_row`` builds a different query of the same rows)."""

    @functools.wraps(selector)
    def remembered(*, user: Any, **options: Any) -> QuerySet[Any]:
        memo = _memo_of(user)
        if memo is None:
            return selector(user=user, **options)
        key = (selector, _identity(user), tuple(sorted(options.items())))
        built = memo.get(key)
        if built is None:
            built = memo[key] = selector(user=user, **options)
        return built.all()

    return remembered  # type: ignore[return-value]


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
