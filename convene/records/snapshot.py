"""The frozen form of a record version: one JSON document, everything the PDF and API show.

Shape (``format`` 1)::

    format, version, reference, kind, kind_label, partnership,
    held_at, held_on, venue, chair {id, name, job_title, agency},
    children [{id, name, date_of_birth, nhs_number, legal_status, legal_status_label}],
    policy {id, version, digest, title},
    decision, decision_label,
    required [{section, title, rule_ids, citations}],
    shown [part section values, in agenda order],
    parts {part section value: content},
    authorised_by {id, name, job_title, agency}, authorised_at,
    supersedes (version number or null), correction_note,
    attendance_exceptions [{party, party_label, reason, rule_ids, citation,
                            recorded_by {...}, recorded_at, recorded_when}] (R002.4)

Names and labels are copied in, so a version reads the same whatever later
happens to the people, children or packs it mentions.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from convene.discussions.models import Discussion
from convene.people.models import Child, Professional
from convene.people.vocab import LegalStatus
from convene.policy import engine
from convene.policy.pack import PolicyPack
from convene.policy.vocab import Decision, RecordSection
from convene.records import sections
from convene.workdays import LONDON

FORMAT = 1


def person(professional: Professional | None) -> dict[str, Any]:
    if professional is None:
        return {}
    return {
        "id": professional.pk,
        "name": str(professional),
        "job_title": professional.job_title,
        "agency": professional.agency.name if professional.agency else "",
    }


def london_iso(moment: datetime) -> str:
    return moment.astimezone(LONDON).isoformat()


def london_text(moment: datetime) -> str:
    local = moment.astimezone(LONDON)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def child_entry(child: Child) -> dict[str, Any]:
    return {
        "id": child.pk,
        "name": child.full_name,
        "date_of_birth": child.date_of_birth.isoformat() if child.date_of_birth else "",
        "nhs_number": child.nhs_number_display,
        "legal_status": child.legal_status,
        "legal_status_label": ""
        if child.legal_status == LegalStatus.NONE
        else LegalStatus(child.legal_status).label,
    }


def build(
    *,
    number: int,
    discussion: Discussion,
    held_at: datetime,
    pack: PolicyPack,
    decision: Decision,
    required: Sequence[engine.SectionRequirement],
    shown: Sequence[sections.Part],
    contents: Mapping[RecordSection, Mapping[str, Any]],
    authorised_by: Professional,
    authorised_at: datetime,
    supersedes: int | None,
    correction_note: str,
    attendance_exceptions: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    local = held_at.astimezone(LONDON)
    return {
        "format": FORMAT,
        "version": number,
        "reference": discussion.reference,
        "kind": discussion.kind,
        "kind_label": discussion.get_kind_display(),
        "partnership": discussion.partnership.name,
        "held_at": local.isoformat(),
        "held_on": f"{local.day} {local:%B %Y}",
        "venue": discussion.venue or discussion.virtual_link,
        "chair": person(discussion.chair),
        "children": [child_entry(c) for c in discussion.children.order_by("pk")],
        "policy": {
            "id": pack.id,
            "version": pack.version,
            "digest": pack.digest,
            "title": pack.title,
        },
        "decision": decision.value,
        "decision_label": sections.DECISION_LABELS[decision],
        "required": [
            {
                "section": r.section.value,
                "title": sections.SECTION_TITLES[r.section],
                "rule_ids": list(r.rule_ids),
                "citations": [str(c) for c in r.citations],
            }
            for r in required
        ],
        "shown": [p.section.value for p in shown],
        "parts": {
            p.section.value: dict(contents.get(p.section) or p.empty()) for p in sections.PARTS
        },
        "authorised_by": person(authorised_by),
        "authorised_at": authorised_at.astimezone(LONDON).isoformat(),
        "supersedes": supersedes,
        "correction_note": correction_note,
        "attendance_exceptions": [dict(e) for e in attendance_exceptions],
    }


def canonical(snapshot: Mapping[str, Any]) -> bytes:
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def digest(snapshot: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(snapshot)).hexdigest()
