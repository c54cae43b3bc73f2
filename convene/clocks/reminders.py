"""Deciding which clock reminders are due, through the outbox.

The schedule is :func:`convene.clocks.schedule.reminders_due`; this module
only finds the clocks it may apply to, works out who hears, and records the
decision (:func:`convene.reminders.services.deliveries_decide`), whose unique
constraint makes each reminder go once per clock, kind and recipient.

Who hears: the team managers and deputy team managers of the partnership's
children's social care, plus whoever the subject's app names as responsible
(:func:`convene.clocks.parties.resolve_responsible`), narrowed to those who may
see the subject (:func:`convene.clocks.audience.audience_for`: a restricted
referral's clock reminds only the people named on it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Final

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from convene.clocks.audience import audience_for
from convene.clocks.labels import CLOCK_KIND_LABELS
from convene.clocks.models import Clock
from convene.clocks.parties import resolve_responsible
from convene.clocks.schedule import REMINDER_LABELS, ReminderKind, reminders_due
from convene.clocks.selectors import REMINDER_ROLES, social_care_with_roles
from convene.clocks.status import describe_time_left
from convene.people.models import Agency, Partnership, Professional
from convene.policy.vocab import ClockKind
from convene.reminders.models import Delivery
from convene.reminders.services import deliveries_decide
from convene.workdays import LONDON

__all__ = ["clock_reminders_decide"]

# The earliest a reminder opens before the due time: 08:00 on the day before a
# deadline at the end of the next day is 40 hours; a little more for safety.
_LOOKAHEAD: Final = timedelta(hours=48)
_BATCH: Final = 500


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def clock_reminders_decide(
    *, now: datetime, on_error: Callable[[int, Exception], None] | None = None
) -> int:
    """Decide every clock reminder due at ``now``; return how many deliveries were added.

    Each clock in its own transaction; with ``on_error`` a clock that fails is
    reported (clock id, error) and the others are still reminded.
    """
    clock_type = ContentType.objects.get_for_model(Clock)
    overdue_decided = Delivery.objects.filter(
        source_type=clock_type, source_id=OuterRef("pk"), kind=ReminderKind.OVERDUE.value
    )
    candidates = list(
        Clock.objects.filter(
            Q(state=Clock.State.PENDING, due_at__lte=now + _LOOKAHEAD)
            | Q(state=Clock.State.BREACHED)
        )
        .exclude(Q(due_at__lt=now) & Exists(overdue_decided))
        .values_list("pk", flat=True)
    )
    added = 0
    managers: dict[int, list[Professional]] = {}
    for batch in _chunks(candidates, _BATCH):
        decided: set[tuple[int, str]] = set(
            Delivery.objects.filter(
                source_type=clock_type,
                source_id__in=batch,
                kind__in=[kind.value for kind in ReminderKind],
            )
            .values_list("source_id", "kind")
            .distinct()
        )
        for clock in Clock.objects.filter(pk__in=batch).select_related("partnership"):
            kinds = [k for k in reminders_due(clock=clock, now=now) if (clock.pk, k) not in decided]
            if not kinds:
                continue
            try:
                added += _clock_remind(clock=clock, kinds=kinds, now=now, managers=managers)
            except Exception as error:
                if on_error is None:
                    raise
                on_error(clock.pk, error)
    return added


@transaction.atomic
def _clock_remind(
    *,
    clock: Clock,
    kinds: Sequence[ReminderKind],
    now: datetime,
    managers: dict[int, list[Professional]],
) -> int:
    partnership: Partnership = clock.partnership
    if partnership.pk not in managers:
        managers[partnership.pk] = list(
            social_care_with_roles(partnership=partnership, roles=REMINDER_ROLES)
        )
    subject = clock.subject
    people = list(managers[partnership.pk])
    agencies: list[Agency] = []
    responsible = resolve_responsible(subject)
    if responsible:
        people = list({p.pk: p for p in [*people, *responsible.professionals]}.values())
        agencies = list(responsible.agencies)
    # Need-to-know: about a restricted record only the people named on it are reminded.
    audience = audience_for(
        partnership=partnership, subject=subject, professionals=people, agencies=agencies
    )
    if audience.blind:
        # Nobody who may see it can be found: the escalation, when it comes, says so blind.
        return 0
    people, agencies = list(audience.professionals), list(audience.agencies)
    link = _link(subject)
    what = CLOCK_KIND_LABELS[ClockKind(clock.kind)]
    due = clock.due_at.astimezone(LONDON)
    due_text = f"{due.day} {due:%B %Y at %H:%M}"
    added = 0
    for kind in kinds:
        added += deliveries_decide(
            partnership=partnership,
            source=clock,
            kind=kind.value,
            professionals=people,
            agencies=agencies,
            subject=f"{REMINDER_LABELS[kind]}: {what}",
            body=(
                f"{REMINDER_LABELS[kind]}: {what}"
                + (f" ({clock.summary})" if clock.summary else "")
                + f".\nDue {due_text}, {describe_time_left(due_at=clock.due_at, now=now)}."
                + f"\nRule: {clock.citation}"
            ),
            link=link,
            now=now,
        )
    return added


def _link(subject: object) -> str:
    get_url = getattr(subject, "get_absolute_url", None)
    if callable(get_url):
        return str(get_url())
    return ""
