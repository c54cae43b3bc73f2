"""What is wrong with a manager's choice of another pathway: every mistake at once (issue 18)."""

from __future__ import annotations

from convene.core.errors import Problems, check_text
from convene.policy.vocab import Pathway

__all__ = ["override_problems"]


def override_problems(pathway: str, reason: str, recommended: str) -> Problems:
    """The mistakes of an override, to which the reasons the pack asks are added before
    refusing; refused at once, with all found, when there is no pathway to ask them of."""
    problems = Problems()
    if pathway not in {p.value for p in Pathway}:
        problems.add("Select the pathway you choose instead", field="pathway")
    elif pathway == recommended:
        problems.add(
            "That is the recommended pathway: accept the recommendation instead", field="pathway"
        )
    if not reason.strip():
        problems.add("Enter the reason for overriding the recommendation", field="override_reason")
    with problems.check():
        check_text(override_reason=reason)
    if pathway not in {p.value for p in Pathway}:
        problems.raise_any()
    return problems
