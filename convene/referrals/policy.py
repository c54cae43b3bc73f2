"""The one place a referral becomes policy facts (``CaseFacts``) for the engine.

Views, the API and the services all go through here, so the rules are never
re-implemented elsewhere: they ask ``convene.policy.engine`` with these facts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple, Protocol

from convene.people.models import Child
from convene.people.vocab import ConcernCategory, ExploitationRating, LegalStatus
from convene.policy.facts import CaseFacts
from convene.policy.loader import load_pack
from convene.policy.pack import PolicyPack
from convene.policy.vocab import Pathway
from convene.referrals.models import Referral
from convene.workdays import london_date


class ChildFacts(Protocol):
    """What the facts read of a child: a ``Child``, or a list's plain row of one (the API
    discussion list's ``ListedChild``, which spares it a model per child)."""

    @property
    def legal_status(self) -> str: ...

    @property
    def is_unborn(self) -> bool: ...

    def age_on(self, day: date) -> int | None: ...


class PolicyOf(Protocol):
    @property
    def policy_id(self) -> str: ...


class ReferralFacts(Protocol):
    """What the pack and the facts read of a referral (``REFERRAL_FACT_FIELDS``): a
    ``Referral``, or the API discussion list's plain ``ListedReferral``."""

    @property
    def policy_id(self) -> str: ...

    @property
    def partnership(self) -> PolicyOf: ...

    @property
    def received_at(self) -> datetime: ...

    @property
    def significant_harm_suspected(self) -> bool: ...

    @property
    def categories(self) -> Any: ...  # a JSON list of ConcernCategory values

    @property
    def immediate_risk(self) -> bool: ...

    @property
    def in_hospital(self) -> bool: ...

    @property
    def medical_needed(self) -> bool: ...

    @property
    def forensic_evidence_needed(self) -> bool: ...

    @property
    def complex_concerns(self) -> bool: ...

    @property
    def ongoing_risk(self) -> bool: ...

    @property
    def exploitation_rating(self) -> str: ...

    @property
    def agencies_key_to_planning(self) -> int: ...

    @property
    def review_requested(self) -> bool: ...

    @property
    def new_information(self) -> bool: ...


# A strategy discussion is for a child under 18 (R000.1).
ADULT_AGE = 18

# When the children of one referral have different legal statuses, the case is read
# with the one that asks most of the procedure: a child in care brings their carer
# and the CIC nurse (R001.4) and the HRPM question (R000.2c). Attendance is worked
# out child by child as well (see facts_per_child), so nobody is lost either way.
LEGAL_STATUS_PRECEDENCE: tuple[LegalStatus, ...] = (
    LegalStatus.CHILD_IN_CARE,
    LegalStatus.CHILD_PROTECTION_PLAN,
    LegalStatus.CHILD_IN_NEED,
    LegalStatus.CARE_LEAVER,
    LegalStatus.NONE,
)


# The referral's columns ``pack_for`` and ``case_facts`` read (with the pathway chosen and
# the referring agency, which the attendance checklist reads): a list that loads only these
# (``discussions.selectors.discussions_for_listing``) can still ask the policy of each row.
REFERRAL_FACT_FIELDS = (
    "id",
    "partnership_id",
    "policy_id",
    "received_at",
    "significant_harm_suspected",
    "categories",
    "immediate_risk",
    "in_hospital",
    "medical_needed",
    "forensic_evidence_needed",
    "complex_concerns",
    "ongoing_risk",
    "exploitation_rating",
    "agencies_key_to_planning",
    "review_requested",
    "new_information",
    "chosen_pathway",
    "referrer_agency_id",
)


def pack_for(referral: ReferralFacts) -> PolicyPack:
    """The partnership's pack (the rules in force on the date received are chosen by the engine)."""
    return load_pack(referral.policy_id or referral.partnership.policy_id)


def leading_legal_status(statuses: Iterable[str]) -> LegalStatus:
    present = {LegalStatus(s) for s in statuses}
    return next((s for s in LEGAL_STATUS_PRECEDENCE if s in present), LegalStatus.NONE)


def case_facts(
    referral: ReferralFacts,
    children: Sequence[ChildFacts],
    *,
    pathway: Pathway | None = None,
) -> CaseFacts:
    """The facts of the referral about ``children`` (legal status and unborn come from them)."""
    return CaseFacts(
        received_at=referral.received_at,
        significant_harm_suspected=referral.significant_harm_suspected,
        categories=frozenset(ConcernCategory(c) for c in referral.categories),
        immediate_risk=referral.immediate_risk,
        legal_status=leading_legal_status(child.legal_status for child in children),
        unborn=any(child.is_unborn for child in children),
        aged_18_or_over=any(
            (child.age_on(london_date(referral.received_at)) or 0) >= ADULT_AGE
            for child in children
        ),
        in_hospital=referral.in_hospital,
        medical_needed=referral.medical_needed,
        forensic_evidence_needed=referral.forensic_evidence_needed,
        complex_concerns=referral.complex_concerns,
        ongoing_risk=referral.ongoing_risk,
        exploitation_rating=ExploitationRating(referral.exploitation_rating),
        agencies_key_to_planning=referral.agencies_key_to_planning,
        review_requested=referral.review_requested,
        new_information=referral.new_information,
        pathway=pathway,
    )


def facts_per_child(
    referral: ReferralFacts, children: Sequence[ChildFacts], *, pathway: Pathway | None
) -> list[CaseFacts]:
    """The case as it stands for each child: who must attend can differ child by child."""
    return [case_facts(referral, [child], pathway=pathway) for child in children]


class CasePolicy(NamedTuple):
    """A case's pack and facts, built once where an operation starts and passed down, so one
    operation neither rebuilds the facts nor loads the pack again."""

    pack: PolicyPack
    facts: CaseFacts


def case_policy(
    referral: Referral, children: Sequence[Child], *, pathway: Pathway | None = None
) -> CasePolicy:
    return CasePolicy(pack_for(referral), case_facts(referral, children, pathway=pathway))
