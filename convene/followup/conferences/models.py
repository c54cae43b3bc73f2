"""The Initial Child Protection Conference a S47 enquiry's outcome asks for (R001.14, R002.12)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from convene.core.models import done_at, done_by, version_field
from convene.followup.vocab import ICPC_STATE_LABELS, IcpcState, choices
from convene.people.models import PartnershipRecord


class Icpc(PartnershipRecord):
    """The Initial Child Protection Conference that a S47 enquiry's outcome asks for.

    One per deciding discussion at a time, for every child of it whose enquiry
    found continuing risk as a child in need (R000.2a, R003.9): requested,
    confirmed with the Head of Service (R001.14), date set, held. Its clock is the
    discussion's ``icpc`` clock, 15 working days from the discussion that decided
    the S47 (R002.12), met or breached by the date it is held.
    """

    State = IcpcState

    discussion = models.ForeignKey(
        "discussions.Discussion", on_delete=models.PROTECT, related_name="icpcs"
    )
    state = models.CharField(
        max_length=20, choices=choices(ICPC_STATE_LABELS), default=IcpcState.REQUESTED.value
    )
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = done_at()
    confirmed_by = done_by()
    confirmation_note = models.TextField(blank=True)
    conference_at = done_at()
    venue = models.CharField(max_length=300, blank=True)
    # Why the conference cannot be held within the timescale, when the date set is late.
    late_reason = models.TextField(blank=True)
    held_at = done_at()
    held_recorded_by = done_by()
    version = version_field()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = "initial child protection conference"
        constraints = [
            models.UniqueConstraint(
                fields=["discussion"],
                condition=~Q(state="held"),
                name="icpc_one_open_per_discussion",
            ),
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in IcpcState]), name="icpc_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(state="requested")
                | Q(confirmed_at__isnull=False, confirmed_by__isnull=False),
                name="icpc_confirmed_with_head_of_service",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["requested", "confirmed"])
                | (Q(conference_at__isnull=False) & ~Q(venue="")),
                name="icpc_date_set_with_venue",
            ),
            models.CheckConstraint(
                condition=(~Q(state="held") & Q(held_at__isnull=True))
                | Q(state="held", held_at__isnull=False, held_recorded_by__isnull=False),
                name="icpc_held_at_when_held",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"C{self.pk:06d}" if self.pk else "C(new)"
