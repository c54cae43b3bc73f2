"""Who may still read a clock's reminder or an escalation's notice, told to the outbox.

The outbox (``convene.reminders``) sits below clocks and never imports it; it asks
the sources registered with :func:`convene.reminders.sources.register_notice_source`.
Registered in :meth:`convene.clocks.apps.ClocksConfig.ready`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from convene.clocks.audience import NOTICE_BLIND
from convene.clocks.models import Clock, Escalation
from convene.clocks.schedule import OPEN_STATES
from convene.clocks.selectors import escalations_visible_among, escalations_visible_to
from convene.clocks.subjects import subject_visible_q, visible_subject_keys
from convene.people.models import Professional
from convene.reminders.sources import NoticeSource, register_notice_source

__all__ = ["register"]


def clocks_with_visible_subject(*, user: Professional) -> QuerySet[Clock]:
    """Running clocks whose subject ``user`` may see: a reminder is shown while its subject
    is, and goes stale once its timescale is met or waived (every clock notice is a reminder
    of something due, issue 18)."""
    return Clock.objects.filter(subject_visible_q(user=user), state__in=OPEN_STATES)


def clocks_with_visible_subject_among(*, user: Professional, ids: Iterable[int]) -> set[int]:
    """Which of a page's clock ``ids`` are running, with a subject ``user`` may see: the
    subjects' own selectors narrowed to those subjects, so the cost follows the page."""
    subjects = {
        pk: (type_id, object_id)
        for pk, type_id, object_id in Clock.objects.filter(
            pk__in=ids, state__in=OPEN_STATES
        ).values_list("pk", "subject_type_id", "subject_id")
    }
    seen = visible_subject_keys(user=user, keys=subjects.values())
    return {pk for pk, key in subjects.items() if key in seen}


def clocks_still_running(ids: set[int]) -> set[int]:
    """Which of these clocks are still running: a reminder about a clock met or waived
    after it was queued is not sent (issue 18)."""
    return set(Clock.objects.filter(pk__in=ids, state__in=OPEN_STATES).values_list("pk", flat=True))


def register() -> None:
    register_notice_source(
        Clock,
        NoticeSource(
            visible=clocks_with_visible_subject,
            visible_among=clocks_with_visible_subject_among,
            still_due=clocks_still_running,
        ),
    )
    # A blind notice names nothing (no reference, no link): it is for those who cannot see.
    register_notice_source(
        Escalation,
        NoticeSource(
            visible=escalations_visible_to,
            # A page of notices asks of its escalations only (bob's notifications 44 ms).
            visible_among=escalations_visible_among,
            open_kinds=frozenset({NOTICE_BLIND}),
        ),
    )
