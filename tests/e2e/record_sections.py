"""The chair types the record of a strategy discussion that decided a joint section 47
enquiry, section by section, in the browser (issue 18): from the record's task list, each
section's link, its form by its labels, then "Save and return to the record".

Attendance, the decision (with its reasons) and the actions are typed by the journey itself;
these are the other sections the pack requires for that decision, and the ones a joint
enquiry's plan has as a matter of course (analysis, each professional's view, the ABE
interview, the medical, seeing the child alone, diversity). One short sentence per field.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.e2e.steps import click, see


def _texts(*answers: tuple[str, str]) -> Callable[[Page], None]:
    def type_them(page: Page) -> None:
        for label, answer in answers:
            page.get_by_label(label, exact=True).fill(answer)

    return type_them


def _answer(page: Page, question: str, option: str) -> None:
    page.get_by_role("group", name=question).get_by_label(option, exact=True).check()


def _information_shared(page: Page) -> None:
    # One place per agency that attended.
    places = page.get_by_label(re.compile(": information shared$")).all()
    assert len(places) >= 3, "each attending agency has a place for what it shared"
    for place in places:
        place.fill("Known to us; nothing of concern before this week.")
    _answer(page, "Was any information shared without consent?", "No")


def _professional_views(page: Page) -> None:
    # The key question, put to everyone who attended.
    views = page.get_by_label("Is likely to suffer significant and ongoing harm").all()
    assert len(views) >= 3, "everyone who attended is asked the key question"
    for view in views:
        view.check()
    for by_whom in page.get_by_label("Yes, by both working together").all():
        by_whom.check()


def _diversity(page: Page) -> None:
    page.get_by_label(re.compile("^Race, ethnicity, beliefs and culture")).fill(
        "Ada's family speak English and Yoruba at home."
    )
    _answer(page, "Is an interpreter needed?", "No")


def _family(page: Page) -> None:
    page.get_by_label(re.compile("^Share what professionals shared")).check()
    page.get_by_label("Who tells the family, and when").fill("Alice tells Ada's mother today.")


def _risk(page: Page) -> None:
    _texts(
        ("Cause for concern", "An unexplained bruise on the face."),
        ("How serious is it?", "Serious: a facial injury to a young child."),
        (
            "What does the child need protecting from, from whom and how?",
            "From physical harm at home, by a safety plan with her mother.",
        ),
        (
            "Level of intervention needed: immediate, interim, longer term",
            "Immediate: a joint visit today.",
        ),
    )(page)
    page.get_by_label("Domestic abuse").check()


def _lado(page: Page) -> None:
    _answer(page, "Is a referral to the LADO needed?", "No")


SECTIONS: list[tuple[str, Callable[[Page], None]]] = [
    (
        "Introduction: reason and background",
        _texts(
            ("Reason for convening", "A bruise on Ada's cheek reported by her school."),
            ("Background: the child or children", "Ada is 7 and lives with her mother."),
        ),
    ),
    ("Information shared by each agency", _information_shared),
    ("Assessment of risk", _risk),
    (
        "Analysis",
        _texts(
            (
                "Is the harm attributable to the parents or carers?",
                "Not yet known; the enquiry will find out.",
            ),
            (
                "What is the evidence that the harm is likely to continue?",
                "Two earlier referrals about bruising.",
            ),
            ("What protective factors are in place, or could be used?", "Her mother and school."),
            ("The child's views", "Ada says she fell over."),
            ("What do the history and family context tell us?", "Her mother cares for her alone."),
        ),
    ),
    ("Each professional's view on significant harm", _professional_views),
    (
        "Section 47 plan and areas of risk",
        _texts(
            ("Areas of risk the section 47 enquiry will assess", "Physical harm at home."),
            ("How the enquiry is carried out, by whom and when", "Alice and Carol visit today."),
        ),
    ),
    (
        "Criminal investigation",
        _texts(
            (
                "Conduct and timing of any criminal investigation",
                "Carol opens an investigation today.",
            )
        ),
    ),
    (
        "Achieving Best Evidence interview",
        _texts(
            (
                "Achieving Best Evidence interview: whether, who and when",
                "Carol decides after the visit.",
            )
        ),
    ),
    (
        "Medical assessment",
        _texts(
            (
                "Paediatric safeguarding medical: whether, who, where and when",
                "A paediatrician sees Ada tomorrow at the hospital.",
            )
        ),
    ),
    (
        "Immediate protection and interim services",
        _texts(("What is done now to keep the child safe", "Ada stays with her mother tonight.")),
    ),
    (
        "Seeing the child alone, wishes and feelings",
        _texts(
            ("When will the child be seen alone, and by whom?", "Alice, at school today."),
            ("How will their wishes and feelings be gathered?", "Talking and drawing."),
        ),
    ),
    ("Diversity, culture and interpreter", _diversity),
    ("What is shared with the family", _family),
    ("LADO referral or legal action", _lado),
]


def type_the_record(page: Page) -> None:
    """From the record's task list, type each section, and come back to the task list."""
    for title, type_it in SECTIONS:
        click(page, title)
        see(page, title)
        type_it(page)
        click(page, "Save and return to the record", role="button")
        see_saved(page, title)


def see_saved(page: Page, title: str) -> None:
    """Back on the task list, the section reads as completed."""
    expect(page.locator("h1")).to_contain_text("Record of the strategy discussion")
    row = page.locator(
        ".govuk-task-list__item", has=page.get_by_role("link", name=title, exact=True)
    )
    expect(row.locator(".govuk-task-list__status")).to_have_text("Completed")
