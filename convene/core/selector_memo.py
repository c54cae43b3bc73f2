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

Across requests (issue 15): building the queries and compiling their frozen SQL was most of
some pages (the escalations list built and compiled 13 subject selectors on every request),
yet the next request of the same person built the very same query again. So a query is also
kept for the process, under the person's identity and their agency's kind, and handed to the
next object of the same shape, only when it is known to be a function of those alone:

* Building it ran no SQL of its own (a look-up while building, such as the Reviewing
  Service's partnerships, would be a value frozen into the query: such a query is kept on
  the object only, as before).
* The values read from the database that it was built from were read through
  :func:`read_for_selectors` (the person's partnership ids, a remembered answer): each is
  read again for the next object (once per request, as the build would have) and the kept
  query is used only if every one is the same; otherwise it is built afresh.
* A selector nested in it brings its own reads, or its being unkept, with it.

The rows stay lazy SQL, run afresh with each query: only the query's construction is shared.
"""

from __future__ import annotations

import contextvars
import functools
import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload

from django.db import connection
from django.db.models import QuerySet

from convene.core.frozen_rows import FrozenRows, with_frozen_rows

__all__ = ["read_for_selectors", "remembered_answer", "remembered_per_person"]

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


# Kept for the process: at most this many queries (a person's dozen selectors, for a
# hundred people), the oldest dropped first.
SHARED_UP_TO = 2048


@dataclass
class _Kept:
    built: QuerySet[Any]
    frozen: FrozenRows
    # What it was built from that came from the database: (reader, value) pairs.
    reads: tuple[tuple[Callable[[Any], Any], Any], ...]
    shareable: bool


@dataclass
class _Build:
    """A selector being built: what it read through ``read_for_selectors`` (and its nested
    selectors read), and whether anything else reached the database meanwhile."""

    reads: list[tuple[Callable[[Any], Any], Any]] = field(default_factory=list)
    shareable: bool = True


_builds: contextvars.ContextVar[tuple[_Build, ...]] = contextvars.ContextVar(
    "convene_selector_builds", default=()
)
_reading: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "convene_selector_reading", default=False
)
_shared: dict[Hashable, _Kept] = {}
_AGENCY_UNREAD = "agency not read"
_shared_lock = threading.Lock()


def _saw_query(execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
    """While a selector is built, SQL not read through ``read_for_selectors``: a value from
    the database frozen into the query, so the query is not kept for the process."""
    if not _reading.get():
        for build in _builds.get():
            build.shareable = False
    return execute(sql, params, many, context)


@contextmanager
def _building() -> Iterator[_Build]:
    build = _Build()
    token = _builds.set((*_builds.get(), build))
    reading = _reading.set(False)  # a selector built inside a read is watched all the same
    try:
        with connection.execute_wrapper(_saw_query):
            yield build
    finally:
        _reading.reset(reading)
        _builds.reset(token)


def _noted(kept: _Kept) -> _Kept:
    """``kept`` handed to a selector being built (nested in it): its reads are the outer's
    too, and an unkept inner query makes the outer one unkept."""
    for build in _builds.get():
        build.reads.extend(read for read in kept.reads if read not in build.reads)
        build.shareable = build.shareable and kept.shareable
    return kept


def read_for_selectors(user: Any, read: Callable[[Any], T]) -> T:
    """``read(user)``: a value from the database (read once per person object by ``read``
    itself) that a selector builds its query from, such as the person's partnership ids.
    A query built from it is kept for the process with the value, and used for another
    object of the person only while ``read`` still gives the same."""
    token = _reading.set(True)
    try:
        value = read(user)
    finally:
        _reading.reset(token)
    for build in _builds.get():
        if (read, value) not in build.reads:
            build.reads.append((read, value))
    return value


def _still_true(user: Any, kept: _Kept) -> bool:
    return all(read_for_selectors(user, read) == value for read, value in kept.reads)


def _shape(user: Any) -> Hashable:
    """What the selectors read of the person besides ``_identity``: their agency's kind
    (``sees_whole_caseload``), when the object has its agency already. Never read here: for
    someone who does not work the caseload no selector reads it, and a build that does
    read it runs SQL, so is not kept for the process (above)."""
    descriptor = getattr(type(user), "agency", None)
    is_cached = getattr(descriptor, "is_cached", None)
    if is_cached is None or not is_cached(user):
        return _AGENCY_UNREAD
    return getattr(user.agency, "kind", None)


def _kept_for(user: Any, key: Hashable, build: Callable[[], QuerySet[Any]]) -> _Kept:
    """The query for ``key``: the process's, if its reads still hold for ``user``, else
    built now (and kept for the process if it may be)."""
    shared_key = (key, _shape(user))
    shared = _shared.get(shared_key)
    if shared is not None and _still_true(user, shared):
        return shared
    with _building() as building:
        built = build()
    kept = _Kept(built, FrozenRows(built), tuple(building.reads), building.shareable)
    if kept.shareable:
        with _shared_lock:
            if len(_shared) >= SHARED_UP_TO:
                _shared.pop(next(iter(_shared)))
            _shared[shared_key] = kept
    return kept


@overload
def remembered_per_person(selector: S) -> S: ...


@overload
def remembered_per_person(*, depends: Callable[[], Hashable]) -> Callable[[S], S]: ...


def remembered_per_person(
    selector: S | None = None, *, depends: Callable[[], Hashable] | None = None
) -> Any:
    """Decorate ``selector(*, user, **options)``: its query built once per person object,
    identity and options (``per_row`` builds a different query of the same rows), and kept
    for the process as the module says.

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
        token = _reading.set(True)  # the identity (roles) is part of the key, not frozen
        try:
            identity = _identity(user)
        finally:
            _reading.reset(token)
        key = (
            selector,
            identity,
            tuple(sorted(options.items())),
            None if depends is None else depends(),
        )
        kept: _Kept | None = memo.get(key)
        if kept is None:
            kept = memo[key] = _kept_for(user, key, lambda: selector(user=user, **options))
        _noted(kept)
        # Marked as its frozen rows: nested by ``among``, its SQL is compiled once.
        return with_frozen_rows(kept.built.all(), kept.frozen)

    return remembered


def remembered_answer(user: Any, question: Callable[[Any], T]) -> T:
    """``question(user)`` read once per person object and identity (as the selectors above):
    a value, kept for the life of ``request.user`` (one request), so a page that asks it twice
    runs its query once. Safe for ``AnonymousUser`` (its identity is read with ``getattr``);
    for an object that keeps no attributes it is asked every time. A selector built from it
    reads it through ``read_for_selectors``, so a query kept for the process holds only while
    the answer does."""
    reader: Callable[[Any], T] = _reader_of(question)
    return read_for_selectors(user, reader)


@functools.cache
def _reader_of(question: Callable[[Any], T]) -> Callable[[Any], T]:
    """One reader a question: a build notes a read once however often it is asked (a new
    ``partial`` each time compared unequal, so each ask was noted and read again)."""
    return functools.partial(_answer, question=question)


def _answer(user: Any, question: Callable[[Any], T]) -> T:
    memo = _memo_of(user)
    if memo is None:
        return question(user)
    key = (question, _identity(user))
    if key not in memo:
        memo[key] = question(user)
    answer: T = memo[key]
    return answer
