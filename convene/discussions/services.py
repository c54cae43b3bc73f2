"""Writes of discussions: convene, schedule, reschedule, invite, cancel, respond.

Each function checks everything before it writes (nothing is saved when one
refuses), runs in one transaction and queues its emails to go after commit.
Rules come from the policy engine: who may chair (R001.5, R002.4) and who
must attend (R001.4, R002.4) are never decided here.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from django.db import transaction

from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.audit.services import audit_record_children
from convene.core.errors import (
    Conflict,
    Invalid,
    Problems,
    check_text,
    stale,
)
from convene.discussions.checks import (
    _check_attendance,
    _check_chair,
    _check_convenor,
    _check_invitees,
    _check_schedule,
    create_checks,
    with_chair,
)
from convene.discussions.models import Discussion, Invitation
from convene.discussions.notices import Notice, queue_notices, when_text
from convene.discussions.transitions import discussion_transition
from convene.people.models import Child, Professional
from convene.referrals.models import Referral
from convene.referrals.services import referral_close, referral_note_convening

_LIVE = (Discussion.State.REQUESTED, Discussion.State.SCHEDULED)


def _audit(
    discussion: Discussion,
    *,
    action: Action,
    summary: str,
    by: Professional,
    context: AuditContext | None,
    obj: Invitation | None = None,
) -> None:
    """One audit entry per child discussed, in the caller's transaction."""
    audit_record_children(
        actor=by,
        action=action,
        obj=obj or discussion,
        children=discussion.children.all(),
        summary=f"{summary} ({discussion.get_kind_display().lower()} {discussion.reference})",
        context=context,
    )


def _locked(discussion: Discussion, expected_version: int | None, now: datetime) -> Discussion:
    current = Discussion.objects.select_for_update().get(pk=discussion.pk)
    if expected_version is not None and current.version != expected_version:
        raise stale(
            noun="discussion",
            changed_by=current.modified_by,
            changed_at=current.modified_at,
            now=now,
        )
    return current


def _convenor_locks(
    discussion: Discussion,
    *,
    by: Professional,
    expected_version: int,
    now: datetime,
    states: Collection[str] = _LIVE,
    refusal: str = "This discussion is {state}",
) -> Discussion:
    """A convenor's change: the discussion locked at the version they read, and in one of
    ``states`` (else a Conflict, ``refusal`` naming the state it is in)."""
    _check_convenor(by, discussion.partnership)
    discussion = _locked(discussion, expected_version, now)
    if discussion.state not in states:
        raise Conflict(refusal.format(state=discussion.get_state_display().lower()))
    return discussion


def _save(discussion: Discussion, by: Professional, fields: Collection[str]) -> None:
    discussion.version += 1
    discussion.modified_by = by
    discussion.save(update_fields=[*fields, "version", "modified_by", "modified_at"])


@transaction.atomic
def discussion_create(
    *,
    referral: Referral,
    children: Sequence[Child],
    kind: str,
    chair: Professional | None,
    invitees: Sequence[object] = (),
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    venue: str = "",
    virtual_link: str = "",
    allow_missing_required: bool = False,
    by: Professional,
    now: datetime,
    context: AuditContext | None = None,
) -> Discussion:
    """Convene a strategy discussion or meeting for one or more children.

    With a start and end it is scheduled and the invitations go out after
    commit; without, it is requested and scheduled later.
    """
    _check_convenor(by, referral.partnership)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status not in {Referral.Status.TRIAGED, Referral.Status.CONVENING}:
        raise Conflict(
            "Nothing to convene: this referral is awaiting triage"
            if referral.status == Referral.Status.AWAITING_TRIAGE
            else f"Nothing to convene: this referral is closed ({referral.closed_reason})"
        )
    people = create_checks(
        referral,
        children=children,
        kind=kind,
        chair=chair,
        invitees=invitees,
        when=(starts_at, ends_at, venue, virtual_link),
        allow_missing_required=allow_missing_required,
        now=now,
    )
    scheduled = starts_at is not None or ends_at is not None

    discussion = Discussion.objects.create(
        partnership=referral.partnership,
        referral=referral,
        kind=kind,
        state=Discussion.State.SCHEDULED if scheduled else Discussion.State.REQUESTED,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue.strip(),
        virtual_link=virtual_link.strip(),
        chair=chair,
        created_by=by,
        modified_by=by,
    )
    discussion.children.set(children)
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(discussion=discussion, professional=person, created_by=by, modified_by=by)
            for person in people
        ]
    )
    referral_note_convening(referral=referral, convening=True, by=by, context=context)
    if referral.restricted:
        referral.named_people.add(by, *([chair] if chair else []))
    _audit(
        discussion,
        action=Action.CREATE,
        summary=(
            f"Arranged for {when_text(starts_at, ends_at)}, {len(invitations)} invited"
            if scheduled
            else "Requested, without a time yet"
        ),
        by=by,
        context=context,
    )
    if scheduled:
        queue_notices(
            now=now,
            by=by,
            discussion=discussion,
            invitations=invitations,
            notice=Notice.INVITATION,
            referrer=True,
        )
    return discussion


