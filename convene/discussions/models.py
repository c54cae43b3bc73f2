"""Strategy discussions and meetings, and the professionals invited to them.

A discussion moves ``requested → scheduled → held → recorded → authorised →
distributed → confirmed`` (DESIGN.md), or to ``cancelled`` with a reason from
any state before ``held``. This app's services move it as far as
``scheduled`` and ``cancelled``; the record takes it on from ``held``.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from convene.core.models import TrackedModel, holder_link, professional_link
from convene.people.models import Child, Partnership
from convene.referrals.models import Referral


def is_web_link(value: str) -> bool:
    """An http(s) address: the only kind of virtual meeting link taken, or offered as a link
    to follow (a ``javascript:`` link would run when clicked)."""
    try:
        URLValidator(schemes=["https", "http"])(value.strip())
    except ValidationError:
        return False
    return True


class DiscussionKind(models.TextChoices):
    # The values are the policy's pathways (convene.policy.vocab.Pathway).
    DISCUSSION = "strategy_discussion", "Strategy discussion"
    MEETING = "strategy_meeting", "Strategy meeting"


class DiscussionState(models.TextChoices):
    REQUESTED = "requested", "Requested"
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    RECORDED = "recorded", "Recorded"
    AUTHORISED = "authorised", "Authorised"
    DISTRIBUTED = "distributed", "Distributed"
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"


# Still to happen (``Discussion.is_live``); as values, so the partial index's condition
# and the queries it answers are written alike.
LIVE_STATES = [DiscussionState.SCHEDULED.value, DiscussionState.REQUESTED.value]


class Discussion(TrackedModel):
    Kind = DiscussionKind
    State = DiscussionState

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="discussions"
    )
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="discussions")
    held_by = holder_link()  # its own allocation's worker, or its referral's
    # The children discussed: the referral's, and siblings or other children of the
    # household where they are affected too (R001.13).
    children = models.ManyToManyField(Child, related_name="discussions")
    kind = models.CharField(max_length=30, choices=DiscussionKind.choices)
    state = models.CharField(
        max_length=20, choices=DiscussionState.choices, default=DiscussionState.REQUESTED
    )
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    venue = models.CharField(max_length=300, blank=True)
    virtual_link = models.URLField(max_length=500, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="discussions_chaired",
    )
    # The calendar identity of the invitation: one UID for the life of the discussion,
    # SEQUENCE raised by every change that is sent out (RFC 5545).
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancel_reason = models.TextField(blank=True)
    # When the referrer was last sent the preparation checklist or a change (R003.4).
    referrer_notified_at = models.DateTimeField(null=True, blank=True)
    # The soonest open "outcome notified" and ICPC clocks, kept by the clock services
    # (``convene.clocks.due_columns``, registered in ``apps.py``): My work's "tell the
    # referrer" and conference queues order by them (issue 15). Null: none open.
    outcome_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    icpc_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The discussion whose record decided a Single Assessment and set the date to
    # reconvene (R002.13): holding this one meets that discussion's reconvene clock.
    reconvenes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reconvened_as"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["partnership", "state", "starts_at"]),
            # "My invitations" finds the discussions still to happen (issue 15): a few among
            # every discussion ever held, so a partial index of those alone, by their end.
            models.Index(
                fields=["ends_at"],
                condition=Q(state__in=LIVE_STATES),
                name="discussion_live_ends",
            ),
            # Partial: only discussions whose outcome is still to be told.
            models.Index(
                fields=["outcome_due_at", "id"],
                condition=Q(outcome_due_at__isnull=False),
                name="discussion_outcome_untold",
            ),
            # My work's conferences, soonest ICPC clock first (issue 15): partial, only the
            # discussions with an open ICPC clock, walked up to the page instead of hashing
            # every open conference with every discussion.
            models.Index(
                fields=["icpc_due_at", "id"],
                condition=Q(icpc_due_at__isnull=False),
                name="discussion_icpc_due",
            ),
            # My work's meetings to hold, soonest first (issue 15): partial, only the scheduled,
            # walked in the list's order up to the page instead of reading and sorting every
            # scheduled meeting due within a day, past ones left unmarked included (2,547).
            models.Index(
                fields=["starts_at", "id"],
                condition=Q(state="scheduled"),
                name="discussion_scheduled_starts",
            ),
            # A manager's meetings to hold (a caseload walked, ``held_by`` or ``chair``): the
            # scheduled ones they hold and those they chair, each from its own partial index,
            # so only theirs are read (447 of 4,606 scheduled for a team manager at a million
            # discussions: 6.3 ms → 2.5, issue 15).
            models.Index(
                fields=["held_by", "starts_at", "id"],
                condition=Q(state="scheduled"),
                name="discussion_scheduled_held",
            ),
            models.Index(
                fields=["chair", "starts_at", "id"],
                condition=Q(state="scheduled"),
                name="discussion_scheduled_chair",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=DiscussionState.values), name="discussion_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DiscussionKind.values), name="discussion_kind_valid"
            ),
            # Once scheduled, a discussion has a time, a place and a chair.
            models.CheckConstraint(
                condition=Q(state__in=["requested", "cancelled"])
                | (
                    Q(starts_at__isnull=False, ends_at__isnull=False, chair__isnull=False)
                    & (~Q(venue="") | ~Q(virtual_link=""))
                ),
                name="discussion_scheduled_has_time_place_chair",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gt=models.F("starts_at")),
                name="discussion_ends_after_start",
            ),
            models.CheckConstraint(
                condition=(
                    Q(state="cancelled")
                    & Q(cancelled_at__isnull=False, cancelled_by__isnull=False)
                    & ~Q(cancel_reason="")
                )
                | (~Q(state="cancelled") & Q(cancelled_at__isnull=True)),
                name="discussion_cancelled_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"

    @property
    def reference(self) -> str:
        return self.reference_of(self.pk) if self.pk else "D(new)"

    @staticmethod
    def reference_of(pk: int) -> str:
        """The reference of the discussion ``pk``, without loading it (a list of keys)."""
        return f"D{pk:06d}"

    def get_absolute_url(self) -> str:
        # Reminders link here: the page answers 404 to anyone who may not see it.
        return reverse("discussions:detail", args=[self.pk])

    @property
    def link_to_follow(self) -> str:
        """The virtual meeting link when it is a web address: never offer ``javascript:``
        (or anything stored before links were checked) as a link."""
        return self.virtual_link.strip() if is_web_link(self.virtual_link) else ""

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_STATES

    @property
    def held_at(self) -> datetime | None:
        """When it took place (its record's time), once held; None before (or cancelled)."""
        if self.is_live or self.state == self.State.CANCELLED:
            return None
        try:
            return self.record.held_at
        except ObjectDoesNotExist:
            return None


class Invitation(TrackedModel):
    """A professional invited to a discussion. Never a family member (R002.10, R003.5):
    the invitee is a ``Professional`` and the services refuse anyone outside the partnership."""

    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="invitations")
    # Indexed by ``invitation_person_newest``, which leads with it.
    professional = professional_link(related_name="invitations", db_index=False)

    class Response(models.TextChoices):
        INVITED = "invited", "No reply yet"
        ACCEPTED = "accepted", "Attending"
        APOLOGIES = "apologies", "Apologies"

    response = models.CharField(max_length=20, choices=Response.choices, default=Response.INVITED)
    response_note = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    # Delivery: the discussion's SEQUENCE last sent to this person, and when.
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_sequence = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            # "My invitations" pages a person's past invitations newest first (issue 15):
            # walked from the newest, it stops at the page; it also answers every look-up
            # by person, so the plain foreign-key index it replaces would only repeat it.
            # It carries the discussion (PostgreSQL's INCLUDE), so "the discussions I am
            # invited to", which every partner's need-to-know asks, is read from the index
            # alone: not one table page per invitation (a police officer's 5,023: 7 of her
            # home page's 23 ms at a million discussions).
            models.Index(
                fields=["professional", "-id"],
                include=["discussion"],
                name="invitation_person_newest",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["discussion", "professional"], name="unique_invitation"
            ),
            models.CheckConstraint(
                condition=Q(response="invited") | Q(responded_at__isnull=False),
                name="invitation_response_has_time",
            ),
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True, sent_sequence__isnull=True)
                | Q(sent_at__isnull=False, sent_sequence__isnull=False),
                name="invitation_sent_with_sequence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.professional} to {self.discussion}"
