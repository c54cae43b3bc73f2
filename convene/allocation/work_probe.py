"""Which of My work's sections may have rows, asked of all of them in one query (issue 15).

Most sections are empty for most people most of the time (bob, a team manager on the demo:
11 of 17). An empty section cost as much CPU as a full one: Django built and compiled its
need-to-know (nested selectors, thousands of characters of SQL) to find nothing, about
1.5-7 ms each. So a section may declare its *candidates* (:func:`may_have`): the rows it
could show before need-to-know narrows them, as small querysets a few conditions long.
:func:`sections_live` asks every declared section's candidates in one query
(``SELECT EXISTS(...), EXISTS(...) ...``) and ``work_unnamed`` builds only the sections with
some. A section with candidates is built and asked as before, need-to-know and all.

What keeps it honest:

* Candidates are a superset of the section's rows: its own conditions (shared with the
  section, never copied) without need-to-know, which only ever narrows. No candidate, no
  row: skipping shows the same list (``tests/allocation/test_my_work_probe.py`` compares).
* Nothing is kept: it is asked afresh on every request, as the sections are.
* A candidate query is asked only where it is cheap at any size: by primary key of a
  caseload listed by id (``Mine.ids``), or by the owner's own index. Where it is not (a
  manager's caseload walked per row), the candidates function returns None and the
  section runs as before, unprobed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import Exists, QuerySet

from convene.people.models import Professional

__all__ = ["Live", "may_have", "sections_live"]

# (user, mine, now) -> the candidate querysets (any row in any: the section may have rows),
# or None where they cannot be asked cheaply (the section is then built unasked).
Candidates = Callable[[Professional, Any, datetime], Sequence[QuerySet[Any]] | None]
F = TypeVar("F", bound=Callable[..., Any])

_CANDIDATES: dict[Callable[..., Any], Candidates] = {}


def may_have(candidates: Candidates, *, of_listed: bool = True) -> Callable[[F], F]:
    """Declare a section's candidates (the module says what they must be). ``of_listed``:
    candidates of the person's own cases, asked only of a caseload listed by id."""

    def declare(section: F) -> F:
        kind = getattr(section, "own_kind", None)  # ``work_rows.of_own``'s

        def asked(user: Professional, mine: Any, now: datetime) -> Sequence[QuerySet[Any]] | None:
            if of_listed and getattr(mine, "ids", None) is None:
                return None
            if kind is not None and not mine.holds(kind):
                return []  # none of that kind held: empty, nothing to ask
            return candidates(user, mine, now)

        _CANDIDATES[section] = asked
        return section

    return declare


@dataclass(frozen=True)
class Live:
    """The sections found to have no candidates this request; every other one is built."""

    empty: frozenset[Callable[..., Any]]

    def may(self, section: Callable[..., Any]) -> bool:
        return section not in self.empty


def sections_live(
    *, user: Professional, mine: Any, now: datetime, sections: Sequence[Callable[..., Any]]
) -> Live:
    """Of ``sections``, those with no candidate row, found in one query (none when no section
    declares candidates that may be asked)."""
    asked: dict[Callable[..., Any], Sequence[QuerySet[Any]]] = {}
    for section in sections:
        candidates = _CANDIDATES.get(section)
        found = None if candidates is None else candidates(user, mine, now)
        if found is not None:
            asked[section] = found
    columns = {
        f"s{i}_{j}": Exists(qs)  # ``Exists`` drops the ordering itself
        for i, found in enumerate(asked.values())
        for j, qs in enumerate(found)
    }
    answer: dict[str, Any] = {}
    if columns:
        # One row to hang the EXISTS columns on: the person's own, by primary key.
        one = Professional.objects.filter(pk=user.pk).order_by().values(**columns)[:1]
        found_rows = list(one)
        if not found_rows:  # no such row (never while signed in): build every section
            return Live(frozenset())
        answer = dict(found_rows[0])
    return Live(
        frozenset(
            section
            for i, (section, found) in enumerate(asked.items())
            if not any(answer[f"s{i}_{j}"] for j in range(len(found)))
        )
    )