def _set_schedule(
    discussion: Discussion,
    *,
    starts_at: datetime,
    ends_at: datetime,
    venue: str,
    virtual_link: str,
) -> None:
    discussion.starts_at = starts_at
    discussion.ends_at = ends_at
    discussion.venue = venue.strip()
    discussion.virtual_link = virtual_link.strip()


@transaction.atomic
def discussion_schedule(
    *,
    discussion: Discussion,
    starts_at: datetime,
    ends_at: datetime,
    venue: str = "",
    virtual_link: str = "",
    chair: Professional | None = None,
    allow_missing_required: bool = False,
    by: Professional,
    now: datetime,
    expected_version: int,
    context: AuditContext | None = None,
) -> Discussion:
    """Give a requested discussion its time, place (and chair); the invitations go out."""
    discussion = _convenor_locks(discussion, by=by, expected_version=expected_version, now=now)
    if discussion.state == Discussion.State.SCHEDULED:
        raise Conflict("This discussion is already scheduled: reschedule it instead")
    children = list(discussion.children.all())
    chair = chair or discussion.chair
    if chair is None:
        raise Invalid("Select who chairs the discussion", field="chair")
    problems = Problems()
    with problems.check():
        _check_chair(discussion.referral, chair, children)
    with problems.check():
        _check_schedule(
            starts_at=starts_at, ends_at=ends_at, venue=venue, virtual_link=virtual_link, now=now
        )
    problems.raise_any()
    invited = [i.professional for i in discussion.invitations.select_related("professional")]
    people = with_chair(chair, invited)
    _check_attendance(
        discussion.referral, children, people, discussion.kind, allow_missing_required
    )
    if chair.pk not in {person.pk for person in invited}:
        Invitation.objects.create(
            discussion=discussion, professional=chair, created_by=by, modified_by=by
        )
    _set_schedule(
        discussion, starts_at=starts_at, ends_at=ends_at, venue=venue, virtual_link=virtual_link
    )
    discussion.chair = chair
    discussion_transition(
        discussion=discussion,
        to=Discussion.State.SCHEDULED,
        by=by,
        at=now,
        fields=["starts_at", "ends_at", "venue", "virtual_link", "chair"],
    )
    _audit(
        discussion,
        action=Action.CHANGE,
        summary=f"Scheduled for {when_text(starts_at, ends_at)}",
        by=by,
        context=context,
    )
    queue_notices(
        now=now,
        by=by,
        discussion=discussion,
        invitations=list(discussion.invitations.all()),
        notice=Notice.INVITATION,
        referrer=True,
    )
    return discussion


@transaction.atomic
def discussion_reschedule(
    *,
    discussion: Discussion,
    starts_at: datetime,
    ends_at: datetime,
    venue: str = "",
    virtual_link: str = "",
    by: Professional,
    now: datetime,
    expected_version: int,
    context: AuditContext | None = None,
) -> Discussion:
    """Move a scheduled discussion: SEQUENCE goes up and everyone gets the updated invitation.

    The convene-by clock belongs to the referral and is not moved: a new time
    after the deadline shows as late on the pages and in the work list.
    """
    discussion = _convenor_locks(
        discussion,
        by=by,
        expected_version=expected_version,
        now=now,
        states=(Discussion.State.SCHEDULED,),
        refusal="Only a scheduled discussion can be rescheduled; this one is {state}",
    )
    _check_schedule(
        starts_at=starts_at, ends_at=ends_at, venue=venue, virtual_link=virtual_link, now=now
    )
    before = (discussion.starts_at, discussion.ends_at, discussion.venue, discussion.virtual_link)
    if before == (starts_at, ends_at, venue.strip(), virtual_link.strip()):
        raise Invalid("The new time and place are the same as before", field="starts_at")
    previous = when_text(discussion.starts_at, discussion.ends_at)
    _set_schedule(
        discussion, starts_at=starts_at, ends_at=ends_at, venue=venue, virtual_link=virtual_link
    )
    discussion.sequence += 1
    _save(discussion, by, ["starts_at", "ends_at", "venue", "virtual_link", "sequence"])
    _audit(
        discussion,
        action=Action.CHANGE,
        summary=f"Rescheduled from {previous} to {when_text(starts_at, ends_at)}",
        by=by,
        context=context,
    )
    queue_notices(
        now=now,
        by=by,
        discussion=discussion,
        invitations=list(discussion.invitations.all()),
        notice=Notice.UPDATE,
        referrer=True,
        previous=previous,
    )
    return discussion


