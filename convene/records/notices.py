"""The emails a distribution sends: the record to attendees, the outcome to the others.

The outcome notice to someone outside the partnership's professionals (a
referrer who is a member of the public or a relative) is built from the family
summary alone, so nothing marked not to be shared with the family can reach
them (R003.5); partner agencies that were invited but absent get the decision
as recorded (R002.9).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from convene.core.dates import govuk_date
from convene.policy.vocab import Decision, RecordSection
from convene.records.family import family_summary
from convene.records.sections import DECISION_LABELS, DecisionContent

__all__ = ["Message", "outcome_message", "pdf_filename", "record_message"]

NEXT_STEPS: dict[Decision, str] = {
    Decision.S47_SINGLE_AGENCY: "Children's social care will carry out a section 47 enquiry.",
    Decision.S47_JOINT: "Children's social care and the police will carry out a section 47 "
    "enquiry together.",
    Decision.SINGLE_ASSESSMENT: "Children's social care will carry out a single assessment; "
    "the discussion reconvenes at its end.",
    Decision.CHILD_IN_NEED: "The family will be offered support as a child in need (section 17).",
    Decision.NO_FURTHER_ACTION: "No further action by children's social care under these "
    "procedures.",
}


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def _base_url() -> str:
    return str(settings.SITE_URL).rstrip("/")


def pdf_filename(snapshot: Mapping[str, Any]) -> str:
    return f"{snapshot['reference']}-record-v{snapshot['version']}.pdf"


def record_message(snapshot: Mapping[str, Any], *, discussion_id: int, name: str) -> Message:
    version = snapshot["version"]
    corrected = (
        f"This version corrects version {snapshot['supersedes']}: {snapshot['correction_note']}\n\n"
        if snapshot.get("supersedes")
        else ""
    )
    link = f"{_base_url()}/discussions/{discussion_id}/record/confirm/"
    return Message(
        subject=f"OFFICIAL-SENSITIVE: {snapshot['kind_label']} record {snapshot['reference']}, "
        f"version {version}",
        body=(
            f"Dear {name},\n\n"
            f"The authorised record of the {snapshot['kind_label'].lower()} held on "
            f"{snapshot['held_on']} is attached (version {version}).\n\n"
            f"{corrected}"
            "Please confirm that it is accurate, or ask for a correction, here:\n"
            f"{link}\n\n"
            "The record is OFFICIAL-SENSITIVE: keep it on your agency's secure systems and "
            "do not forward it.\n"
        ),
    )


def outcome_message(snapshot: Mapping[str, Any], *, name: str, family_safe: bool) -> Message:
    """A short notice of the outcome (R002.9)."""
    reference = snapshot["reference"]
    kind = snapshot["kind_label"].lower()
    lines = [f"Dear {name},", "", f"The {kind} {reference} was held on {snapshot['held_on']}."]
    decision = DecisionContent.model_validate(
        snapshot["parts"].get(RecordSection.DECISION.value) or {}
    )
    if family_safe:
        summary = family_summary(snapshot)
        shared = not summary.withheld and any(
            section.title == "Decision" for section in summary.sections
        )
        if shared and decision.decision is not None:
            lines += ["", f"Outcome: {DECISION_LABELS[decision.decision]}."]
        lines += ["", "A social worker will contact you about what happens next."]
    else:
        if decision.decision is not None:
            lines += [
                "",
                f"Outcome: {DECISION_LABELS[decision.decision]}.",
                NEXT_STEPS[decision.decision],
            ]
            if decision.reconvene_on:
                lines.append(f"It reconvenes by {govuk_date(decision.reconvene_on)}.")
        chair = snapshot.get("chair") or {}
        if chair.get("name"):
            lines += ["", f"The chair was {chair['name']}; contact them with any questions."]
    return Message(
        subject=f"OFFICIAL-SENSITIVE: outcome of {kind} {reference}"
        if not family_safe
        else f"Strategy discussion {reference}",
        body="\n".join(lines) + "\n",
    )
