"""Reasons a person records before the pathway is decided, because the pack asks (kind = "reason").

The pack's reason rules (``convene.policy.engine.reasons_asked``) say when a
decision needs a recorded reason: the England baseline asks why a strategy
discussion is considered for someone 18 or older (R000.1); Halton asks why a
CSE or CCE concern has not had its exploitation screening (R004.7). The triage
service refuses the decision until each is answered, with the question as the
error, and keeps the answers (:class:`~convene.referrals.models.TriageReason`).

Form fields and API keys are the rule ids: ``reasons = {"halton.reason....": "..."}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from convene.core.errors import Problems, check_text
from convene.core.limits import NOTE_MAX
from convene.people.models import Professional
from convene.policy.engine import ReasonAsked
from convene.policy.explanation import Explanation
from convene.referrals.models import Referral, TriageReason

__all__ = [
    "FIELD_PREFIX",
    "field_name",
    "reasons_problems",
    "reasons_record",
    "reasons_still_asked",
]

FIELD_PREFIX = "reason-"


def field_name(rule_id: str) -> str:
    """The form field (and error ``field``) for the reason a rule asks."""
    return f"{FIELD_PREFIX}{rule_id}"


def reasons_still_asked(referral: Referral, explanation: Explanation) -> list[ReasonAsked]:
    """The reasons the pack asks of this decision that have not been recorded yet."""
    recorded = set(referral.reasons.values_list("rule_id", flat=True)) if referral.pk else set()
    return [asked for asked in explanation.reasons_asked if asked.rule_id not in recorded]


def reasons_record(
    *,
    referral: Referral,
    explanation: Explanation,
    reasons: Mapping[str, str] | None,
    by: Professional,
    now: datetime,
    also: Problems | None = None,
) -> list[TriageReason]:
    """Check every reason asked is given, then keep them; refuses with every one missing
    and the caller's problems ``also`` (the other mistakes of the same decision)."""
    asked = reasons_still_asked(referral, explanation)
    reasons = reasons or {}
    problems = also or Problems()
    reasons_problems(asked, reasons, problems)
    problems.raise_any()
    return [
        TriageReason.objects.create(
            referral=referral,
            rule_id=item.rule_id,
            question=item.question[:300],
            reason=reasons[item.rule_id].strip(),
            recorded_by=by,
            recorded_at=now,
        )
        for item in asked
    ]


def reasons_problems(
    asked: list[ReasonAsked], reasons: Mapping[str, str], problems: Problems
) -> None:
    """Add to ``problems`` every reason asked that is missing or too long (issue 18)."""
    for item in asked:
        given = (reasons.get(item.rule_id) or "").strip()
        name = field_name(item.rule_id)
        if not given:
            problems.add(f"{item.question}: enter the reason", field=name)
        elif len(given) > NOTE_MAX:
            problems.add(f"The reason must be {NOTE_MAX} characters or fewer", field=name)
        else:
            with problems.check():
                check_text(**{name: given})
