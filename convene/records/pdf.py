"""The record as a PDF: rendered from a frozen version's snapshot, never from live data.

fpdf2 with the DejaVu Sans font shipped in ``fonts/`` (so any name, "Zoë
Łukasz-Nguyễn" included, renders on any machine and nothing is fetched at run
time), in a plain GOV.UK-like style: black text, bold headings, a thick rule
under the title, "OFFICIAL-SENSITIVE" at the top and bottom of every page, the
record version on every page. Free text is written as text and never
interpreted (no markdown, no HTML). The creation date is the authorisation
time, so the same snapshot always renders to the same bytes.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from convene.core.dates import govuk_date, govuk_datetime
from convene.policy.vocab import RecordSection
from convene.records import pdf_fonts
from convene.records.sections import (
    ATTENDANCE_LABELS,
    PARTS,
    ActionsContent,
    AttendanceContent,
    Group,
    Item,
    items,
)

__all__ = ["MARKING", "render_pdf"]

# fontTools reports every glyph it keeps when fpdf2 subsets the font.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONTS = Path(__file__).resolve().parent / "fonts"
MARKING = "OFFICIAL-SENSITIVE"
FAMILY = "DejaVu"
BLACK = (11, 12, 12)
GREY = (80, 90, 95)
RULE = (29, 112, 184)  # GOV.UK blue, for the rule under the title
HEADING_FILL = (243, 242, 241)


class _RecordPdf(FPDF):
    def __init__(self, *, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._footer_text = footer_text
        # Parsed once per process, not once per record (pdf_fonts says what is shared).
        pdf_fonts.add_font(self, FAMILY, "", FONTS / "DejaVuSans.ttf")
        pdf_fonts.add_font(self, FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_margins(left=18, top=18, right=18)
        self.set_auto_page_break(auto=True, margin=22)
        self.alias_nb_pages()

    def header(self) -> None:
        self.set_font(FAMILY, "B", 10)
        self.set_text_color(*BLACK)
        self.set_y(8)
        self.cell(0, 5, MARKING, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_y(18)

    def footer(self) -> None:
        self.set_y(-16)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*GREY)
        self.cell(
            0,
            4,
            f"{self._footer_text} · page {self.page_no()} of {{nb}}",
            align="C",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.set_font(FAMILY, "B", 10)
        self.set_text_color(*BLACK)
        self.cell(0, 5, MARKING, align="C")


def _heading(pdf: FPDF, text: str, size: int) -> None:
    if pdf.will_page_break(size * 1.6):
        pdf.add_page()
    pdf.set_font(FAMILY, "B", size)
    pdf.set_text_color(*BLACK)
    pdf.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.5)


def _label_value(pdf: FPDF, label: str, value: str) -> None:
    if label:
        pdf.set_font(FAMILY, "B", 10)
        pdf.set_text_color(*BLACK)
        pdf.multi_cell(0, 5, label, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 10)
    pdf.multi_cell(0, 5, value or "-", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def _table(
    pdf: FPDF,
    headings: Sequence[str] | None,
    rows: Sequence[Sequence[str]],
    widths: Sequence[int],
) -> None:
    pdf.set_font(FAMILY, "", 9)
    pdf.set_draw_color(*GREY)
    pdf.set_line_width(0.2)
    with pdf.table(
        col_widths=tuple(widths),
        text_align="LEFT",
        line_height=4.6,
        first_row_as_headings=headings is not None,
        headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
        padding=1.2,
    ) as table:
        if headings is not None:
            heading_row = table.row()
            for heading in headings:
                heading_row.cell(heading)
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(value or "-")
    pdf.ln(3)


def _flagged(item: Item) -> str:
    return f"{item.label} [not to be shared with the family]" if item.not_for_family else item.label


def _exceptions(pdf: FPDF, exceptions: Sequence[Mapping[str, Any]]) -> None:
    """R002.4: who did not attend, and the manager's reason the record stands without them."""
    for exception in exceptions:
        _label_value(
            pdf,
            f"Attendance exception: {exception.get('party_label', '')} did not attend",
            f"{exception.get('reason', '')}\n\nRecorded by "
            f"{_person(exception.get('recorded_by') or {})}, "
            # Plain words (issue 18): the rule it answers is kept in the snapshot, not printed.
            f"{_when(exception.get('recorded_at'))}",
        )


