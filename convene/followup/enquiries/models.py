"""S47 enquiries and what follows them: the core group review, the care plan review and the
HRPM decision (R000.2, R003.8, R003.9); the ICPC is ``followup.conferences``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from convene.core.models import (
    TrackedModel,
    all_filled,
    done_at,
    done_by,
    holder_link,
    version_field,
)
from convene.followup.vocab import (
    LEGAL_STATUS_CHOICES,
    ROUTE_LABELS,
    S47_LEAD_LABELS,
    S47_OUTCOME_LABELS,
    S47_STATE_LABELS,
    Route,
    S47Outcome,
    S47State,
    choices,
)
from convene.people.models import Child, PartnershipRecord

_AFTER_VISIT = [s.value for s in (S47State.VISITED, S47State.OUTCOME_RECORDED, S47State.CLOSED)]
_AFTER_OUTCOME = [S47State.OUTCOME_RECORDED.value, S47State.CLOSED.value]
# Continuing risk for a child in care (R000.2c): the care plan review and the HRPM decision
# follow (``followup.child_in_care``), by the partial index ``s47_on_care_plan_route``.
ON_CARE_PLAN_ROUTE = Q(state=S47State.OUTCOME_RECORDED.value, route=Route.CARE_PLAN_REVIEW.value)


class S47Enquiry(PartnershipRecord):
    """One child's S47 enquiry, from an authorised S47 decision (single or joint) to its outcome.

    One per child of the deciding discussion: each child is visited and seen
    (alone or not), and each child's outcome and legal status decide where
    continuing risk goes (R000.2), so siblings can go different ways.
    """

    State = S47State

    discussion = models.ForeignKey(
        "discussions.Discussion", on_delete=models.PROTECT, related_name="s47_enquiries"
    )
    held_by = holder_link()  # its own allocation's worker, or its discussion's
    # The authorised record version whose decision started the enquiry.
    record_version = models.ForeignKey(
        "records.RecordVersion", on_delete=models.PROTECT, related_name="s47_enquiries"
    )
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="s47_enquiries")
    lead = models.CharField(max_length=20, choices=choices(S47_LEAD_LABELS))
    state = models.CharField(
        max_length=20, choices=choices(S47_STATE_LABELS), default=S47State.STARTED.value
    )
    started_at = models.DateTimeField()
    # When the deciding discussion was held (its record's ``held_at``, fixed once the record
    # is authorised): the census's drift (8675Q) counts 15 working days from it. Kept here
    # so a drift list walks one index of enquiries, not every record and version before
    # the cut-off (a team manager's My work read 90,000 pages for 50 rows, issue 15).
    decided_at = models.DateTimeField()

    # The visit (R003.8): when, who, and whether the child was seen alone (R001.13).
    visited_at = done_at()
    visitors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="s47_visits"
    )
    seen_alone = models.BooleanField(null=True, blank=True)
    not_seen_alone_reason = models.TextField(blank=True)
    visit_notes = models.TextField(blank=True)

    # The outcome (R003.9) and, for continuing risk, where it goes by legal status (R000.2).
    outcome = models.CharField(max_length=30, choices=choices(S47_OUTCOME_LABELS), blank=True)
    outcome_reasons = models.TextField(blank=True)
    other_service = models.CharField(max_length=300, blank=True)
    legal_status_at_outcome = models.CharField(
        max_length=30, choices=LEGAL_STATUS_CHOICES, blank=True
    )
    route = models.CharField(max_length=30, choices=choices(ROUTE_LABELS), blank=True)
    outcome_at = done_at()
    outcome_by = done_by()
    icpc = models.ForeignKey(
        "followup.Icpc", null=True, blank=True, on_delete=models.PROTECT, related_name="enquiries"
    )
    # The conference's outcome for this child (siblings at one conference can differ):
    # a child protection plan or not. Unknown (None) until recorded after it is held; Ofsted's
    # Annex A, List 5 reports it.
    cp_plan = models.BooleanField(null=True, blank=True)

    closed_at = done_at()
    closed_by = done_by()
    close_note = models.TextField(blank=True)
    version = version_field()

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = "S47 enquiry"
        verbose_name_plural = "S47 enquiries"
        indexes = [
            models.Index(fields=["partnership", "state"]),
            # The S47 list walks these newest first, a keyset page at a time (issue 15).
            models.Index(fields=["-started_at", "-id"], name="s47_newest"),
            models.Index(
                fields=["-started_at", "-id"],
                name="s47_open_newest",
                condition=~Q(state=S47State.CLOSED.value),
            ),
            # My work's care plan reviews and HRPM decisions, oldest outcome first: by
            # (partnership, state) they were a scan of every enquiry with an outcome, all
            # 166,455 at a million discussions (38 ms of a team manager's page, issue 15).
            models.Index(
                fields=["partnership", "outcome_at", "id"],
                name="s47_on_care_plan_route",
                condition=ON_CARE_PLAN_ROUTE,
            ),
            # My work's visits to make: whether a manager holds any enquiry still to visit,
            # asked before the section is built (``allocation.work_probe``); partial, the
            # started ones only, so it is one probe whatever they hold (issue 15).
            models.Index(
                fields=["held_by", "id"],
                name="s47_started_held",
                condition=Q(state=S47State.STARTED.value),
            ),
            # Drift lists (``followup.census.s47_drifting``), oldest decision first: a
            # partnership's, and a holder's own (a team manager holds tens of thousands).
            # Whole, not partial: the census's "open" includes some closed enquiries.
            models.Index(fields=["decided_at", "id"], name="s47_decided"),
            models.Index(fields=["held_by", "decided_at", "id"], name="s47_held_decided"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["discussion", "child"], name="unique_s47_per_child"),
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in S47State]), name="s47_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=_AFTER_VISIT)
                | Q(visited_at__isnull=False, seen_alone__isnull=False),
                name="s47_visited_with_time_and_seen_alone",
            ),
            models.CheckConstraint(
                condition=~Q(seen_alone=False) | ~Q(not_seen_alone_reason=""),
                name="s47_not_seen_alone_has_reason",
            ),
            models.CheckConstraint(
                condition=(
                    Q(state__in=_AFTER_OUTCOME)
                    & ~Q(outcome="")
                    & ~Q(outcome_reasons="")
                    & ~Q(legal_status_at_outcome="")
                    & Q(outcome_at__isnull=False, outcome_by__isnull=False)
                )
                | (~Q(state__in=_AFTER_OUTCOME) & Q(outcome="")),
                name="s47_outcome_with_reasons",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=S47Outcome.REFERRAL_TO_OTHER_SERVICE.value)
                | ~Q(other_service=""),
                name="s47_referral_names_the_service",
            ),
            models.CheckConstraint(
                condition=(Q(outcome=S47Outcome.SIGNIFICANT_HARM.value) & ~Q(route=""))
                | (~Q(outcome=S47Outcome.SIGNIFICANT_HARM.value) & Q(route="")),
                name="s47_route_only_for_continuing_risk",
            ),
            models.CheckConstraint(
                condition=Q(cp_plan__isnull=True) | Q(icpc__isnull=False),
                name="s47_cp_plan_only_from_a_conference",
            ),
            models.CheckConstraint(
                condition=Q(state="closed", closed_at__isnull=False, closed_by__isnull=False)
                | (~Q(state="closed") & Q(closed_at__isnull=True)),
                name="s47_closed_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"S{self.pk:06d}" if self.pk else "S(new)"


def _following(related_name: str) -> models.OneToOneField[S47Enquiry, S47Enquiry]:
    """The enquiry a review or decision follows: one each, kept while it exists."""
    return models.OneToOneField(S47Enquiry, on_delete=models.PROTECT, related_name=related_name)


class CoreGroupReview(TrackedModel):
    """R000.2b: the core group reviews the ongoing risk and the CP plan is reviewed and updated,
    with management oversight recorded by a manager."""

    enquiry = _following("core_group_review")
    held_on = models.DateField()
    risk_considered = models.TextField()
    plan_changes = models.TextField()
    oversight_by = done_by()
    oversight_at = done_at()
    oversight_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=all_filled("risk_considered", "plan_changes"),
                name="core_group_review_has_risk_and_plan",
            ),
            models.CheckConstraint(
                condition=Q(oversight_by__isnull=True, oversight_at__isnull=True, oversight_note="")
                | (
                    Q(oversight_by__isnull=False, oversight_at__isnull=False)
                    & ~Q(oversight_note="")
                ),
                name="core_group_review_oversight_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Core group review for enquiry {self.enquiry_id}"


class CarePlanReview(TrackedModel):
    """R000.2c, R000.3: the child in care's care plan reviewed and updated, with a stand-alone
    risk assessment and the young person's own view of the risk."""

    enquiry = _following("care_plan_review")
    reviewed_on = models.DateField()
    plan_changes = models.TextField()
    risk_assessment = models.TextField()
    young_persons_view = models.TextField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=all_filled("plan_changes", "risk_assessment", "young_persons_view"),
                name="care_plan_review_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Care plan review for enquiry {self.enquiry_id}"


class HrpmDecision(TrackedModel):
    """R000.2c: a manager's recorded decision whether a High Risk Planning Meeting is needed."""

    enquiry = _following("hrpm_decision")
    needed = models.BooleanField()
    reasons = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    hrpm = models.ForeignKey(
        "followup.Hrpm", null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(reasons=""), name="hrpm_decision_has_reasons"),
            models.CheckConstraint(
                condition=Q(needed=True, hrpm__isnull=False) | Q(needed=False, hrpm__isnull=True),
                name="hrpm_decision_needed_has_hrpm",
            ),
        ]

    def __str__(self) -> str:
        return f"HRPM {'needed' if self.needed else 'not needed'} for enquiry {self.enquiry_id}"
