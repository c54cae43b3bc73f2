"""Choices shared by the follow-through's models."""

from __future__ import annotations

from django.db import models


class ActionStatus(models.TextChoices):
    """Where an action stands; the same words as ``records.Action.Status``."""

    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"
