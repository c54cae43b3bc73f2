"""A person's in-app notifications, read cheaply at any size (issue 15, docs/performance.md).

Who is told is decided when a notice is written: one ``Delivery`` row per recipient
(``convene.clocks.audience`` chooses them with need-to-know). Reading them never rebuilds
need-to-know for the whole caseload:

* the badge is one count over the recipient's unread rows (a partial index);
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

from convene.clocks.audience import NOTICE_BLIND
from convene.clocks.models import Clock, Escalation
from convene.clocks.schedule import OPEN_STATES, ReminderKind
from convene.clocks.selectors import escalations_visible_to
from convene.clocks.subjects import visible_subject_keys
from convene.people.models import Professional
from convene.reminders.models import Delivery

PAGE_SIZE = 25
REMINDER_KINDS = frozenset(kind.value for kind in ReminderKind)

__all__ = ["NoticePage", "notice_for", "notices_page", "notices_shown", "notices_unread_count"]


def _theirs(*, user: Professional) -> QuerySet[Delivery]:
    return Delivery.objects.filter(recipient=user, channel=Delivery.Channel.IN_APP)


def notices_unread_count(*, user: Professional) -> int:
    """The navigation badge: one indexed count of the notices written for ``user`` and not
    read. A notice about a record they have since lost sight of is counted until it is read
    or marked read, but never shown or opened (``notices_shown``)."""
    return _theirs(user=user).filter(read_at__isnull=True).count()


def notices_shown(*, user: Professional, rows: Sequence[Delivery]) -> list[Delivery]:
    """Those of ``rows`` (the person's own, a bounded page) that ``user`` may still see.

    A reminder about a clock is shown while the clock's subject is visible to them; a notice
    about an escalation while the escalation is (a blind notice names nothing and is always
    theirs to read). The same rule as ``selectors.notifications_for``, asked of these rows
    only.
    """
    types = ContentType.objects.get_for_models(Clock, Escalation)
    clock_ids = {row.source_id for row in rows if row.source_type_id == types[Clock].pk}
    escalation_ids = {
        row.source_id
        for row in rows
        if row.source_type_id == types[Escalation].pk and row.kind != NOTICE_BLIND
    }
    visible_clocks: set[int] = set()
    done: set[int] = set()
    if clock_ids:
        subjects, done = {}, set()
        for pk, type_id, object_id, state in Clock.objects.filter(pk__in=clock_ids).values_list(
            "pk", "subject_type_id", "subject_id", "state"
        ):
            subjects[pk] = (type_id, object_id)
            if state not in OPEN_STATES:
                done.add(pk)
        seen = visible_subject_keys(user=user, keys=subjects.values())
        visible_clocks = {pk for pk, key in subjects.items() if key in seen}
    visible_escalations: set[int] = set()
    if escalation_ids:
        visible_escalations = set(
            escalations_visible_to(user=user)
            .filter(pk__in=escalation_ids)
            .values_list("pk", flat=True)
        )

    def shown(row: Delivery) -> bool:
        if row.source_type_id == types[Clock].pk:
            # A "due" reminder about a timescale since met or waived has gone stale.
            stale = row.kind in REMINDER_KINDS and row.source_id in done
            return row.source_id in visible_clocks and not stale
        if row.source_type_id == types[Escalation].pk and row.kind != NOTICE_BLIND:
            return row.source_id in visible_escalations
        return True

    return [row for row in rows if shown(row)]


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
