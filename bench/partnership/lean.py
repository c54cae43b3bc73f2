"""Smaller values for old (lean) copies: what makes a case heavy on disk, cut down.

A million discussions must fit on one disk. Three values were most of a copied
case's bytes: a record version's PDF (about 33 KB, already compressed), the
referral's policy explanation (about 56 KB of JSON) and the emails' bodies.
An old case gets one small placeholder PDF (made once per process), an
explanation that keeps its structure and what the referral page shows (the
recommendation, advice, reasons asked and the rules that fired), email
bodies cut to their first line with no attachment (the invitation's calendar
file), and in-app notices cut to their first line (what happened; the due date
and the rule are left out). Open cases and the templates keep the real ones.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

from django.db import models

PLACEHOLDER_TEXT = (
    "Synthetic archived record (benchmark data). The authorised record of this "
    "historic case is not reproduced here."
)
EMAIL_BODY_CHARS = 120
# What an old explanation drops: lists no page reads, emptied to their type.
DROPPED_EXPLANATION_KEYS = ("sections", "escalations", "attendance", "awaiting")


@cache
def placeholder_pdf() -> bytes:
    """A valid one-page PDF of a few hundred bytes (fixed date: the same bytes each run)."""
    from datetime import UTC, datetime

    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_compression(True)
    pdf.set_creation_date(datetime(2026, 1, 1, tzinfo=UTC))
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, PLACEHOLDER_TEXT)
    return bytes(pdf.output())


def short_explanation(explanation: dict[str, Any]) -> dict[str, Any]:
    """The explanation with the rules that fired only, and the long lists emptied."""
    fired = {explanation.get("recommendation", {}).get("rule_id")}
    for key in ("advice", "reasons_asked", "deadlines"):
        fired |= {item.get("rule_id") for item in explanation.get(key) or []}
    short = dict(explanation)
    short["rules"] = [r for r in explanation.get("rules") or [] if r.get("rule_id") in fired]
    for key in DROPPED_EXPLANATION_KEYS:
        if key in short:
            short[key] = type(short[key])()
    return short


def short_body(body: str) -> str:
    first = body.strip().split("\n", 1)[0]
    return first[:EMAIL_BODY_CHARS]


def lighten(model: type[models.Model], attnames: list[str], row: list[Any]) -> None:
    """Replace an old copy's heavy values in place (``row`` holds the template's values)."""
    label = model._meta.label_lower
    if label == "records.recordversion":
        pdf = placeholder_pdf()
        row[attnames.index("pdf")] = pdf
        row[attnames.index("pdf_sha256")] = hashlib.sha256(pdf).hexdigest()
    elif label == "referrals.referral":
        at = attnames.index("explanation")
        if isinstance(row[at], dict):
            row[at] = short_explanation(row[at])
        elif isinstance(row[at], str):  # already serialised
            row[at] = json.dumps(short_explanation(json.loads(row[at])))
    elif label == "reminders.delivery":
        at = attnames.index("body")
        if row[attnames.index("channel")] == "email":  # sent long ago; no page shows it
            row[at] = short_body(row[at])
            row[attnames.index("attachments")] = []  # e.g. the invitation's calendar file
        else:  # the notifications page shows what the notice said, not its due date and rule
            row[at] = row[at].strip().split("\n", 1)[0]
