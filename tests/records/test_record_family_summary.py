"""The family summary never carries what is marked not to be shared (R003.5, R001.13)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from convene.records.family import family_summary, family_summary_text

SECRET = "SECRET-POLICE-LINE"


def _snapshot(parts):
    return {
        "reference": "D000001",
        "held_on": "4 March 2026",
        "children": [{"name": "Zoë Łukasz-Nguyễn"}],
        "parts": parts,
    }


def test_R003_5_flagged_items_and_internal_parts_are_left_out():
    parts = {
        "introduction": {"reason": "Bruising seen at school", "child_background": "Lives with mum"},
        "information_shared": {
            "contributions": [
                {"agency": "School", "information": "Attendance is good"},
                {"agency": "Police", "information": SECRET, "not_for_family": True},
            ]
        },
        "criminal_investigation": {"text": SECRET},
        "lado_legal": {"lado_referral": True, "lado_notes": SECRET},
        "family_communication": {"sharing": "partial", "reason_withheld": SECRET},
        "actions": {
            "actions": [
                {
                    "key": "aaaaaaaa",
                    "owner_kind": "agency",
                    "owner_id": 1,
                    "owner_name": "Police",
                    "what": SECRET,
                    "why": "x",
                    "due_on": "2026-03-05",
                    "not_for_family": True,
                },
                {
                    "key": "bbbbbbbb",
                    "owner_kind": "person",
                    "owner_id": 2,
                    "owner_name": "Alice Ashworth",
                    "what": "Visit the family",
                    "why": "To see Zoë",
                    "due_on": "2026-03-05",
                },
            ]
        },
    }
    summary = family_summary(_snapshot(parts))
    text = family_summary_text(summary)
    assert SECRET not in text
    assert "Attendance is good" in text
    assert "Visit the family" in text
    assert "Zoë Łukasz-Nguyễn" in text
    titles = [section.title for section in summary.sections]
    assert "Criminal investigation" not in titles
    assert "What is shared with the family" not in titles


def test_R003_5_nothing_at_all_when_the_family_is_to_be_told_nothing():
    parts = {
        "introduction": {"reason": "Disclosure", "child_background": "Lives with dad"},
        "family_communication": {"sharing": "none", "reason_withheld": SECRET},
    }
    summary = family_summary(_snapshot(parts))
    text = family_summary_text(summary)
    assert summary.withheld
    assert summary.sections == ()
    assert "Disclosure" not in text
    assert SECRET not in text


def test_a_whole_section_marked_not_for_the_family_is_left_out():
    parts = {"analysis": {"harm_attributable": SECRET, "not_for_family": True}}
    assert SECRET not in family_summary_text(family_summary(_snapshot(parts)))


_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(
    shared=st.lists(_text, min_size=1, max_size=4),
    flagged=st.lists(_text, min_size=1, max_size=4),
    sharing=st.sampled_from(["all", "partial", "none"]),
)
def test_R003_5_no_flagged_text_ever_reaches_the_family_summary(shared, flagged, sharing):
    marker = "⟦FLAG⟧"
    contributions = [{"agency": "A", "information": s} for s in shared] + [
        {"agency": "B", "information": marker + f + marker, "not_for_family": True} for f in flagged
    ]
    parts = {
        "information_shared": {"contributions": contributions},
        "professional_views": {
            "views": [
                {
                    "professional_id": 1,
                    "view": "has_suffered",
                    "comment": marker + f,
                    "not_for_family": True,
                }
                for f in flagged
            ]
        },
        "risk_assessment": {"cause_for_concern": marker + flagged[0], "not_for_family": True},
        "family_communication": {
            "sharing": sharing,
            "reason_withheld": marker,
            "who_and_when": "x",
        },
    }
    text = family_summary_text(family_summary(_snapshot(parts)))
    assert marker not in text
