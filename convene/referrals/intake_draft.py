"""The referral intake's session draft: the question pages (steps) and the answers kept so far.

Nothing is written to the case record until "Check your answers" is confirmed
(decision 0011); until then the answers live here, in the session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict

from convene.people.models import Partnership
from convene.people.vocab import ConcernCategory
from convene.referrals import forms as f

DRAFT = "referral_draft"


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form: type[f.PartnershipForm] | None
    # One question on the page: its label or legend is the page's <h1>.
    single: bool = False
    applies: Callable[[Draft], bool] = lambda draft: True
    caption: str = "Record a concern"


def is_restricted(draft: Draft) -> bool:
    return ConcernCategory.ALLEGATION_AGAINST_STAFF.value in draft.raw("categories").get(
        "categories", []
    )


STEPS: tuple[Step, ...] = (
    Step("received", "When and how was the concern received?", f.ReceivedForm),
    Step("referrer", "Who made the referral?", f.ReferrerForm),
    Step("children", "Which children is the concern about?", None),
    Step("account", "What happened, in the referrer's words?", f.AccountForm, single=True),
    Step("conversation", "Your conversation with the referrer", f.ConversationForm, single=True),
    Step("categories", "What kind of concern is it?", f.CategoriesForm, single=True),
    Step("risk", "Significant harm and immediate risk", f.RiskForm),
    Step("health", "Health and medical needs", f.HealthForm),
    Step(
        "exploitation",
        "What is the exploitation screening rating?",
        f.ExploitationForm,
        single=True,
    ),
    Step("planning", "Planning the discussion", f.PlanningForm),
    Step(
        "restricted",
        "Who else may see this restricted record?",
        f.RestrictedForm,
        single=True,
        applies=is_restricted,
    ),
)
STEP_BY_SLUG = {step.slug: step for step in STEPS}


class Draft:
    """The answers so far, in the session, as the raw form data of each page."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        stored = request.session.get(DRAFT)
        self.data: dict[str, Any] = stored if isinstance(stored, dict) else {}
        self.data.setdefault("steps", {})
        self.data.setdefault("children", [])

    def save(self) -> None:
        self.request.session[DRAFT] = self.data
        self.request.session.modified = True

    def clear(self) -> None:
        self.request.session.pop(DRAFT, None)

    @property
    def started(self) -> bool:
        return bool(self.data["steps"] or self.data["children"])

    def raw(self, slug: str) -> dict[str, list[str]]:
        answers = self.data["steps"].get(slug)
        return answers if isinstance(answers, dict) else {}

    def store(self, slug: str, post: MultiValueDict[str, str]) -> None:
        self.data["steps"][slug] = {
            key: post.getlist(key) for key in post if key != "csrfmiddlewaretoken"
        }
        self.save()

    def form(self, step: Step, partnership: Partnership) -> f.PartnershipForm | None:
        """The page's form bound to the stored answers, or None when unanswered."""
        assert step.form is not None
        answers = self.raw(step.slug)
        if not answers:
            return None
        return step.form(MultiValueDict(answers), partnership=partnership)

    def cleaned(self, step: Step, partnership: Partnership) -> dict[str, Any] | None:
        form = self.form(step, partnership)
        return form.cleaned_data if form is not None and form.is_valid() else None

    @property
    def children(self) -> list[dict[str, Any]]:
        items = self.data["children"]
        return items if isinstance(items, list) else []
