"""Information shared by each attending agency (R001.12; for a review, progress on the
agreed actions and updated risk), and what was shared without consent and why that was
reasonable, proportionate and relevant (R003.2, always kept from the family).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms

from convene.core.forms import GovukForm
from convene.policy.vocab import RecordSection
from convene.records.sections._base import (
    Content,
    Contents,
    FormInputs,
    Group,
    Item,
    Part,
    blocks,
    filled,
    line_field,
    text_field,
)
from convene.records.sections._forms import answer, not_for_family, text, yes_no


class Contribution(Content):
    agency: str = line_field()
    shared_by: str = line_field()
    information: str = text_field()
    # A review discussion (R001.12): progress on the agreed actions, updated risk.
    action_progress: str = text_field()
    updated_risk: str = text_field()
    not_for_family: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.information or self.action_progress or self.updated_risk)


class InformationSharedContent(Content):
    contributions: list[Contribution] = []
    # R003.2: information shared without consent, and why that was reasonable,
    # proportionate and relevant.
    shared_without_consent: bool | None = None
    without_consent_what: str = text_field()
    without_consent_why: str = text_field()


def _complete(c: InformationSharedContent, _contents: Contents) -> bool:
    return (
        any(not contribution.is_empty for contribution in c.contributions)
        and c.shared_without_consent is not None
        and (not c.shared_without_consent or filled(c.without_consent_what, c.without_consent_why))
    )


def _without_consent(c: InformationSharedContent) -> list[Item]:
    """R003.2, kept from the family: what was shared without consent, and why."""
    if c.shared_without_consent is None:
        return []
    if not c.shared_without_consent:
        return [Item("Information shared without consent", "None", True)]
    return blocks(
        [
            ("Information shared without consent", c.without_consent_what),
            ("Why it was reasonable, proportionate and relevant", c.without_consent_why),
        ],
        not_for_family=True,
    )


def _contribution_text(contribution: Contribution) -> str:
    return "\n\n".join(
        part_text
        for part_text in (
            contribution.information,
            f"Progress on agreed actions: {contribution.action_progress}"
            if contribution.action_progress
            else "",
            f"Updated assessment of risk: {contribution.updated_risk}"
            if contribution.updated_risk
            else "",
        )
        if part_text
    )


def _describe(c: InformationSharedContent) -> list[Item]:
    found: list[Item] = []
    for contribution in c.contributions:
        who = contribution.agency + (
            f" ({contribution.shared_by})" if contribution.shared_by else ""
        )
        if text_ := _contribution_text(contribution):
            found.append(Item(who or "Agency not named", text_, contribution.not_for_family))
    return found + _without_consent(c)


class InformationSharedForm(GovukForm):
    """What each attending agency shared (R001.12); for a review, progress and updated risk."""

    def __init__(
        self,
        *args: Any,
        content: Mapping[str, Any],
        agencies: Sequence[tuple[str, str]],
        review: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        existing = {c.get("agency"): c for c in content.get("contributions", [])}
        names = [name for name, _ in agencies] + [
            name for name in existing if name and name not in {n for n, _ in agencies}
        ]
        self.agencies = []
        for index, agency in enumerate(names):
            found = existing.get(agency, {})
            # Who shared it as first written (an agency check's sender and time, issue 16)
            # stays when the chair saves; the first attendee names it otherwise.
            shared_by = found.get("shared_by") or dict(agencies).get(agency, "")
            prefix = f"a{index}"
            self.fields[f"{prefix}_information"] = text(
                f"{agency}: information shared",
                "The child's needs, risks and circumstances as this agency knows them",
                initial=found.get("information", ""),
            )
            if review:
                self.fields[f"{prefix}_action_progress"] = text(
                    f"{agency}: progress on the agreed actions",
                    initial=found.get("action_progress", ""),
                )
                self.fields[f"{prefix}_updated_risk"] = text(
                    f"{agency}: updated assessment of risk", initial=found.get("updated_risk", "")
                )
            self.fields[f"{prefix}_not_for_family"] = not_for_family()
            self.fields[f"{prefix}_not_for_family"].initial = found.get("not_for_family", False)
            self.agencies.append((prefix, agency, shared_by))
        self._add_consent_fields(content)

    def _add_consent_fields(self, content: Mapping[str, Any]) -> None:
        """R003.2: information shared without consent, and why."""
        self.fields["shared_without_consent"] = yes_no(
            "Was any information shared without consent?",
            content.get("shared_without_consent"),
            "Information is shared without consent only where that is reasonable, "
            "proportionate and relevant",
        )
        self.fields["without_consent_what"] = text(
            "What was shared without consent, and by which agency",
            rows=3,
            initial=content.get("without_consent_what"),
        )
        self.fields["without_consent_why"] = text(
            "Why sharing it was reasonable, proportionate and relevant",
            rows=3,
            initial=content.get("without_consent_why"),
        )

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (agency, [self[name] for name in self.fields if name.startswith(f"{prefix}_")])
            for prefix, agency, _ in self.agencies
        ]

    def content(self) -> dict[str, Any]:
        contributions = []
        for prefix, agency, shared_by in self.agencies:
            contribution = {
                "agency": agency,
                "shared_by": shared_by,
                "information": self.cleaned_data.get(f"{prefix}_information", ""),
                "action_progress": self.cleaned_data.get(f"{prefix}_action_progress", ""),
                "updated_risk": self.cleaned_data.get(f"{prefix}_updated_risk", ""),
                "not_for_family": self.cleaned_data.get(f"{prefix}_not_for_family", False),
            }
            if any(contribution[k] for k in ("information", "action_progress", "updated_risk")):
                contributions.append(contribution)
        return {
            "contributions": contributions,
            "shared_without_consent": answer(self.cleaned_data.get("shared_without_consent")),
            "without_consent_what": self.cleaned_data.get("without_consent_what", ""),
            "without_consent_why": self.cleaned_data.get("without_consent_why", ""),
        }


def _form(data: Any, content: Mapping[str, Any], inputs: FormInputs) -> InformationSharedForm:
    # Each attending agency once, with the first of its people to attend as who shared.
    agencies: dict[str, str] = {}
    for row in inputs.attended():
        if row.get("agency"):
            agencies.setdefault(row["agency"], row["name"])
    return InformationSharedForm(
        data, content=content, agencies=list(agencies.items()), review=inputs.review
    )


PART = Part(
    section=RecordSection.INFORMATION_SHARED,
    title="Information shared by each agency",
    group=Group.INFORMATION,
    schema=InformationSharedContent,
    hint="Each agency's information on the child's needs, risks and circumstances; for a review, "
    "progress on the agreed actions and an updated assessment of risk",
    complete=_complete,
    describe=_describe,
    form_maker=_form,
    template="records/parts/information_shared.html",
)
