"""The questions of an agency check, written once: the form, the page and the record read them.

Gloucestershire asks each agency to bring all its relevant information (R001.7);
Warwickshire says what a school or setting prepares (R003.4).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    hint: str = ""
    # Only a school or early years setting is asked (R003.4).
    school_only: bool = False


KNOWN = "known"
KNOWN_ANSWERS = {
    "yes": "Yes, known now",
    "past": "Known in the past, not now",
    "no": "Not known",
}

QUESTIONS: tuple[Question, ...] = (
    Question("involvement", "Your agency's current involvement with the child and family"),
    Question("history", "Relevant history and incidents", "Dates where you have them."),
    Question("concerns", "Concerns and risks, as your agency sees them"),
    Question("protective_factors", "Protective factors"),
    Question("childs_views", "What your agency knows of the child's views and wishes"),
    Question("contribution", "What your agency can contribute to the enquiry"),
    Question("start_date", "When the child started at the school or setting", school_only=True),
    Question("attendance", "Attendance, and any pattern in absences", school_only=True),
    Question(
        "concern_records",
        "Records of concerns, disclosures, incidents and accidents",
        school_only=True,
    ),
    Question("parental_engagement", "How parents and carers engage", school_only=True),
    Question("development", "Health, development and learning", school_only=True),
    Question("previous_support", "Previous concerns and support given", school_only=True),
    Question(
        "not_for_family",
        "Anything that must not be shared with the family",
        "Leave empty if everything may be shared.",
    ),
    Question("not_for_family_reason", "Why it must not be shared"),
    Question("completed_by_role", "Your role", "For example, Designated safeguarding lead."),
)


def questions_for(*, school: bool) -> tuple[Question, ...]:
    return tuple(q for q in QUESTIONS if school or not q.school_only)


def answered(content: dict[str, str]) -> list[tuple[str, str]]:
    """(question, answer) for each question answered, in the questions' order."""
    rows = []
    if content.get(KNOWN):
        rows.append(("Is the child known to your agency?", KNOWN_ANSWERS[content[KNOWN]]))
    rows.extend((q.label, content[q.key]) for q in QUESTIONS if content.get(q.key))
    return rows
