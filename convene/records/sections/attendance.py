"""Attendance (R001.11): who attended, sent apologies or did not attend; whether each
attendee brought their agency's information and could decide for it (R001.7); how it
was held and, by phone, why (R002.3: unless the risk is immediate, a meeting is preferred).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from django import forms
from pydantic import field_validator

from convene.core.forms import GovukForm
from convene.policy.vocab import RecordSection
from convene.records.sections._base import (
    Content,
    Contents,
    Group,
    Item,
    Part,
    blocks,
    line_field,
    text_field,
)
from convene.records.sections._forms import radios, text


class AttendanceStatus(StrEnum):
    ATTENDED = "attended"
    APOLOGIES = "apologies"
    ABSENT = "absent"


ATTENDANCE_LABELS: dict[AttendanceStatus, str] = {
    AttendanceStatus.ATTENDED: "Attended",
    AttendanceStatus.APOLOGIES: "Sent apologies",
    AttendanceStatus.ABSENT: "Did not attend",
}


class DiscussionFormat(StrEnum):
    """How it was held (R002.3: unless the risk is immediate, a meeting is preferred)."""

    MEETING = "meeting"
    VIRTUAL = "virtual"
    PHONE = "phone"


FORMAT_LABELS: dict[DiscussionFormat, str] = {
    DiscussionFormat.MEETING: "A meeting in person",
    DiscussionFormat.VIRTUAL: "A virtual meeting (video call)",
    DiscussionFormat.PHONE: "By phone",
}


class AttendanceRow(Content):
    professional_id: int
    name: str = line_field()
    agency: str = line_field()
    role: str = line_field()
    status: AttendanceStatus | None = None


class AttendanceContent(Content):
    rows: list[AttendanceRow] = []
    # R001.7: each attendee brought their agency's information and can decide for it.
    agency_information_confirmed: bool = False
    notes: str = text_field()
    # R002.3: a meeting or by phone; by phone, why (unless the risk was immediate).
    format: DiscussionFormat | None = None
    phone_reason: str = text_field()

    @field_validator("rows")
    @classmethod
    def _unique(cls, rows: list[AttendanceRow]) -> list[AttendanceRow]:
        ids = [row.professional_id for row in rows]
        if len(ids) != len(set(ids)):
            raise ValueError("each person appears once")
        return rows


def attendance_in(contents: Contents) -> AttendanceContent:
    """The attendance part of a record's contents, read through its schema (empty if unsaved)."""
    return AttendanceContent.model_validate(dict(contents.get(RecordSection.ATTENDANCE) or {}))


def _complete(c: AttendanceContent, _contents: Contents) -> bool:
    return (
        bool(c.rows)
        and all(row.status is not None for row in c.rows)
        and any(row.status == AttendanceStatus.ATTENDED for row in c.rows)
        and c.agency_information_confirmed
        and c.format is not None
    )


def _describe(c: AttendanceContent) -> list[Item]:
    rows = [
        Item(
            f"{row.name}, {row.role}, {row.agency}".strip(", "),
            ATTENDANCE_LABELS[row.status] if row.status else "Not recorded",
        )
        for row in c.rows
    ]
    confirmed = (
        "Each attendee brought their agency's information and could make decisions for their agency"
        if c.agency_information_confirmed
        else ""
    )
    return (
        rows
        + blocks([("Agency information and authority", confirmed)])
        + blocks(
            [
                ("How it was held", FORMAT_LABELS[c.format] if c.format else ""),
                ("Why by phone", c.phone_reason),
            ]
        )
        + blocks([("Notes", c.notes)])
    )


class AttendanceForm(GovukForm):
    """One question per invitee: attended, sent apologies or did not attend."""

    def __init__(self, *args: Any, content: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = list(content.get("rows", []))
        for row in self.rows:
            name = f"status_{row['professional_id']}"
            self.fields[name] = radios(
                f"{row['name']}, {row['role']}, {row['agency']}".strip(", "),
                ATTENDANCE_LABELS,
                initial=row.get("status"),
            )
        self.fields["agency_information_confirmed"] = forms.BooleanField(
            label="Everyone who attended brought their agency's information and could make "
            "decisions for their agency",
            required=False,
            initial=content.get("agency_information_confirmed", False),
        )
        self.fields["notes"] = text("Notes", initial=content.get("notes", ""))
        # R002.3: a meeting, or by phone and why.
        self.fields["format"] = radios(
            "How was the discussion held?",
            FORMAT_LABELS,
            hint="Unless the risk is immediate, a meeting is preferred to phone calls",
            initial=content.get("format"),
        )
        self.fields["phone_reason"] = text(
            "If by phone: why was it not a meeting?",
            "Needed unless the risk to the child was immediate",
            rows=3,
            initial=content.get("phone_reason"),
        )

    def content(self) -> dict[str, Any]:
        return {
            "rows": [
                {**row, "status": self.cleaned_data.get(f"status_{row['professional_id']}") or None}
                for row in self.rows
            ],
            "agency_information_confirmed": self.cleaned_data["agency_information_confirmed"],
            "notes": self.cleaned_data["notes"],
            "format": self.cleaned_data.get("format") or None,
            "phone_reason": self.cleaned_data.get("phone_reason", ""),
        }


PART = Part(
    section=RecordSection.ATTENDANCE,
    title="Attendance",
    group=Group.INTRODUCTION,
    schema=AttendanceContent,
    hint="Who attended, sent apologies or did not attend, for each agency",
    complete=_complete,
    describe=_describe,
    form=AttendanceForm,
    template="records/parts/attendance.html",
    internal=True,
)
