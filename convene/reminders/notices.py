"""A person's in-app notifications, read cheaply at any size (issue 15, docs/performance.md).

Who is told is decided when a notice is written: one ``Delivery`` row per recipient
(the writing app chooses them with need-to-know). Reading them never rebuilds
need-to-know for the whole caseload:

* the badge is one count over the recipient's unread rows (a partial index), stopping at
  ``BADGE_CAP + 1`` (a team manager may have 90,000 unread: counting them all took 0.5 s
  on every page);
* the list is a keyset page of the recipient's rows, newest first, and only the rows of
  that page are checked again, in a few set-based queries (one per kind of subject), so a
  notice about a record the person may no longer see is not shown;
* opening one (``/notifications/<pk>/``) checks again and answers 404 if it is hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from convene.people.models import Professional
from convene.reminders.models import Delivery
from convene.reminders.sources import NoticeSource, notice_sources

PAGE_SIZE = 25
# The badge counts up to this many and then says "99+".
BADGE_CAP = 99

__all__ = [
    "BADGE_CAP",
    "NoticePage",
    "notice_for",
    "notices_badge",
    "notices_page",
    "notices_shown",
    "notices_unread_count",
]


def _theirs(*, user: Professional) -> QuerySet[Delivery]:
    return Delivery.objects.filter(recipient=user, channel=Delivery.Channel.IN_APP)


def notices_unread_count(*, user: Professional) -> int:
    """The navigation badge: one indexed count of the notices written for ``user`` and not
    read. A notice about a record they have since lost sight of is counted until it is read
    or marked read, but never shown or opened (``notices_shown``)."""
    return _theirs(user=user).filter(read_at__isnull=True).count()


def notices_badge(*, user: Professional) -> str:
    """The navigation badge's text: the unread count up to ``BADGE_CAP``, then "99+", ""
    for none. One count that stops at ``BADGE_CAP + 1`` rows of the partial index, so it
    costs the same for 100 unread notices as for 100,000."""
    unread = _theirs(user=user).filter(read_at__isnull=True)[: BADGE_CAP + 1].count()
    return f"{BADGE_CAP}+" if unread > BADGE_CAP else str(unread or "")


def notices_shown(*, user: Professional, rows: Sequence[Delivery]) -> list[Delivery]:
    """Those of ``rows`` (the person's own, a bounded page) that ``user`` may still see.

    A notice is shown while its source row is visible to them, as the source's app says
    (``convene.reminders.sources``: a clock's reminder while the clock's subject is, an
    escalation's notice while the escalation is; a blind notice names nothing and is always
    theirs to read). The same rule as ``selectors.notifications_for``, asked of these rows
    only: one query per kind of source on the page.
    """
    sources = notice_sources()
    types = ContentType.objects.get_for_models(*sources) if sources else {}
    asked: dict[int, tuple[NoticeSource, set[int]]] = {
        types[model].pk: (source, set()) for model, source in sources.items()
    }
    for row in rows:
        entry = asked.get(row.source_type_id or 0)
        if entry is not None and row.kind not in entry[0].open_kinds:
            entry[1].add(row.source_id)
    # One query per kind of source present on the page, not one per row.
    visible = {
        type_id: _visible_among(source, user=user, ids=ids)
        for type_id, (source, ids) in asked.items()
        if ids
    }

    def shown(row: Delivery) -> bool:
        entry = asked.get(row.source_type_id or 0)
        if entry is None or row.kind in entry[0].open_kinds:
            return True
        return row.source_id in visible.get(row.source_type_id or 0, set())

    return [row for row in rows if shown(row)]


def _visible_among(source: NoticeSource, *, user: Professional, ids: set[int]) -> set[int]:
    if source.visible_among is not None:
        return source.visible_among(user=user, ids=ids)
    return set(source.visible(user=user).filter(pk__in=ids).values_list("pk", flat=True))


@dataclass(frozen=True)
class NoticePage:
    notices: list[Delivery]
    # The pk to pass as ``before`` for the next, older page; None on the last page.
    older: int | None
    first: bool


def notices_page(*, user: Professional, before: int | None, size: int = PAGE_SIZE) -> NoticePage:
    """One page of ``user``'s notices, newest first, starting after the notice ``before``
    (keyset: no offset, no count of them all). An unknown ``before`` starts at the newest."""
    rows = _theirs(user=user).order_by("-decided_at", "-pk")
    start = None
    if before is not None:
        start = _theirs(user=user).filter(pk=before).values_list("decided_at", flat=True).first()
    if start is not None:
        rows = rows.filter(Q(decided_at__lt=start) | Q(decided_at=start, pk__lt=before))
    fetched = list(rows[: size + 1])
    page = fetched[:size]
    older = page[-1].pk if len(fetched) > size else None
    return NoticePage(notices=notices_shown(user=user, rows=page), older=older, first=start is None)


def notice_for(*, user: Professional, pk: int) -> Delivery | None:
    """``user``'s own notice ``pk`` if they may still see it, else None (the page is a 404)."""
    row = _theirs(user=user).filter(pk=pk).first()
    if row is None or not notices_shown(user=user, rows=[row]):
        return None
    return row
