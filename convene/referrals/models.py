"""A concern about one or more children, and the triage decision on it (R003.1, R004.1-R004.7)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from convene.core.models import (
    MonthTally,
    TrackedModel,
    holder_link,
    kept_link,
    one_a_month,
    professional_link,
)
from convene.people.models import Child, Partnership, agency_link
from convene.people.vocab import ConcernCategory, ExploitationRating
from convene.policy.vocab import Pathway

CONCERN_CATEGORY_LABELS: dict[ConcernCategory, str] = {
    ConcernCategory.PHYSICAL: "Physical abuse",
    ConcernCategory.EMOTIONAL: "Emotional abuse",
    ConcernCategory.SEXUAL: "Sexual abuse",
    ConcernCategory.PENETRATIVE_SEXUAL: "Penetrative sexual abuse",
    ConcernCategory.NEGLECT: "Neglect",
    ConcernCategory.SERIOUS_NEGLECT: "Serious neglect",
    ConcernCategory.SERIOUS_PHYSICAL_INJURY: "Serious physical injury",
    ConcernCategory.FGM: "Female genital mutilation",
    ConcernCategory.HONOUR_BASED_ABUSE: "Honour-based abuse",
    ConcernCategory.RADICALISATION: "Radicalisation",
    ConcernCategory.CSE: "Child sexual exploitation",
    ConcernCategory.CCE: "Child criminal exploitation",
    ConcernCategory.FABRICATED_ILLNESS: "Fabricated or induced illness",
    ConcernCategory.ORGANISED_ABUSE: "Organised abuse",
    ConcernCategory.ALLEGATION_AGAINST_STAFF: "Allegation against a member of staff",
    ConcernCategory.MISSING_EPISODE: "Missing episode",
    ConcernCategory.OTHER: "Other",
}

EXPLOITATION_RATING_LABELS: dict[ExploitationRating, str] = {
    ExploitationRating.NOT_SCREENED: "Not screened",
    ExploitationRating.LOW: "Low",
    ExploitationRating.MEDIUM: "Medium",
    ExploitationRating.HIGH: "High",
}

PATHWAY_LABELS: dict[Pathway, str] = {
    Pathway.STRATEGY_DISCUSSION: "Strategy discussion",
    Pathway.STRATEGY_MEETING: "Strategy meeting",
    Pathway.TRIGGER_MEETING: "Trigger meeting (missing episode)",
    Pathway.HRPM_CONSIDERATION: "Consider a High Risk Planning Meeting",
    Pathway.NO_STRATEGY_DISCUSSION: "No strategy discussion",
}


def _choices(labels: dict) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(member.value, label) for member, label in labels.items()]


class HowReceived(models.TextChoices):
    PHONE = "phone", "Phone call"
    EMAIL = "email", "Email"
    ONLINE_FORM = "online_form", "Online referral form"
    IN_PERSON = "in_person", "In person"
    LETTER = "letter", "Letter"
    OTHER = "other", "Other"


class ReferralStatus(models.TextChoices):
    AWAITING_TRIAGE = "awaiting_triage", "Awaiting triage"
    # A strategy discussion or meeting is to be convened.
    TRIAGED = "triaged", "To convene"
    CONVENING = "convening", "Discussion arranged"
    # The chosen pathway does not convene a strategy discussion (trigger meeting,
    # HRPM consideration, no strategy discussion), or the need has gone.
    CLOSED = "closed", "Closed"


class TriageDecision(models.TextChoices):
    ACCEPTED = "accepted", "Recommendation accepted"
    OVERRIDDEN = "overridden", "Recommendation overridden"


class Referral(TrackedModel):
    Status = ReferralStatus
    Decision = TriageDecision

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="referrals")
    received_at = models.DateTimeField()
    how_received = models.CharField(max_length=20, choices=HowReceived.choices)

    # The referrer: a partner agency, or an organisation (or member of the public) outside it.
    referrer_agency = agency_link(related_name="referrals_made")
    referrer_organisation = models.CharField(max_length=200, blank=True)
    referrer_name = models.CharField(max_length=200)
    referrer_role = models.CharField(max_length=200, blank=True)
    referrer_email = models.EmailField(blank=True)
    referrer_phone = models.CharField(max_length=50, blank=True)

    account = models.TextField(help_text="What happened, in the referrer's words")
    triage_conversation = models.TextField(
        blank=True, help_text="The triage conversation with the referrer (R003.1)"
    )

    # The facts the policy reads (convene.policy.facts.CaseFacts). Categories are a
    # JSON list of ConcernCategory values; the services validate them.
    categories = models.JSONField(default=list)
    significant_harm_suspected = models.BooleanField()
    immediate_risk = models.BooleanField(default=False)
    in_hospital = models.BooleanField(default=False)
    medical_needed = models.BooleanField(default=False)
    forensic_evidence_needed = models.BooleanField(default=False)
    complex_concerns = models.BooleanField(default=False)
    ongoing_risk = models.BooleanField(default=False)
    exploitation_rating = models.CharField(
        max_length=20,
        choices=_choices(EXPLOITATION_RATING_LABELS),
        default=ExploitationRating.NOT_SCREENED.value,
    )
    agencies_key_to_planning = models.PositiveSmallIntegerField(default=0)
    review_requested = models.BooleanField(default=False)
    new_information = models.BooleanField(default=False)

    # R004.2: an allegation against a member of staff is visible only to the people named.
    restricted = models.BooleanField(default=False)
    named_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="restricted_referrals"
    )

    status = models.CharField(
        max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.AWAITING_TRIAGE
    )

    # The triage: what the policy recommended, under which pack, and why.
    policy_id = models.CharField(max_length=50, blank=True)
    policy_version = models.CharField(max_length=50, blank=True)
    policy_digest = models.CharField(max_length=64, blank=True)
    explanation = models.JSONField(null=True, blank=True)
    recommended_pathway = models.CharField(
        max_length=30, choices=_choices(PATHWAY_LABELS), blank=True
    )
    recommended_rule_id = models.CharField(max_length=120, blank=True)
    # The governing convene-by deadline as recommended (null when it waits for the request).
    recommended_due_at = models.DateTimeField(null=True, blank=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    # The soonest open receipt clock (convene or triage) and the soonest open convene
    # clock, kept by the clock services (``convene.clocks.due_columns``, registered in
    # ``apps.py``): the triage and convening queues order by them (issue 15).
    receipt_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    convene_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    held_by = holder_link()

    # The manager's decision on it.
    decision = models.CharField(max_length=20, choices=TriageDecision.choices, blank=True)
    chosen_pathway = models.CharField(max_length=30, choices=_choices(PATHWAY_LABELS), blank=True)
    override_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)

    # Optimistic locking: every service write adds one; forms carry the version they showed.
    version = models.PositiveIntegerField(default=1)

    children: models.ManyToManyField[Child, ReferralChild] = models.ManyToManyField(
        Child, through="ReferralChild", related_name="referrals"
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["partnership", "status", "recommended_due_at"]),
            models.Index(fields=["partnership", "received_at"]),
            # The two work queues, most urgent first; partial: only the open front door.
            models.Index(
                fields=["-immediate_risk", "receipt_due_at", "id"],
                condition=Q(status=ReferralStatus.AWAITING_TRIAGE),
                name="referral_triage_queue",
            ),
            models.Index(
                fields=["convene_due_at", "id"],
                condition=Q(status=ReferralStatus.TRIAGED),
                name="referral_convene_queue",
            ),
            # The reports (issue 13): the referrals triaged in the edge days of a period that
            # the month tallies do not hold, and the overridden ones listed a page at a time.
            models.Index(
                fields=["partnership", "triaged_at", "id"],
                condition=Q(triaged_at__isnull=False),
                name="referral_report_triaged",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values), name="referral_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(recommended_pathway__in=["", *[p.value for p in Pathway]])
                & Q(chosen_pathway__in=["", *[p.value for p in Pathway]]),
                name="referral_pathways_valid",
            ),
            # Past triage means decided: who, when, what and how.
            models.CheckConstraint(
                condition=Q(status="awaiting_triage")
                | (
                    Q(decided_by__isnull=False, decided_at__isnull=False)
                    & ~Q(chosen_pathway="")
                    & ~Q(decision="")
                ),
                name="referral_decided_after_triage",
            ),
            models.CheckConstraint(
                condition=~Q(decision="overridden") | ~Q(override_reason=""),
                name="referral_override_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(decision="accepted")
                | Q(chosen_pathway=models.F("recommended_pathway")),
                name="referral_accepted_is_recommended",
            ),
            models.CheckConstraint(
                condition=~Q(status="awaiting_triage") | (Q(chosen_pathway="") & Q(decision="")),
                name="referral_no_choice_before_triage",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["triaged", "convening"])
                | Q(chosen_pathway__in=[Pathway.STRATEGY_DISCUSSION, Pathway.STRATEGY_MEETING]),
                name="referral_convening_needs_discussion_pathway",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"R{self.pk:06d}" if self.pk else "R(new)"

    def get_absolute_url(self) -> str:
        # Reminders link here: the page answers 404 to anyone who may not see it.
        return reverse("referrals:detail", args=[self.pk])

    @property
    def category_set(self) -> frozenset[ConcernCategory]:
        return frozenset(ConcernCategory(c) for c in self.categories)

    @property
    def category_labels(self) -> list[str]:
        return [CONCERN_CATEGORY_LABELS[c] for c in ConcernCategory if c.value in self.categories]

    @property
    def referrer_organisation_name(self) -> str:
        return self.referrer_agency.name if self.referrer_agency else self.referrer_organisation

    def get_exploitation_rating_label(self) -> str:
        return EXPLOITATION_RATING_LABELS[ExploitationRating(self.exploitation_rating)]


class ReferralChild(models.Model):
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="referral_children"
    )
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="referral_links")
    # Recorded by this referral (rather than found already on record).
    added_by_referral = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "child"], name="unique_referral_child")
        ]

    def __str__(self) -> str:
        return f"child {self.child_id} on referral {self.referral_id}"


class TriageReason(models.Model):
    """A reason recorded before the pathway was decided, because the pack asked for one.

    E.g. R000.1: someone on the referral is 18 or older; R004.7 (Halton): a CSE or
    CCE concern whose exploitation screening has not been done. One per referral
    and rule; kept with who recorded it and when.
    """

    referral = kept_link(Referral, related_name="reasons")
    rule_id = models.CharField(max_length=120)
    question = models.CharField(max_length=300)
    reason = models.TextField()
    recorded_by = professional_link()
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "rule_id"], name="one_reason_per_rule"),
            models.CheckConstraint(condition=~Q(reason=""), name="triage_reason_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} on referral {self.referral_id}"


class OverrideTally(MonthTally):
    """The dashboard's "Recommendations overridden" (issue 13): per partnership, London month
    triaged and recommending rule (``""``: no rule recorded), the referrals triaged and those
    whose recommendation was overridden. Kept in the referral services' transactions
    (convene.referrals.tally); ``convene reporting rebuild-summary`` recounts it."""

    rule = models.CharField(max_length=120, blank=True)
    triaged = models.IntegerField(default=0)
    overridden = models.IntegerField(default=0)

    class Meta:
        constraints = [one_a_month("override_tally_one_a_month", "rule")]
