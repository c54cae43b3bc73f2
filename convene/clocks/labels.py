"""Words for clock kinds, roles and parties, as the pages and messages say them."""

from __future__ import annotations

from typing import Final

from convene.people.vocab import Role
from convene.policy.vocab import ClockKind, Party

__all__ = ["CLOCK_KIND_LABELS", "PARTY_LABELS", "addressee_label"]

CLOCK_KIND_LABELS: Final[dict[ClockKind, str]] = {
    ClockKind.CONVENE: "Strategy discussion or meeting held",
    ClockKind.TRIAGE: "Concern triaged: pathway decided by a manager",
    ClockKind.RECORD_DISTRIBUTED: "Record of the discussion distributed",
    ClockKind.OUTCOME_NOTIFIED: "Referrer and absent agencies told the outcome",
    ClockKind.S47_VISIT: "Section 47 visit to the child",
    ClockKind.ICPC: "Initial child protection conference held",
    ClockKind.RECONVENE: "Strategy discussion reconvened",
    ClockKind.HRPM: "High Risk Planning Meeting held",
    ClockKind.ACTION_DUE: "Agreed action done",
    ClockKind.AGENCY_CHECK: "Agency check sent before the meeting",
}

PARTY_LABELS: Final[dict[Party, str]] = {
    Party.REFERRING_AGENCY: "The referring agency",
    Party.CHILD_SETTING: "The child's school or setting",
    Party.INVOLVED_PROFESSIONALS: "The professionals involved",
    Party.PARENTS_CARERS: "Parents and carers",
    Party.FAMILY_MEMBERS: "Family members",
    Party.INVITED_AGENCIES: "The agencies invited to the discussion",
    Party.ACTION_OWNER_AGENCY: "The agency that owns the action",
}


def addressee_label(value: str) -> str:
    """A role or party value stored on an escalation, in words."""
    if value in {role.value for role in Role}:
        return Role(value).label
    if value in {party.value for party in Party}:
        return PARTY_LABELS[Party(value)]
    return value
