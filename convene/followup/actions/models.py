"""Updates to an agreed action: who said what, when, and whether it is done."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from convene.followup.vocab import ACTION_PROGRESS_LABELS, choices
from convene.records.models import AppendOnlyQuerySet


class ActionStatus(models.TextChoices):
    """Where an action stands; the same words as ``records.Action.Status``."""

    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class ActionUpdate(models.Model):
    """One update to an action of a record (``records.Action``) or of an HRPM safety plan.

    Append-only: the history of an action is its updates in order; ``number``
    counts them and is the version a form carries (optimistic locking), so
    two people updating one action cannot overwrite each other unseen.
    """

    action = models.ForeignKey(
        "records.Action",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="updates",
    )
    hrpm_action = models.ForeignKey(
        "followup.HrpmAction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="updates",
    )
    number = models.PositiveIntegerField()
    progress = models.CharField(max_length=20, choices=choices(ACTION_PROGRESS_LABELS))
    note = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__isnull=False, hrpm_action__isnull=True)
                | Q(action__isnull=True, hrpm_action__isnull=False),
                name="action_update_for_one_action",
            ),
            models.UniqueConstraint(
                fields=["action", "number"],
                condition=Q(action__isnull=False),
                name="unique_action_update_number",
            ),
            models.UniqueConstraint(
                fields=["hrpm_action", "number"],
                condition=Q(hrpm_action__isnull=False),
                name="unique_hrpm_action_update_number",
            ),
            models.CheckConstraint(condition=~Q(note=""), name="action_update_has_note"),
            models.CheckConstraint(condition=Q(number__gte=1), name="action_update_from_one"),
        ]

    def __str__(self) -> str:
        return f"Update {self.number}: {self.progress}"
