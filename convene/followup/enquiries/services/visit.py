"""The S47 visit: when, who, whether the child was seen alone (R003.8)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction

from convene.audit.models import Action as AuditAction
from convene.audit.services import audit_record_children
from convene.core.errors import Conflict, Invalid
from convene.followup.enquiries.selectors import discussion_clocks
from convene.followup.enquiries.services.steps import (
    State,
    check_worker,
    decided_at,
    for_change,
    meet,
    save,
)
from convene.followup.models import S47Enquiry
from convene.people.models import Professional
from convene.people.vocab import AgencyKind
from convene.policy.vocab import ClockKind


@transaction.atomic
def s47_visit_record(
    *,
    enquiry: S47Enquiry,
    visited_at: datetime,
    visitors: Sequence[Professional],
    seen_alone: bool,
    not_seen_alone_reason: str = "",
    notes: str = "",
    by: Professional,
    now: datetime,
    expected_version: int | None = None,
) -> S47Enquiry:
    """Record the visit: when, who, whether the child was seen alone and, if not, why.

    Once every child of the discussion has been visited, the discussion's 24-hour
    visit clock (R003.8) is met at the last visit: on time within 24 hours of the
    discussion, late after.
    """
    enquiry = for_change(
        enquiry,
        check=lambda: check_worker(by, enquiry),
        now=now,
        expected_version=expected_version,
        moments={"visited_at": visited_at},
    )
    if enquiry.state != State.STARTED:
        raise Conflict("The visit has already been recorded")
    if visited_at > now:
        raise Invalid("The visit cannot be in the future", field="visited_at")
    if visited_at < decided_at(enquiry):
        raise Invalid(
            "The visit must be after the strategy discussion that decided the S47 enquiry",
            field="visited_at",
        )
    people: list[Professional] = []
    for person in visitors:
        agency = person.agency
        if agency is None or not agency.partnerships.filter(pk=enquiry.partnership_id).exists():
            raise Invalid(
                f"{person} is not a professional of the partnership's agencies", field="visitors"
            )
        if all(p.pk != person.pk for p in people):
            people.append(person)
    if not any(p.agency is not None and p.agency.kind == AgencyKind.SOCIAL_CARE for p in people):
        raise Invalid(
            "Children's social care visits: record the social worker who visited",
            field="visitors",
        )
    reason = not_seen_alone_reason.strip()
    if not seen_alone and not reason:
        raise Invalid("Say why the child was not seen alone", field="not_seen_alone_reason")
    enquiry.visited_at = visited_at
    enquiry.seen_alone = seen_alone
    enquiry.not_seen_alone_reason = "" if seen_alone else reason
    enquiry.visit_notes = notes.strip()
    enquiry.state = State.VISITED
    save(enquiry, by, ["visited_at", "seen_alone", "not_seen_alone_reason", "visit_notes", "state"])
    enquiry.visitors.set(people)
    audit_record_children(
        actor=by,
        action=AuditAction.CHANGE,
        obj=enquiry,
        summary=f"Recorded the visit of S47 enquiry {enquiry.reference}",
        children=[enquiry.child],
    )
    siblings = S47Enquiry.objects.filter(discussion=enquiry.discussion_id)
    if not siblings.filter(state=State.STARTED).exists():
        last = max(e.visited_at for e in siblings if e.visited_at is not None)
        clocks = discussion_clocks(discussion=enquiry.discussion, kinds=[ClockKind.S47_VISIT])
        meet(clocks[0] if clocks else None, at=last, by=by)
    return enquiry
