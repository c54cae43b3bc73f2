"""Reads of referrals: who may see which, who may do what, and the triage preview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet

from convene.clocks.models import Clock
from convene.core.access import is_read_only
from convene.core.selector_memo import remembered_per_person
from convene.people.models import Agency, Child, Partnership, Professional
from convene.people.selectors import partnership_ids_of, sees_whole_caseload
from convene.people.vocab import AgencyKind, Role
from convene.policy import engine
from convene.policy.explanation import Explanation, explain
from convene.policy.vocab import ClockKind, Pathway, StartEvent
from convene.referrals.models import Referral
from convene.referrals.policy import case_facts, pack_for

# Children's social care staff who record concerns (R003.1: the triage hub, social workers).
RECORDER_ROLES = frozenset(
    {
        Role.TRIAGE_ADVISOR,
        Role.SOCIAL_WORKER,
        Role.DEPUTY_TEAM_MANAGER,
        Role.TEAM_MANAGER,
        Role.HEAD_OF_SERVICE,
    }
)
# Managers decide the pathway and convene (R001.5: a social care manager co-ordinates).
MANAGER_ROLES = frozenset({Role.DEPUTY_TEAM_MANAGER, Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE})


def _social_care_staff(user: Professional) -> bool:
    return (
        user.is_active
        and user.agency_id is not None
        and user.agency is not None
        and user.agency.kind == AgencyKind.SOCIAL_CARE
    )


def may_record_referrals(*, user: Professional) -> bool:
    # Auditors never write, whatever other role they hold (access.is_read_only).
    return (
        _social_care_staff(user) and user.has_role(*RECORDER_ROLES) and not is_read_only(user=user)
    )


def may_decide_and_convene(*, user: Professional) -> bool:
    return (
        _social_care_staff(user) and user.has_role(*MANAGER_ROLES) and not is_read_only(user=user)
    )


# What a list of referrals never shows: the policy's explanation (about 55 KB of JSON a
# referral in the generated partnership; parsing 100 of them took 3.5 s of the API list).
LIST_DEFERRED = ("explanation",)


@remembered_per_person
def referrals_visible_to(*, user: Professional) -> QuerySet[Referral]:
    """Social care sees its partnerships' referrals; a restricted one (R004.2) only the people
    named on it see, the LADO included.

    Partner agencies never see referrals: they see the discussions they are invited to.
    """
    if not user.is_active:
        return Referral.objects.none()
    named = Exists(
        Referral.named_people.through.objects.filter(referral=OuterRef("pk"), professional=user.pk)
    )
    # The partnerships as values, not a subquery: the list walks (partnership, received_at).
    mine = Referral.objects.filter(partnership__in=partnership_ids_of(user=user))
    if sees_whole_caseload(user=user):
        return mine.filter(Q(restricted=False) | Q(created_by=user.pk) | named)
    return mine.filter(named, restricted=True)


def referral_children(*, referral: Referral) -> list[Child]:
    return list(referral.children.order_by("referral_links__pk"))


def partnership_agencies(*, partnership: Partnership) -> QuerySet[Agency]:
    return Agency.objects.filter(partnerships=partnership).order_by("name")


def restricted_record_readers(*, partnership: Partnership) -> QuerySet[Professional]:
    """People who may be named on a restricted referral: the partnership's social care managers
    and LADOs (allegations against staff go to the LADO, R004.2)."""
    return (
        Professional.objects.filter(
            is_active=True,
            agency__kind=AgencyKind.SOCIAL_CARE,
            agency__partnerships=partnership,
            role_grants__role__in=[*MANAGER_ROLES, Role.LADO],
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


@dataclass(frozen=True)
class TriagePreview:
    """What the policy says about a referral if the manager decides now."""

    explanation: Explanation
    convene_deadline: engine.Deadline | None


def triage_preview(
    *, referral: Referral, now: datetime, pathway: Pathway | None = None
) -> TriagePreview:
    """The explanation with the discussion requested ``now`` (the moment of the decision)."""
    pack = pack_for(referral)
    facts = case_facts(referral, referral_children(referral=referral), pathway=pathway)
    explanation = explain(pack, facts, events={StartEvent.DISCUSSION_REQUESTED: now}, now=now)
    governing = next(
        (d for d in explanation.deadlines if d.clock == ClockKind.CONVENE and d.governing), None
    )
    convenes = (pathway or explanation.recommendation.pathway) in {
        Pathway.STRATEGY_DISCUSSION,
        Pathway.STRATEGY_MEETING,
    }
    return TriagePreview(explanation=explanation, convene_deadline=governing if convenes else None)


def _referral_clock(referral: Referral, kind: ClockKind) -> Clock | None:
    # The newest; a clock replaced at triage starts at the same moment (receipt), so the
    # later row wins the tie.
    return (
        Clock.objects.filter(
            subject_type=ContentType.objects.get_for_model(Referral),
            subject_id=referral.pk,
            kind=kind,
        )
        .order_by("-started_at", "-pk")
        .first()
    )


def referral_convene_clock(*, referral: Referral) -> Clock | None:
    """The referral's convene-by clock, if one was started."""
    return _referral_clock(referral, ClockKind.CONVENE)


def referral_triage_clock(*, referral: Referral) -> Clock | None:
    """The referral's triage clock (how long it may wait for the decision), if one was started."""
    return _referral_clock(referral, ClockKind.TRIAGE)
