"""Who holds a case: teams, and the history of allocations of referrals, discussions and S47s.

An allocation is never edited or deleted: a re-allocation ends the open row
(``ended_at``) and opens a new one, so the case page can show who held it and when.
A discussion or S47 enquiry with no allocation of its own inherits the one above it
(discussion → referral, S47 → discussion → referral): see ``selectors.current_for``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from convene.core.models import TrackedModel
from convene.people.models import Partnership, PartnershipRecord


class Team(TrackedModel):
    """A social work team of one partnership; its members are who "My team" lists."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="teams")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"], name="team_name_per_partnership"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SubjectKind(models.TextChoices):
    REFERRAL = "referral", "Referral"
    DISCUSSION = "discussion", "Strategy discussion"
    S47 = "s47", "S47 enquiry"


class Allocation(PartnershipRecord):
    """One period during which one social worker (and team) held one case."""

    SubjectKind = SubjectKind

    subject_kind = models.CharField(max_length=20, choices=SubjectKind.choices)
    referral = models.ForeignKey(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    discussion = models.ForeignKey(
        "discussions.Discussion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    s47_enquiry = models.ForeignKey(
        "followup.S47Enquiry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="allocations"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    reason = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["social_worker", "ended_at"])]
        constraints = [
            # Exactly the subject its kind names, and no other.
            models.CheckConstraint(
                condition=Q(
                    subject_kind="referral",
                    referral__isnull=False,
                    discussion__isnull=True,
                    s47_enquiry__isnull=True,
                )
                | Q(
                    subject_kind="discussion",
                    referral__isnull=True,
                    discussion__isnull=False,
                    s47_enquiry__isnull=True,
                )
                | Q(
                    subject_kind="s47",
                    referral__isnull=True,
                    discussion__isnull=True,
                    s47_enquiry__isnull=False,
                ),
                name="allocation_one_subject_of_its_kind",
            ),
            # One open allocation per case at a time.
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(ended_at__isnull=True, referral__isnull=False),
                name="allocation_one_open_per_referral",
            ),
            models.UniqueConstraint(
                fields=["discussion"],
                condition=Q(ended_at__isnull=True, discussion__isnull=False),
                name="allocation_one_open_per_discussion",
            ),
            models.UniqueConstraint(
                fields=["s47_enquiry"],
                condition=Q(ended_at__isnull=True, s47_enquiry__isnull=False),
                name="allocation_one_open_per_s47",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("at")),
                name="allocation_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_kind_display()} allocated to {self.social_worker}"
