"""Builders for the record tests: a held discussion, and a record filled in for a decision."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

import pytest

from convene.people.factories import ChildFactory
from convene.people.models import Professional
from convene.policy.vocab import Decision, RecordSection
from convene.records import attendance_exceptions, sections, services
from convene.records.models import Record, RecordSectionEntry
from convene.records.policy import discussion_facts, discussion_pack
from convene.workdays import london_date
from tests.api.conftest import tokens  # noqa: F401 - fixture
from tests.convening import NOW, accepted_referral, scheduled_discussion

# The discussion starts at 13:00 on Wednesday 4 March 2026 and is marked held an hour later.
HELD_AT = NOW + timedelta(hours=3)
AFTER = HELD_AT + timedelta(hours=1)
NAME = "Zoë Łukasz-Nguyễn"


def complete_content(
    section: RecordSection, record: Record, people: dict[str, Professional], decision: Decision
) -> dict[str, Any]:
    """Content that completes ``section`` for ``decision``."""
    text = f"{section.value} as recorded"
    held_on = london_date(record.held_at)
    match section:
        case RecordSection.ATTENDANCE:
            rows = entry_content(record, RecordSection.ATTENDANCE)["rows"]
            return {
                "rows": [{**row, "status": "attended"} for row in rows],
                "agency_information_confirmed": True,
                "format": "meeting",
            }
        case RecordSection.INTRODUCTION:
            return {"reason": "Bruising to the face", "child_background": f"{NAME} is 7"}
        case RecordSection.INFORMATION_SHARED:
            return {
                "contributions": [{"agency": "School", "information": "Attends well"}],
                "shared_without_consent": False,
            }
        case RecordSection.RISK_ASSESSMENT:
            return {
                "cause_for_concern": "Bruise",
                "seriousness": "Serious",
                "protection_needs": "From father",
                "intervention_level": "Immediate",
                "risk_factors": ["domestic_abuse"],
            }
        case RecordSection.ANALYSIS:
            return {
                "harm_attributable": "Yes",
                "likely_to_continue": "Likely",
                "protective_factors": "Mother",
                "views_child": "Wants to stay with mum",
                "history": "Two earlier referrals",
            }
        case RecordSection.PROFESSIONAL_VIEWS:
            rows = entry_content(record, RecordSection.ATTENDANCE)["rows"]
            return {
                "views": [
                    {"professional_id": row["professional_id"], "view": "likely_to_suffer"}
                    for row in rows
                ]
            }
        case RecordSection.DECISION:
            content: dict[str, Any] = {"decision": decision.value, "reasons": "Threshold met"}
            if decision == Decision.SINGLE_ASSESSMENT:
                content["reconvene_on"] = (held_on + timedelta(days=28)).isoformat()
            return content
        case RecordSection.S47_PLAN:
            return {"areas_of_risk": "Physical harm", "how_conducted": "Joint visit"}
        case RecordSection.IMMEDIATE_PROTECTION:
            return {"immediate_action": "Child stays with mother"}
        case RecordSection.CHILD_SEEN_ALONE:
            return {"when_seen_alone": "Tomorrow at school", "wishes_and_feelings": "Three houses"}
        case RecordSection.DIVERSITY_INTERPRETER:
            return {"considerations": "Polish heritage", "interpreter_needed": False}
        case RecordSection.FAMILY_COMMUNICATION:
            return {"sharing": "all", "who_and_when": "Alice tells mother today"}
        case RecordSection.LADO_LEGAL:
            return {"lado_referral": False}
        case RecordSection.ACTIONS:
            return {
                "actions": [
                    {
                        "key": "a1a1a1a1",
                        "owner_kind": "person",
                        "owner_id": people["alice"].pk,
                        "what": "Visit and see the child alone",
                        "why": "Section 47 enquiry",
                        "due_on": (held_on + timedelta(days=1)).isoformat(),
                    }
                ]
            }
        case RecordSection.RECONVENE_DATE:
            return {"none_planned": True}
        case RecordSection.RECORD_DISTRIBUTION:
            return {"timescale": "Within 1 working day"}
        case RecordSection.ICPC_ARRANGEMENTS:
            return {"head_of_service": "Hana Hughes", "confirmed": True}
        case RecordSection.HRPM_CONSIDERATION:
            return {
                "owner_kind": "person",
                "owner_id": people["bob"].pk,
                "by_on": (held_on + timedelta(days=14)).isoformat(),
            }
        case _:
            return {"text": text}


def entry_content(record: Record, section: RecordSection) -> dict[str, Any]:
    entry = RecordSectionEntry.objects.filter(record=record, section=section.value).first()
    return dict(entry.content) if entry else sections.part(section).empty()


def entry_version(record: Record, section: RecordSection) -> int:
    entry = RecordSectionEntry.objects.filter(record=record, section=section.value).first()
    return entry.version if entry else 0


def save(
    record: Record,
    section: RecordSection,
    content: dict[str, Any],
    *,
    by: Professional,
    now: datetime = AFTER,
) -> RecordSectionEntry:
    return services.record_section_save(
        record=record,
        section=section,
        content=content,
        expected_version=entry_version(record, section),
        by=by,
        now=now,
    )


def fill(
    record: Record,
    people: dict[str, Professional],
    decision: Decision,
    *,
    skip: Iterable[RecordSection] = (),
    by: str = "bob",
) -> None:
    """Fill in every part (but those in ``skip``) so that it is complete for ``decision``."""
    skipped = set(skip)
    # Attendance first: the views are for the people who attended.
    for part in sorted(sections.PARTS, key=lambda p: p.section != RecordSection.ATTENDANCE):
        if part.section in skipped:
            continue
        content = complete_content(part.section, record, people, decision)
        if RecordSection.DECISION_REASONS in skipped and part.section == RecordSection.DECISION:
            content["reasons"] = ""
        save(record, part.section, content, by=people[by])


def except_missing(
    record: Record, people: dict[str, Professional], *, by: str = "bob", now: datetime = AFTER
) -> None:
    """For a test that invites fewer people: bob records why each minimum party missing
    (social care, police, health) did not attend, so the record can be authorised (R002.4)."""
    discussion = record.discussion
    contents = {RecordSection(e.section): e.content for e in record.entries.all()}
    for shortfall in attendance_exceptions.shortfalls(
        discussion_pack(discussion),
        discussion_facts(discussion),
        attendance_exceptions.attended_professionals(record, contents),
    ):
        attendance_exceptions.attendance_exception_record(
            record=record,
            party=shortfall.party,
            reason=f"{shortfall.label} not invited to this test discussion",
            by=people[by],
            now=now,
        )


@pytest.fixture
def make_record(people, partnership, agencies) -> Callable[..., Record]:
    """A discussion triaged, scheduled and held, under ``pack``; facts as keyword arguments."""

    def make(
        *,
        pack: str | None = None,
        legal_status: str = "none",
        invitees: tuple[str, ...] = ("alice", "carol", "dev", "erin"),
        held_at: datetime = HELD_AT,
        now: datetime | None = None,
        chair: str = "bob",
        **facts: Any,
    ) -> Record:
        if pack is not None:
            partnership.policy_id = pack
            partnership.save()
        child = ChildFactory(
            partnership=partnership,
            first_name="Zoë",
            last_name="Łukasz-Nguyễn",
            setting=agencies["primary"],
            legal_status=legal_status,
        )
        referral = accepted_referral(
            people=people,
            partnership=partnership,
            agencies=agencies,
            children=[child],
            now=held_at - timedelta(hours=3),
            received_at=held_at - timedelta(hours=4),
            **facts,
        )
        discussion = scheduled_discussion(
            referral=referral,
            people=people,
            invitees=invitees,
            chair=chair,
            now=held_at - timedelta(hours=3),
            starts_in=timedelta(hours=3),
            allow_missing_required=True,
        )
        return services.discussion_hold(
            discussion=discussion,
            held_at=held_at,
            by=people[chair],
            now=now or held_at + timedelta(hours=1),
        )

    return make


def record_with_version(
    *,
    people: dict[str, Professional],
    partnership: Any,
    agencies: dict[str, Any],
    now: datetime,
    decision: Decision = Decision.S47_JOINT,
) -> Record:
    """A discussion held three hours before ``now``, its record authorised and distributed."""
    held_at = now - timedelta(hours=3)
    child = ChildFactory(partnership=partnership, setting=agencies["primary"])
    referral = accepted_referral(
        people=people,
        partnership=partnership,
        agencies=agencies,
        children=[child],
        now=held_at - timedelta(hours=3),
        received_at=held_at - timedelta(hours=4),
    )
    discussion = scheduled_discussion(
        referral=referral,
        people=people,
        invitees=("alice", "carol", "dev", "erin"),
        now=held_at - timedelta(hours=3),
        starts_in=timedelta(hours=3),
        allow_missing_required=True,
    )
    record = services.discussion_hold(
        discussion=discussion, held_at=held_at, by=people["bob"], now=held_at
    )
    fill(record, people, decision)
    services.record_authorise(record=record, by=people["bob"], now=now)
    services.record_distribute(record=record, by=people["bob"], now=now)
    return record
