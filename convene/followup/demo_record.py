"""The demo history's strategy discussion records: every part written as a chair would.

Used by ``convene.followup.demo_history`` only (``convene demo --history``); the
content is synthetic and plain, and goes through ``records.services`` like a
chair's form would, so the record is complete for its decision and can be
authorised.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from convene.people.models import Professional
from convene.policy.vocab import Decision, RecordSection
from convene.records import attendance_exceptions, sections
from convene.records import services as records
from convene.records.models import Record, RecordSectionEntry
from convene.records.policy import discussion_facts, discussion_pack

# Parts whose content is the same for every demo record (free text, plain words).
_FIXED: dict[RecordSection, dict[str, Any]] = {
    RecordSection.INTRODUCTION: {
        "reason": "Concerns raised by the referrer about harm at home",
        "child_background": "Known to universal services; no earlier plans",
    },
    RecordSection.INFORMATION_SHARED: {
        "contributions": [
            {"agency": "School", "information": "Attendance has dropped this term"},
            {"agency": "Police", "information": "Two domestic incidents at the address"},
        ],
        "shared_without_consent": False,
    },
    RecordSection.RISK_ASSESSMENT: {
        "cause_for_concern": "Injury or neglect described by the referrer",
        "seriousness": "Could be serious if it continues",
        "protection_needs": "Safe care at home while the enquiry goes on",
        "intervention_level": "Within the week",
        "risk_factors": ["domestic_abuse"],
    },
    RecordSection.ANALYSIS: {
        "harm_attributable": "Possibly, to an adult in the household",
        "likely_to_continue": "Likely without support",
        "protective_factors": "A grandparent close by",
        "views_child": "Wants things to be calmer at home",
        "history": "One earlier contact, no further action then",
    },
    RecordSection.S47_PLAN: {
        "areas_of_risk": "Physical harm and supervision",
        "how_conducted": "Home visit, child seen alone",
    },
    RecordSection.IMMEDIATE_PROTECTION: {"immediate_action": "Child stays with the safe parent"},
    RecordSection.CHILD_SEEN_ALONE: {
        "when_seen_alone": "At school the next day",
        "wishes_and_feelings": "Three houses with the social worker",
    },
    RecordSection.DIVERSITY_INTERPRETER: {
        "considerations": "None raised by the family",
        "interpreter_needed": False,
    },
    RecordSection.FAMILY_COMMUNICATION: {"sharing": "all", "who_and_when": "Social worker today"},
    RecordSection.LADO_LEGAL: {"lado_referral": False},
    RecordSection.RECONVENE_DATE: {"none_planned": True},
    RecordSection.RECORD_DISTRIBUTION: {"timescale": "Within 1 working day"},
    RecordSection.ICPC_ARRANGEMENTS: {"head_of_service": "Hana Hughes", "confirmed": True},
}


@dataclass(frozen=True)
class RecordPlan:
    """How one demo record is written: its decision, who sent apologies, who owns actions."""

    decision: Decision
    apologies: frozenset[int]  # professional ids
    chair: Professional
    social_worker: Professional
    police_agency_id: int | None


def _content(record: Record, section: RecordSection) -> dict[str, Any]:
    entry = RecordSectionEntry.objects.filter(record=record, section=section.value).first()
    return dict(entry.content) if entry else sections.part(section).empty()


def _attendance(record: Record, plan: RecordPlan) -> dict[str, Any]:
    rows = [
        {**row, "status": "apologies" if row["professional_id"] in plan.apologies else "attended"}
        for row in _content(record, RecordSection.ATTENDANCE)["rows"]
    ]
    return {"rows": rows, "agency_information_confirmed": True, "format": "virtual"}


def _actions(plan: RecordPlan, held_on: date) -> dict[str, Any]:
    found = [
        {
            "key": "d0d0d0d1",
            "owner_kind": "person",
            "owner_id": plan.social_worker.pk,
            "what": "Visit the family and see the child alone",
            "why": "Agreed at the strategy discussion",
            "due_on": (held_on + timedelta(days=2)).isoformat(),
        }
    ]
    if plan.police_agency_id is not None:
        found.append(
            {
                "key": "d0d0d0d2",
                "owner_kind": "agency",
                "owner_id": plan.police_agency_id,
                "what": "Share police records for the adults at the address",
                "why": "Before the home visit",
                "due_on": (held_on + timedelta(days=4)).isoformat(),
            }
        )
    return {"actions": found}


def _part(
    section: RecordSection, record: Record, plan: RecordPlan, attended: Sequence[int]
) -> dict[str, Any]:
    held_on = record.held_at.date()
    if section in _FIXED:
        return _FIXED[section]
    if section == RecordSection.ATTENDANCE:
        return _attendance(record, plan)
    if section == RecordSection.PROFESSIONAL_VIEWS:
        return {"views": [{"professional_id": pk, "view": "likely_to_suffer"} for pk in attended]}
    if section == RecordSection.DECISION:
        decided: dict[str, Any] = {
            "decision": plan.decision.value,
            "reasons": "The partners agreed on what was shared at the discussion",
        }
        if plan.decision == Decision.SINGLE_ASSESSMENT:
            decided["reconvene_on"] = (held_on + timedelta(days=35)).isoformat()
        return decided
    if section == RecordSection.ACTIONS:
        return _actions(plan, held_on)
    if section == RecordSection.HRPM_CONSIDERATION:
        return {
            "owner_kind": "person",
            "owner_id": plan.chair.pk,
            "by_on": (held_on + timedelta(days=14)).isoformat(),
        }
    return {"text": f"Discussed and agreed ({section.value.replace('_', ' ')})"}


def record_write(*, record: Record, plan: RecordPlan, now: datetime) -> None:
    """Save every part of the record, attendance first (the views are of those attending)."""
    attendance = _attendance(record, plan)
    attended = [r["professional_id"] for r in attendance["rows"] if r["status"] == "attended"]
    # The versions the chair's page was opened with, read once (a save changes its own
    # section's version only).
    versions = dict(record.entries.values_list("section", "version"))
    for part in sorted(sections.PARTS, key=lambda p: p.section != RecordSection.ATTENDANCE):
        records.record_section_save(
            record=record,
            section=part.section,
            content=_part(part.section, record, plan, attended),
            expected_version=versions.get(part.section.value, 0),
            by=plan.chair,
            now=now,
        )


def missing_parties_explain(
    *, record: Record, by: Professional, reasons: Mapping[str, str], now: datetime
) -> int:
    """Record why each party the standard expects (social care, police, health) was missing."""
    discussion = record.discussion
    contents = {RecordSection(e.section): e.content for e in record.entries.all()}
    shortfalls = attendance_exceptions.shortfalls(
        discussion_pack(discussion),
        discussion_facts(discussion),
        attendance_exceptions.attended_professionals(record, contents),
    )
    for shortfall in shortfalls:
        attendance_exceptions.attendance_exception_record(
            record=record,
            party=shortfall.party,
            reason=reasons.get(shortfall.party, f"{shortfall.label} could not attend"),
            by=by,
            now=now,
        )
    return len(shortfalls)
