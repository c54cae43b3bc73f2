"""When each invited agency's check is due, and whether it is held back until the meeting.

Pure functions of a pack and a case's facts, like :mod:`convene.policy.engine`. The pack's
``agency_check`` rules say how long before the meeting the check is due (England: by the
meeting's start; the same day for immediate risk, when the meeting itself is that day)
and whether the other invitees see an agency's check only from the meeting's start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from convene.policy.engine import applicable_rules
from convene.policy.facts import CaseFacts
from convene.policy.pack import Citation, PolicyPack
from convene.policy.schema import AgencyCheckRule

__all__ = ["AgencyCheckTerms", "agency_check_terms"]


@dataclass(frozen=True)
class AgencyCheckTerms:
    rule_id: str
    summary: str
    citation: Citation
    lead_hours: int
    hold_back_until_start: bool

    def due_at(self, *, starts_at: datetime, arranged_at: datetime) -> datetime:
        """Due ``lead_hours`` before the start; never before it was arranged (a same-day
        meeting leaves no lead time), and never after the start."""
        return max(min(starts_at - timedelta(hours=self.lead_hours), starts_at), arranged_at)


# Where a pack sets nothing: by the meeting's start, nothing held back (docs/agency-checks.md).
_NO_RULE = AgencyCheckTerms(
    rule_id="",
    summary="Each agency's check is due by the meeting's start",
    citation=Citation(requirements=("R001.7",), document="Convene default", paragraph=""),
    lead_hours=0,
    hold_back_until_start=False,
)


def agency_check_terms(pack: PolicyPack, facts: CaseFacts) -> AgencyCheckTerms:
    """The terms of the last applicable ``agency_check`` rule (a local pack's comes after
    its base's), or the default when the pack sets none."""
    rules = [rule for rule in applicable_rules(pack, facts) if isinstance(rule, AgencyCheckRule)]
    if not rules:
        return _NO_RULE
    rule = rules[-1]
    return AgencyCheckTerms(
        rule_id=rule.id,
        summary=rule.summary,
        citation=pack.citation(rule),
        lead_hours=rule.lead_hours,
        hold_back_until_start=rule.hold_back_until_start,
    )
