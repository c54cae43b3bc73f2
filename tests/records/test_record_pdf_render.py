"""The PDF renderer on its own: marking, version, names in any script, text never interpreted."""

from __future__ import annotations

import hashlib
import io

from pypdf import PdfReader

from convene.records.pdf import MARKING, render_pdf
from tests.pagecheck import plain_words_problems

NAME = "Zoë Łukasz-Nguyễn"


def _snapshot(**extra):
    snapshot = {
        "format": 1,
        "version": 3,
        "reference": "D000042",
        "kind_label": "Strategy meeting",
        "partnership": "Riverside Safeguarding Children Partnership",
        "held_at": "2026-03-04T10:00:00+00:00",
        "authorised_at": "2026-03-04T15:30:00+00:00",
        "children": [{"name": NAME, "date_of_birth": "2019-01-02", "nhs_number": "999 000 0018"}],
        "chair": {"name": "Bob Bennett", "job_title": "Team manager"},
        "authorised_by": {"name": "Bob Bennett", "job_title": "Team manager"},
        "policy": {"id": "halton", "version": "2026.1", "title": "Halton"},
        "shown": ["attendance", "introduction", "decision", "actions"],
        "parts": {
            "attendance": {
                "rows": [
                    {
                        "professional_id": 1,
                        "name": "Carol Clarke",
                        "agency": "Shire Constabulary",
                        "role": "Detective constable",
                        "status": "attended",
                    }
                ],
                "agency_information_confirmed": True,
            },
            "introduction": {
                "reason": "**not bold** <b>not markup</b> {{ not a template }}",
                "child_background": f"{NAME} lives with her mother",
            },
            "decision": {"decision": "s47_joint", "reasons": "Unexplained bruising"},
            "actions": {
                "actions": [
                    {
                        "key": "abcdef12",
                        "owner_kind": "person",
                        "owner_id": 1,
                        "owner_name": "Alice Ashworth",
                        "what": "Visit and see the child alone",
                        "why": "Within 24 hours of the decision",
                        "due_on": "2026-03-05",
                    }
                ]
            },
        },
    }
    snapshot.update(extra)
    return snapshot


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_carries_marking_version_names_and_sections():
    pdf = render_pdf(_snapshot())
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    assert MARKING in text
    assert "record version 3" in text
    assert NAME in text
    assert "Carol Clarke" in text
    assert "Section 47 enquiry jointly with the police" in text
    assert "Unexplained bruising" in text
    assert "Visit and see the child alone" in text
    assert "4 March 2026 at 10:00" in text


def test_free_text_is_written_as_typed_never_interpreted():
    text = _text(render_pdf(_snapshot()))
    assert "**not bold** <b>not markup</b> {{ not a template }}" in " ".join(text.split())


def test_every_page_is_marked():
    long_reason = "A long account. " * 600
    snapshot = _snapshot()
    snapshot["parts"]["introduction"]["reason"] = long_reason
    reader = PdfReader(io.BytesIO(render_pdf(snapshot)))
    assert len(reader.pages) > 2
    for page in reader.pages:
        assert page.extract_text().count(MARKING) >= 2  # top and bottom


def test_same_snapshot_renders_the_same_bytes():
    assert (
        hashlib.sha256(render_pdf(_snapshot())).digest()
        == hashlib.sha256(render_pdf(_snapshot())).digest()
    )


def test_a_correction_says_which_version_it_corrects():
    text = _text(render_pdf(_snapshot(supersedes=2, correction_note="Police officer's name")))
    assert "version 2" in text
    assert "Police officer's name" in text


def test_the_pdf_reads_in_plain_words_with_govuk_dates():
    """Issue 18: no rule ids, pack keys or ISO dates in the PDF's text."""
    exception = {
        "party_label": "Police",
        "reason": "Officer called to an arrest",
        "recorded_by": {"name": "Bob Bennett", "job_title": "Team manager"},
        "recorded_at": "2026-03-04T15:00:00+00:00",
        "citation": "R002.4: Working Together 2023, paragraph 141",
    }
    text = _text(render_pdf(_snapshot(attendance_exceptions=[exception])))
    assert plain_words_problems(text) == []
    assert "Officer called to an arrest" in text
    for date in ("4 March 2026 at 10:00", "5 March 2026", "2 January 2019"):
        assert date in " ".join(text.split())
