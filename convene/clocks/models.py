"""The one timescale table (DESIGN principle 2): every deadline the procedures set is a row."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from convene.clocks.status import Rag, rag_status
from convene.core.models import TrackedModel, set_only_when
from convene.policy.vocab import ClockKind


class Clock(TrackedModel):
    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        MET = "met", "Met"
        BREACHED = "breached", "Breached"
        WAIVED = "waived", "Waived"

    partnership = models.ForeignKey(
        "people.Partnership", on_delete=models.PROTECT, related_name="clocks"
    )
    kind = models.CharField(max_length=30, choices=[(k.value, k.value) for k in ClockKind])
    # The rule and the pack version it was computed under: a later pack never rewrites it.
    rule_id = models.CharField(max_length=120)
    policy_id = models.CharField(max_length=50)
    policy_version = models.CharField(max_length=50)
    citation = models.CharField(max_length=300, help_text="Requirement ids and source")
    summary = models.CharField(max_length=300, blank=True)
    # What the clock is about: a referral, discussion, action, enquiry, HRPM...
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    # The case (referral) the subject hangs from, written once by ``clock_start``
    # (``convene.clocks.subjects.case_key_of``): need-to-know for lists of clocks and
    # escalations is then one condition on this key (issue 15). Empty for a subject
    # of no case (a child) or of a model that registered no path to its case.
    case_referral = models.ForeignKey(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    met_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    waived_at = models.DateTimeField(null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    waived_reason = models.TextField(blank=True)
    # The sweep's cursor (convene.clocks.cursor): the next moment this clock needs
    # attention, so a sweep reads only what became due since the last one and never
    # rescans history. Empty once there is nothing more to do (met, waived, every
    # level raised, the overdue reminder decided).
    escalate_at = models.DateTimeField(null=True, blank=True, editable=False)
    remind_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["partnership", "state", "due_at"]),
            # Reports count clocks started in a period, by kind (convene.reporting).
            models.Index(fields=["partnership", "started_at", "kind"], name="clock_report_started"),
            # A team's reports: its cases' clocks by case key, then the period (issue 13,
            # convene.reporting.scoping), never the partnership's whole period.
            models.Index(
                fields=["partnership", "case_referral", "started_at"], name="clock_report_case"
            ),
            # Partial: only clocks with something still to do are in them, so their
            # size follows the open work, not ten years of history.
            models.Index(
                fields=["escalate_at", "id"],
                name="clock_escalate_at_due",
                condition=Q(escalate_at__isnull=False),
            ),
            models.Index(
                fields=["remind_at", "id"],
                name="clock_remind_at_due",
                condition=Q(remind_at__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_at__gte=models.F("started_at")), name="clock_due_after_start"
            ),
            models.CheckConstraint(
                condition=set_only_when("met_at", "met"),
                name="clock_met_at_only_when_met",
            ),
            models.CheckConstraint(
                condition=~Q(state="waived")
                | (Q(waived_by__isnull=False) & Q(waived_at__isnull=False) & ~Q(waived_reason="")),
                name="clock_waiver_has_reason_and_person",
            ),
            models.CheckConstraint(
                condition=~Q(state="breached") | Q(breached_at__isnull=False),
                name="clock_breached_at_when_breached",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} due {self.due_at:%Y-%m-%d %H:%M}"

    def get_status(self, *, now: datetime) -> Rag:
        return rag_status(
            due_at=self.due_at, now=now, met_at=self.met_at, waived=self.state == self.State.WAIVED
        )


class ClockTally(models.Model):
    """The dashboard's timeliness counts of one partnership's clocks of one kind started in
    one London month (issue 13): a year is twelve rows a kind, whatever the clocks.

    Kept in the same transaction by the services that start, meet, waive and breach clocks
    (convene.clocks.tally); ``convene reporting rebuild-summary`` recounts it from the
    clocks after a bulk load. ``open`` is pending clocks, as in the live count."""

    partnership = models.ForeignKey(
        "people.Partnership", on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(help_text="The first day of the London month the clocks started")
    kind = models.CharField(max_length=30)
    started = models.IntegerField(default=0)
    met_on_time = models.IntegerField(default=0)
    met_late = models.IntegerField(default=0)
    breached = models.IntegerField(default=0)
    open = models.IntegerField(default=0)
    waived = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "month", "kind"], name="clock_tally_one_a_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.month:%Y-%m}: {self.started} started"


class ClockTakenTally(models.Model):
    """How many met clocks of a kind, started in a London month, took ``tenths`` tenths of
    the kind's unit (convene.clocks.units; rounded to the nearest tenth): the histogram the
    median and 90th percentile are read from."""

    partnership = models.ForeignKey(
        "people.Partnership", on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField()
    kind = models.CharField(max_length=30)
    tenths = models.IntegerField()
    clocks = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "month", "kind", "tenths"], name="clock_taken_one_a_tenth"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.month:%Y-%m}: {self.clocks} took {self.tenths / 10}"


# An escalation still to answer (``Escalation.State``: raised or acknowledged, not resolved).
ESCALATION_OPEN_STATES = ("raised", "acknowledged")


class _AddressedLink(models.Model):
    """Whom an escalation is addressed to, one row each, with whether it is still to answer.

    ``still_open`` is cleared when the escalation is resolved (``resolve``, the one way an
    escalation closes), so "the open escalations addressed to me" is read by a partial index
    of the person's or agency's open links. Asked by the escalation's state instead, a police
    officer's agency named on 32,590 escalations (317 open) hashed all of them against every
    open escalation of the partnership (12 ms at a million discussions, issue 15). Only ever
    a narrowing before the escalation's own state is asked: a link is cleared only when its
    escalation is resolved, so a set flag on a resolved one shows nothing extra."""

    escalation = models.ForeignKey("Escalation", on_delete=models.CASCADE, related_name="+")
    still_open = models.BooleanField(db_default=True)

    class Meta:
        abstract = True


def _open_links(other: str, *, name: str) -> models.Index:
    """The person's or agency's links to escalations still to answer, in escalation order."""
    return models.Index(fields=[other, "escalation"], condition=Q(still_open=True), name=name)


class EscalationAddressee(_AddressedLink):
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        db_table = "clocks_escalation_addressed_to"  # the many-to-many table it took over
        unique_together = [("escalation", "professional")]
        indexes = [_open_links("professional", name="escalation_addressee_open")]

    def __str__(self) -> str:
        return f"Escalation {self.escalation_id} addressed to person {self.professional_id}"


class EscalationAgency(_AddressedLink):
    agency = models.ForeignKey("people.Agency", on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "clocks_escalation_addressed_agencies"
        unique_together = [("escalation", "agency")]
        indexes = [_open_links("agency", name="escalation_agency_open")]

    def __str__(self) -> str:
        return f"Escalation {self.escalation_id} addressed to agency {self.agency_id}"


class Escalation(TrackedModel):
    """A concern raised up the line that something agreed is late (R004.8).

    Convene raises one automatically for each level of the pack's escalation
    rule when a clock breaches (``direction=automatic``, ``clock`` set, nobody
    as raiser); a partner agency or children's social care raises one by hand
    (``raised_by`` set, ``clock`` when it is about a timescale). Each is
    acknowledged, then resolved with a recorded outcome. The texts (what is
    late, by how long, who is responsible) are written when it is raised and
    never recomputed, so it reads later as it read then.
    """

    class Direction(models.TextChoices):
        AUTOMATIC = "automatic", "Raised by Convene: a timescale was missed"
        PARTNER_TO_SOCIAL_CARE = (
            "partner_to_social_care",
            "A partner agency to children's social care",
        )
        SOCIAL_CARE_TO_PARTNER = (
            "social_care_to_partner",
            "Children's social care to a partner agency",
        )

    class State(models.TextChoices):
        RAISED = "raised", "Raised"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        RESOLVED = "resolved", "Resolved"

    partnership = models.ForeignKey(
        "people.Partnership", on_delete=models.PROTECT, related_name="escalations"
    )
    clock = models.ForeignKey(
        Clock, null=True, blank=True, on_delete=models.PROTECT, related_name="escalations"
    )
    # What it is about (a referral, discussion, action...): the clock's subject,
    # or nothing for a manual escalation that names no timescale.
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    # The clock's case key, copied when it is raised (see ``Clock.case_referral``).
    case_referral = models.ForeignKey(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    direction = models.CharField(max_length=30, choices=Direction.choices)
    level = models.PositiveSmallIntegerField(default=1)
    rule_id = models.CharField(max_length=120, blank=True)
    citation = models.CharField(max_length=300)
    raised_at = models.DateTimeField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalations_raised",
    )
    raised_by_agency = models.ForeignKey(
        "people.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalations_raised",
    )
    what_is_late = models.CharField(max_length=300)
    how_late = models.CharField(max_length=100, blank=True)
    responsible = models.CharField(max_length=300, blank=True)
    details = models.TextField(blank=True, help_text="What the person raising it said")
    # Who it is addressed to: the rule's roles and parties, and the people and
    # agencies they were resolved to when it was raised.
    addressed_roles = models.JSONField(default=list, blank=True)
    addressed_parties = models.JSONField(default=list, blank=True)
    # Roles nobody holds and parties Convene could not work out (no resolver
    # for the subject): the page asks the reader to tell them by hand.
    unresolved = models.JSONField(default=list, blank=True)
    addressed_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="escalations_addressed",
        through=EscalationAddressee,
    )
    addressed_agencies = models.ManyToManyField(
        "people.Agency", blank=True, related_name="escalations_addressed", through=EscalationAgency
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.RAISED)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [
            models.Index(fields=["partnership", "state", "raised_at"]),
            # The list's order (newest first, keyset on raised_at and id): PostgreSQL walks
            # it and stops after a page of visible rows, whatever the states asked for.
            models.Index(
                fields=["partnership", "-raised_at", "-id"], name="escalation_list_newest"
            ),
            # The same order for those still to answer alone: a partnership resolves nearly
            # every escalation, so walking the whole list for the open ones read some 50,000
            # resolved rows for a page at a million discussions (issue 15). Walked either way:
            # newest first for the list, oldest first for My work.
            models.Index(
                fields=["partnership", "-raised_at", "-id"],
                condition=models.Q(state__in=ESCALATION_OPEN_STATES),
                name="escalation_open_newest",
            ),
        ]
        constraints = [
            # One automatic escalation per clock and level, however many
            # workers sweep at once: this is what makes the sweep idempotent.
            models.UniqueConstraint(
                fields=["clock", "level"],
                condition=Q(direction="automatic"),
                name="escalation_one_automatic_per_clock_level",
            ),
            models.CheckConstraint(condition=Q(level__gte=1), name="escalation_level_from_1"),
            models.CheckConstraint(
                condition=~Q(direction="automatic")
                | (
                    Q(clock__isnull=False)
                    & Q(raised_by__isnull=True)
                    & Q(raised_by_agency__isnull=True)
                ),
                name="escalation_automatic_has_clock_and_no_raiser",
            ),
            models.CheckConstraint(
                condition=Q(direction="automatic")
                | (Q(raised_by__isnull=False) & Q(raised_by_agency__isnull=False) & ~Q(details="")),
                name="escalation_manual_has_raiser_and_details",
            ),
            models.CheckConstraint(
                condition=Q(subject_type__isnull=True, subject_id__isnull=True)
                | Q(subject_type__isnull=False, subject_id__isnull=False),
                name="escalation_subject_whole_or_absent",
            ),
            models.CheckConstraint(condition=~Q(what_is_late=""), name="escalation_says_what"),
            models.CheckConstraint(
                condition=(
                    Q(state="raised")
                    & Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                )
                | (
                    Q(state__in=["acknowledged", "resolved"])
                    & Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False)
                    & Q(acknowledged_at__gte=models.F("raised_at"))
                ),
                name="escalation_acknowledged_iff_acknowledged_or_resolved",
            ),
            models.CheckConstraint(
                condition=(
                    Q(state="resolved")
                    & Q(resolved_at__isnull=False, resolved_by__isnull=False)
                    & ~Q(outcome="")
                    & Q(resolved_at__gte=models.F("acknowledged_at"))
                )
                | (
                    ~Q(state="resolved")
                    & Q(resolved_at__isnull=True, resolved_by__isnull=True, outcome="")
                ),
                name="escalation_resolved_iff_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"Escalation {self.pk} ({self.get_state_display()}): {self.what_is_late}"

    @property
    def is_open(self) -> bool:
        return self.state != self.State.RESOLVED

    @property
    def is_automatic(self) -> bool:
        return self.direction == self.Direction.AUTOMATIC
