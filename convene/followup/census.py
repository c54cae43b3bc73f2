"""The Children in Need census rules about S47 enquiries and ICPCs, checked at entry.

The Department for Education validates the census return once a year (rules
published with the census specification and run by Data to Insight's
``csc-validator-be-cin``). A mistake found then is months old and hard to put
right, so the rules that concern what Convene records are checked here, when a
person enters the data, and the same definitions build the return
(``convene.returns.cin``):

- an ICPC is not held on a weekend (DfE 8875; the target date, 8870Q);
- an ICPC is not before the S47 enquiry started (8615), nor before the referral (1104);
- a child has one open S47 enquiry at a time (8890, 8839);
- a S47 enquiry open more than 15 working days with no ICPC date and no
  "ICPC not required" is drift (8675Q), listed by ``s47_drifting``.

"Open" is the census's meaning: no date of ICPC and not "ICPC not required".
An enquiry is concluded once its outcome goes anywhere but an ICPC (ICPC not
required) or its ICPC has been held.

Messages say what is wrong in plain words; the rule numbers are in ``WHY``,
which the pages show in a "Why?" details component.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

from django.db.models import Q, QuerySet

from convene.core.errors import Conflict, Invalid
from convene.followup.models import S47Enquiry
from convene.followup.vocab import IcpcState, Route, S47State
from convene.people.models import Child
from convene.policy.loader import load_pack
from convene.workdays import LONDON, london_date

__all__ = [
    "DRIFT_WORKING_DAYS",
    "WHY",
    "check_icpc_after_start",
    "check_icpc_day",
    "check_no_open_s47",
    "drift_cutoff",
    "drift_due_at",
    "open_s47_q",
    "s47_drifting",
]

# DfE 8675Q: an enquiry started more than 15 working days ago should have an ICPC date or
# be marked "ICPC not required" (R002.12 sets the same 15 working days).
DRIFT_WORKING_DAYS = 15

WHY: dict[str, str] = {
    "icpc_weekend": (
        "The Department for Education's Children in Need census refuses a conference dated "
        "on a Saturday or Sunday (validation rule 8875) and queries a target date that is one "
        "(8870Q)."
    ),
    "icpc_before_s47": (
        "The census needs the date of the initial child protection conference to be on or "
        "after the start of the Section 47 enquiry, the day of the strategy discussion that "
        "decided it (validation rules 8615 and 1104)."
    ),
    "second_open_s47": (
        "The census refuses a Section 47 enquiry that starts while another for the same child "
        "is still open, that is with no conference date and not marked as needing no "
        "conference (validation rules 8890 and 8839)."
    ),
    "drift": (
        "The census queries a Section 47 enquiry that started more than 15 working days ago "
        "with no conference date and not marked as needing no conference (validation rule "
        "8675Q). Working Together sets the same 15 working days (R002.12)."
    ),
}


def check_icpc_day(day: date, *, field: str) -> None:
    """DfE 8875: a conference is never held on a weekend."""
    if day.weekday() >= 5:
        raise Invalid(
            f"{day:%A} {day.day} {day:%B %Y} is a weekend: choose a weekday for the conference",
            field=field,
        )


def check_icpc_after_start(day: date, *, s47_started_on: date, field: str) -> None:
    """DfE 8615 (and 1104, the referral being earlier still): not before the S47 began."""
    if day < s47_started_on:
        raise Invalid(
            f"The conference cannot be before the Section 47 enquiry started on "
            f"{s47_started_on:%A} {s47_started_on.day} {s47_started_on:%B %Y}",
            field=field,
        )


def open_s47_q(prefix: str = "") -> Q:
    """Enquiries open in the census's sense: no ICPC held and no outcome that needs none."""
    p = prefix
    concluded = (
        Q(**{f"{p}state__in": [S47State.OUTCOME_RECORDED, S47State.CLOSED]})
        & ~Q(**{f"{p}route": Route.ICPC.value})
    ) | Q(**{f"{p}icpc__state": IcpcState.HELD.value})
    return ~concluded


def check_no_open_s47(children: Iterable[Child], *, exclude_discussion: int | None = None) -> None:
    """DfE 8890, 8839: one open S47 enquiry per child. Raises naming the first child that has
    one (the caller is children's social care of the child's partnership, who may see it)."""
    ids = [c.pk for c in children]
    qs = S47Enquiry.objects.filter(open_s47_q(), child_id__in=ids)
    if exclude_discussion is not None:
        qs = qs.exclude(discussion_id=exclude_discussion)
    found = qs.select_related("child").order_by("started_at", "pk").first()
    if found is not None:
        raise Conflict(
            f"{found.child.full_name} already has an open Section 47 enquiry "
            f"({found.reference}, started {found.started_at:%d %B %Y}). Record its outcome, "
            "or hold its initial child protection conference, before starting another"
        )


def drift_cutoff(*, policy_id: str, now: datetime) -> date:
    """The last day on which a S47 enquiry could have started and not yet be drifting: 15
    working days (the partnership's calendar) before today."""
    calendar = load_pack(policy_id).calendar
    day = london_date(now)
    # On a weekend the clock ran out on the Friday: count back from the next working day.
    if not calendar.is_working_day(day):
        day = calendar.next_working_day(day)
    for _ in range(DRIFT_WORKING_DAYS):
        day = calendar.previous_working_day(day)
    return day


def drift_due_at(*, decided_at: datetime, policy_id: str) -> datetime:
    """When an enquiry decided at ``decided_at`` starts drifting (8675Q): the end of the 15th
    working day (the partnership's calendar) after the discussion that decided it. The same
    rule as ``drift_cutoff``, seen from the enquiry rather than from today."""
    calendar = load_pack(policy_id).calendar
    day = calendar.add_working_days(london_date(decided_at), DRIFT_WORKING_DAYS)
    return datetime.combine(day, time(23, 59), tzinfo=LONDON)


def s47_drifting(
    qs: QuerySet[S47Enquiry], *, policy_id: str, now: datetime
) -> QuerySet[S47Enquiry]:
    """Of ``qs`` (a visibility selector's queryset), the enquiries open more than 15 working
    days (from the discussion that decided them) with no ICPC date set and not marked "ICPC
    not required": the census's 8675Q, for drift lists and My work. Oldest first."""
    cutoff = drift_cutoff(policy_id=policy_id, now=now)
    return (
        qs.filter(
            open_s47_q(),
            decided_at__lt=datetime.combine(cutoff, time(0), tzinfo=LONDON),
        )
        .filter(Q(icpc__isnull=True) | Q(icpc__conference_at__isnull=True))
        .select_related("child", "discussion")
        .order_by("decided_at", "pk")
    )