def _attendance(
    pdf: FPDF, content: Mapping[str, Any] | None, exceptions: Sequence[Mapping[str, Any]] = ()
) -> None:
    c = AttendanceContent.model_validate(dict(content or {}))
    if c.rows:
        _table(
            pdf,
            ("Name", "Role", "Agency", "Attendance"),
            [
                (
                    row.name,
                    row.role,
                    row.agency,
                    ATTENDANCE_LABELS[row.status] if row.status else "",
                )
                for row in c.rows
            ],
            (45, 40, 55, 34),
        )
    for item in items(RecordSection.ATTENDANCE, content)[len(c.rows) :]:
        _label_value(pdf, item.label, item.text)
    _exceptions(pdf, exceptions)
    if not c.rows and not c.notes:
        _label_value(pdf, "", "Not recorded")


def _actions(pdf: FPDF, content: Mapping[str, Any] | None) -> None:
    c = ActionsContent.model_validate(dict(content or {}))
    if not c.actions:
        _label_value(pdf, "", "No actions were agreed" if c.none_agreed else "Not recorded")
        return
    _table(
        pdf,
        ("Who", "What", "By", "Why"),
        [
            (
                action.owner_name + (" [not for the family]" if action.not_for_family else ""),
                action.what,
                govuk_date(action.due_on),
                action.why,
            )
            for action in c.actions
        ],
        (38, 62, 22, 52),
    )


def _when(iso: str | None) -> str:
    return govuk_datetime(iso)


def render_pdf(snapshot: Mapping[str, Any]) -> bytes:
    """The PDF of one frozen version (``convene.records.snapshot`` describes the shape)."""
    version = snapshot["version"]
    reference = snapshot["reference"]
    pdf = _RecordPdf(footer_text=f"{reference} · record version {version}")
    authorised_at = datetime.fromisoformat(snapshot["authorised_at"])
    pdf.set_creation_date(authorised_at)
    pdf.set_producer("Convene")
    pdf.set_creator("Convene")
    pdf.set_title(f"{snapshot['kind_label']} record {reference}, version {version}")
    pdf.set_lang("en-GB")
    pdf.add_page()

    pdf.set_font(FAMILY, "", 11)
    pdf.set_text_color(*GREY)
    pdf.cell(0, 6, str(snapshot.get("partnership", "")), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _heading(pdf, f"{snapshot['kind_label']} record", 20)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(1.2)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(4)

    chair = snapshot.get("chair") or {}
    authorised_by = snapshot.get("authorised_by") or {}
    summary = [
        ("Reference", reference),
        ("Record version", str(version)),
        ("Discussion held", _when(snapshot.get("held_at"))),
        ("Children", "; ".join(_child(c) for c in snapshot.get("children", []))),
        ("Chair", _person(chair)),
        ("Authorised by", f"{_person(authorised_by)}, {_when(snapshot.get('authorised_at'))}"),
        ("Procedure", _policy(snapshot.get("policy") or {})),
    ]
    if snapshot.get("supersedes"):
        summary.append(
            (
                "Corrects",
                f"version {snapshot['supersedes']}: {snapshot.get('correction_note') or ''}".rstrip(
                    ": "
                ),
            )
        )
    _table(pdf, None, summary, (40, 134))

    parts: Mapping[str, Any] = snapshot.get("parts", {})
    shown = set(snapshot.get("shown", [p.section.value for p in PARTS]))
    for group in Group:
        group_parts = [p for p in PARTS if p.group == group and p.section.value in shown]
        if not group_parts:
            continue
        _heading(pdf, group.value, 15)
        for part in group_parts:
            _heading(pdf, part.title, 12)
            content = parts.get(part.section.value)
            if part.section == RecordSection.ATTENDANCE:
                _attendance(pdf, content, snapshot.get("attendance_exceptions") or ())
            elif part.section == RecordSection.ACTIONS:
                _actions(pdf, content)
            else:
                found = items(part.section, content)
                if not found:
                    _label_value(pdf, "", "Not recorded")
                for item in found:
                    _label_value(pdf, _flagged(item), item.text)
    return bytes(pdf.output())


def _child(child: Mapping[str, Any]) -> str:
    bits = [child.get("name", "")]
    if child.get("date_of_birth"):
        bits.append(f"born {govuk_date(child['date_of_birth'])}")
    if child.get("nhs_number"):
        bits.append(f"NHS {child['nhs_number']}")
    if child.get("legal_status_label"):
        bits.append(child["legal_status_label"])
    return ", ".join(b for b in bits if b)


def _person(person: Mapping[str, Any]) -> str:
    return ", ".join(b for b in (person.get("name", ""), person.get("job_title", "")) if b)


def _policy(policy: Mapping[str, Any]) -> str:
    if not policy:
        return ""
    return f"{policy.get('title') or policy.get('id')} (version {policy.get('version')})"
