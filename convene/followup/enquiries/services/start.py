"""Starting S47 enquiries from an authorised S47 decision (single or joint), one per child."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from convene.audit.models import Action as AuditAction
from convene.audit.services import audit_record_children
from convene.core.errors import Conflict, NotAllowed, require_aware
from convene.discussions.models import Discussion
from convene.followup.census import check_no_open_s47
from convene.followup.enquiries.services.steps import DECIDED, clock_for
from convene.followup.models import S47Enquiry
from convene.followup.roles import works_cases
from convene.followup.vocab import S47Lead
from convene.people.models import Professional
from convene.policy.vocab import ClockKind, Decision
from convene.records.models import RecordVersion


def _start(version: RecordVersion, by: Professional, now: datetime) -> list[S47Enquiry]:
    """One enquiry per child of the decision not yet under one from this discussion, each
    audited, and the 24-hour visit clock where the record started none. Refused (Conflict)
    if a child already has an open S47 enquiry from another discussion (DfE 8890)."""
    record = version.record
    discussion = Discussion.objects.select_for_update().get(pk=record.discussion_id)
    decision = Decision(version.decision)
    started = set(discussion.s47_enquiries.values_list("child_id", flat=True))
    children = [c for c in discussion.children.order_by("pk") if c.pk not in started]
    if not children:
        return []
    check_no_open_s47(children, exclude_discussion=discussion.pk)  # before anything is written
    lead = S47Lead.JOINT if decision == Decision.S47_JOINT else S47Lead.SINGLE_AGENCY
    enquiries = [
        S47Enquiry.objects.create(
            partnership=discussion.partnership,
            discussion=discussion,
            record_version=version,
            child=child,
            lead=lead.value,
            started_at=now,
            decided_at=record.held_at,
            created_by=by,
            modified_by=by,
        )
        for child in children
    ]
    for enquiry in enquiries:
        audit_record_children(
            actor=by,
            action=AuditAction.CREATE,
            obj=enquiry,
            summary=f"Started S47 enquiry {enquiry.reference} from {discussion.reference}",
            children=[enquiry.child],
        )
    # The record started the 24-hour visit clock when it authorised the decision (R003.8);
    # where it did not, start it now under the same rule, never a second one.
    clock_for(
        discussion=discussion,
        kind=ClockKind.S47_VISIT,
        children=children,
        decision=decision,
        decided_at=record.held_at,
        by=by,
    )
    return enquiries


def _version(version: RecordVersion) -> RecordVersion:
    return RecordVersion.objects.select_related(
        "record__discussion__referral", "record__discussion__partnership"
    ).get(pk=version.pk)


@transaction.atomic
def s47_enquiries_start_on_authorisation(
    *, version: RecordVersion, by: Professional, now: datetime
) -> list[S47Enquiry]:
    """The records app's hook (``records.on_authorise``): an authorised S47 decision (single
    or joint) starts its enquiries with the authorisation, by the manager who authorised it
    (issue 18). Any other decision, or a correction whose children are all started, starts
    nothing; a child with an open enquiry elsewhere refuses the authorisation."""
    require_aware(now, "now")
    if not Decision(version.decision).starts_s47:
        return []
    return _start(_version(version), by, now)


@transaction.atomic
def s47_enquiries_start(
    *, version: RecordVersion, by: Professional, now: datetime
) -> list[S47Enquiry]:
    """Start what an authorised S47 decision has not started (a decision authorised before
    enquiries started with the authorisation): one enquiry per child, as on authorisation.

    The version must be the record's latest: a correction that changed the
    decision away from S47 starts nothing. Children already under an enquiry
    from this discussion are skipped; with none left it is refused.
    """
    require_aware(now, "now")
    version = _version(version)
    record = version.record
    discussion = record.discussion
    if not works_cases(user=by, partnership=discussion.partnership_id):
        raise NotAllowed(
            "Only a social worker or manager of the partnership's children's social care "
            "starts S47 enquiries"
        )
    if not Decision(version.decision).starts_s47:
        raise Conflict(
            f"The decision of {discussion.reference} is not a S47 enquiry: nothing to start"
        )
    if record.latest_number != version.number or record.draft_open:
        raise Conflict(
            f"{discussion.reference}'s record is being corrected or has a newer version: start "
            "the enquiry from the authorised version in force"
        )
    if discussion.state not in DECIDED:
        raise Conflict(f"{discussion.reference} has not been authorised")
    enquiries = _start(version, by, now)
    if not enquiries:
        raise Conflict(f"The S47 enquiries of {discussion.reference} have already started")
    return enquiries
