"""Forms that ask for a review strategy discussion and reconvene one."""

from __future__ import annotations

from convene.core.forms import (
    GovukForm,
    yes_no_field,
)
from convene.followup.fields import text_field


class ReviewRequestForm(GovukForm):
    new_information = text_field(
        "What is the new information?", hint="What has come to light since the discussion"
    )
    effect_on_plan = text_field(
        "How does it affect the safeguarding plan?",
        hint="A review is held only when new information affects the plan",
    )
    immediate_risk = yes_no_field(
        label="Does it put the child at immediate risk?",
        required_message="Select whether the child is at immediate risk",
        help_text="Immediate risk means the review is held the same day",
    )


class ReconveneForm(GovukForm):
    """Convene the reconvened discussion the record planned: nothing to enter (R002.13)."""