@transaction.atomic
def discussion_invite(
    *,
    discussion: Discussion,
    invitees: Sequence[object],
    by: Professional,
    now: datetime,
    expected_version: int,
    context: AuditContext | None = None,
) -> list[Invitation]:
    """Invite more professionals; a scheduled discussion's invitations go out to them now."""
    discussion = _convenor_locks(discussion, by=by, expected_version=expected_version, now=now)
    if not invitees:
        raise Invalid("Select at least one person to invite", field="invitees")
    already = set(discussion.invitations.values_list("professional_id", flat=True))
    people = _check_invitees(discussion.partnership, invitees, already)
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(discussion=discussion, professional=person, created_by=by, modified_by=by)
            for person in people
        ]
    )
    _save(discussion, by, [])
    _audit(
        discussion,
        action=Action.CHANGE,
        summary="Invited " + ", ".join(str(person) for person in people),
        by=by,
        context=context,
    )
    if discussion.state == Discussion.State.SCHEDULED:
        queue_notices(
            now=now,
            by=by,
            discussion=discussion,
            invitations=invitations,
            notice=Notice.INVITATION,
            referrer=False,
        )
    return invitations


@transaction.atomic
def discussion_cancel(
    *,
    discussion: Discussion,
    reason: str,
    close_referral: bool = False,
    by: Professional,
    now: datetime,
    expected_version: int,
    context: AuditContext | None = None,
) -> Discussion:
    """Cancel with a reason; invitees get a calendar cancellation.

    The duty to convene stays with the referral (its convene-by clock keeps
    running) unless ``close_referral``: then the referral is closed and its
    clock waived with the same reason.
    """
    discussion = _convenor_locks(
        discussion,
        by=by,
        expected_version=expected_version,
        now=now,
        refusal="Only a requested or scheduled discussion can be cancelled; this one is {state}",
    )
    if not reason.strip():
        raise Invalid("Enter the reason for cancelling", field="reason")
    check_text(reason=reason)
    others_live = (
        Discussion.objects.filter(referral=discussion.referral_id, state__in=_LIVE)
        .exclude(pk=discussion.pk)
        .exists()
    )
    if close_referral and others_live:
        raise Invalid(
            "Another discussion is still arranged for this referral: cancel it too before "
            "closing the referral",
            field="close_referral",
        )
    was_scheduled = discussion.state == Discussion.State.SCHEDULED
    discussion.cancelled_by = by
    discussion.cancel_reason = reason.strip()
    discussion.sequence += 1
    discussion_transition(
        discussion=discussion,
        to=Discussion.State.CANCELLED,
        by=by,
        at=now,
        fields=["cancelled_by", "cancel_reason", "sequence"],
    )
    _audit(
        discussion,
        action=Action.CHANGE,
        summary="Cancelled" + (", and the referral closed" if close_referral else ""),
        by=by,
        context=context,
    )
    if close_referral:
        referral_close(referral=discussion.referral, reason=reason, by=by, now=now, context=context)
    elif not others_live:
        referral_note_convening(
            referral=discussion.referral, convening=False, by=by, context=context
        )
    if was_scheduled:
        queue_notices(
            now=now,
            by=by,
            discussion=discussion,
            # Those told, or being told, of it: decided by the outbox.
            invitations=list(discussion.invitations.select_related("professional")),
            notice=Notice.CANCELLATION,
            referrer=True,
        )
    return discussion


@transaction.atomic
def invitation_respond(
    *,
    invitation: Invitation,
    response: str,
    note: str = "",
    by: Professional,
    now: datetime,
    context: AuditContext | None = None,
) -> Invitation:
    """Accept, or send apologies (with a note): by the invitee, or recorded by a manager."""
    invitation = (
        Invitation.objects.select_for_update().select_related("discussion").get(pk=invitation.pk)
    )
    discussion = invitation.discussion
    own = invitation.professional_id == by.pk
    if not own:
        _check_convenor(by, discussion.partnership)
    if discussion.state != Discussion.State.SCHEDULED:
        raise Conflict(f"This discussion is {discussion.get_state_display().lower()}")
    check_text(note=note)
    if response not in {Invitation.Response.ACCEPTED, Invitation.Response.APOLOGIES}:
        raise Invalid("Select whether you can attend", field="response")
    if response == Invitation.Response.APOLOGIES and not note.strip() and not own:
        raise Invalid("Enter the apologies as given", field="note")
    invitation.response = response
    invitation.response_note = note.strip()
    invitation.responded_at = now
    invitation.modified_by = by
    invitation.save(
        update_fields=["response", "response_note", "responded_at", "modified_by", "modified_at"]
    )
    answered = "Accepted" if response == Invitation.Response.ACCEPTED else "Sent apologies for"
    _audit(
        discussion,
        obj=invitation,
        action=Action.CHANGE,
        summary=f"{answered} the invitation"
        + ("" if own else f" on behalf of {invitation.professional}"),
        by=by,
        context=context,
    )
    return invitation
