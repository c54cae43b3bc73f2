"""Decide a referral: accept or override the recommendation, note convening, close it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import NamedTuple

from django.db import transaction

from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.clocks.services import clock_rescind
from convene.core.errors import (
    Conflict,
    Invalid,
    NotAllowed,
    Problems,
)
from convene.people.models import Professional
from convene.policy.explain_text import explanation_to_dict
from convene.policy.explanation import explain
from convene.policy.loader import load_pack
from convene.policy.vocab import Pathway, StartEvent
from convene.referrals.models import (
    PATHWAY_LABELS,
    Referral,
    TriageDecision,
)
from convene.referrals.override_checks import override_problems
from convene.referrals.policy import case_facts
from convene.referrals.reasons import reasons_record
from convene.referrals.receipt_clocks import clocks_at_decision
from convene.referrals.selectors import (
    may_decide_and_convene,
    referral_children,
)
from convene.referrals.services._common import (
    _apply_triage,
    _audit,
    _check_partnership,
    _locked,
    _save,
)
from convene.referrals.signals import referral_triaged
from convene.referrals.tally import Counted, counted_as, tally_moved


def _decide(
    referral: Referral,
    *,
    pathway: Pathway,
    decision: TriageDecision,
    reason: str,
    reasons: Mapping[str, str] | None,
    triaged: Retriaged,
    by: Professional,
    now: datetime,
    context: AuditContext | None,
    problems: Problems | None = None,
) -> Referral:
    """Decide ``referral``, triaged again just now (``triaged``)."""
    pack = load_pack(referral.policy_id)
    facts = case_facts(referral, referral_children(referral=referral), pathway=pathway)
    explanation = explain(pack, facts, events={StartEvent.DISCUSSION_REQUESTED: now}, now=now)
    # R000.1, R004.7: the reasons the pack asks (and the caller's problems) before deciding.
    reasons_record(
        referral=referral, explanation=explanation, reasons=reasons, by=by, now=now, also=problems
    )
    referral.explanation = explanation_to_dict(explanation)
    referral.chosen_pathway = pathway.value
    referral.decision = decision.value
    referral.override_reason = reason
    referral.decided_by = by
    referral.decided_at = now
    if pathway.convenes_strategy_discussion:
        referral.status = Referral.Status.TRIAGED
    else:
        # R004.6 (trigger meeting), R000.2c (HRPM consideration), R001.1 (threshold not met):
        # nothing to convene here, so no convene clock is ever started.
        referral.status = Referral.Status.CLOSED
        referral.closed_reason = f"{PATHWAY_LABELS[pathway]}: no strategy discussion to convene"
    _save(
        referral,
        by,
        [
            *triaged.fields,
            "explanation",
            "chosen_pathway",
            "decision",
            "override_reason",
            "decided_by",
            "decided_at",
            "status",
            "closed_reason",
        ],
    )
    tally_moved(triaged.counted, referral)
    clocks_at_decision(
        referral=referral, pack=pack, explanation=explanation, pathway=pathway, by=by, now=now
    )
    if referral.restricted:
        referral.named_people.add(by)
    how = "Accepted the recommended" if decision == TriageDecision.ACCEPTED else "Overrode the"
    _audit(
        referral,
        action=Action.CHANGE,
        summary=f"{how} pathway: {PATHWAY_LABELS[pathway]}"
        + ("; referral closed" if referral.status == Referral.Status.CLOSED else ""),
        by=by,
        context=context,
    )
    if referral.status == Referral.Status.TRIAGED:
        referral_triaged.send(Referral, referral=referral, by=by, now=now, context=context)
    return referral


def _check_decider(referral: Referral, by: Professional) -> None:
    if not may_decide_and_convene(user=by):
        raise NotAllowed(
            "Only a social care manager (deputy team manager, team manager or head of service) "
            "decides the pathway"
        )
    _check_partnership(by, referral.partnership)


def _awaiting(referral: Referral) -> None:
    if referral.status != Referral.Status.AWAITING_TRIAGE:
        who = referral.decided_by or "someone"
        raise Conflict(f"This referral has already been triaged by {who}")


class Retriaged(NamedTuple):
    referral: Referral  # locked, still awaiting the decision
    fields: list[str]  # the triage's fields to save
    counted: Counted | None  # where it counted in the override tallies before


def _triaged_to_decide(
    referral: Referral, by: Professional, expected_version: int, now: datetime
) -> Retriaged:
    """The referral locked, still awaiting triage, and triaged again: the decision stands on
    the facts and the pack as they are now."""
    _check_decider(referral, by)
    referral = _locked(referral, expected_version, now)
    _awaiting(referral)
    counted = counted_as(referral)
    return Retriaged(referral, _apply_triage(referral, now), counted)


@transaction.atomic
def referral_accept(
    *,
    referral: Referral,
    by: Professional,
    now: datetime,
    expected_version: int,
    reasons: Mapping[str, str] | None = None,
    context: AuditContext | None = None,
) -> Referral:
    """Accept the recommended pathway; for a strategy discussion or meeting, start the clock.

    ``reasons`` answers the pack's reason rules by rule id (R000.1, R004.7)."""
    triaged = _triaged_to_decide(referral, by, expected_version, now)
    referral = triaged.referral
    if not referral.recommended_pathway:
        raise Invalid(
            "The policy makes no recommendation for these answers: choose the pathway and "
            "give your reason",
            field="decision",
        )
    return _decide(
        referral,
        pathway=Pathway(referral.recommended_pathway),
        decision=Referral.Decision.ACCEPTED,
        reason="",
        reasons=reasons,
        triaged=triaged,
        by=by,
        now=now,
        context=context,
    )


@transaction.atomic
def referral_override(
    *,
    referral: Referral,
    pathway: str,
    reason: str,
    by: Professional,
    now: datetime,
    expected_version: int,
    reasons: Mapping[str, str] | None = None,
    context: AuditContext | None = None,
) -> Referral:
    """Choose another pathway than the recommendation; the reason is kept with the record."""
    triaged = _triaged_to_decide(referral, by, expected_version, now)
    referral = triaged.referral
    problems = override_problems(pathway, reason, referral.recommended_pathway)
    return _decide(
        referral,
        pathway=Pathway(pathway),
        decision=Referral.Decision.OVERRIDDEN,
        reason=reason.strip(),
        reasons=reasons,
        triaged=triaged,
        by=by,
        now=now,
        context=context,
        problems=problems,
    )


@transaction.atomic
def referral_note_convening(
    *,
    referral: Referral,
    convening: bool,
    by: Professional,
    context: AuditContext | None = None,
) -> Referral:
    """A discussion was arranged (``convening``), or the last live one was cancelled."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    wanted = Referral.Status.CONVENING if convening else Referral.Status.TRIAGED
    if referral.status not in {Referral.Status.TRIAGED, Referral.Status.CONVENING}:
        raise Conflict("Only a referral whose pathway is a strategy discussion is convened")
    if referral.status != wanted:
        referral.status = wanted
        _save(referral, by, ["status"])
        _audit(
            referral,
            action=Action.CHANGE,
            summary=f"Status now ‘{referral.get_status_display()}’",
            by=by,
            context=context,
        )
    return referral


@transaction.atomic
def referral_close(
    *,
    referral: Referral,
    reason: str,
    by: Professional,
    now: datetime,
    context: AuditContext | None = None,
) -> Referral:
    """The strategy discussion is no longer needed: close, and waive the convene clock with why."""
    if not may_decide_and_convene(user=by):
        raise NotAllowed("Only a social care manager closes a referral")
    if not reason.strip():
        raise Invalid(
            "Enter the reason the strategy discussion is no longer needed", field="reason"
        )
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status not in {Referral.Status.TRIAGED, Referral.Status.CONVENING}:
        raise Conflict("Only a referral waiting to be convened can be closed this way")
    clock_rescind(subject=referral, reason=reason.strip(), at=now, by=by)
    referral.status = Referral.Status.CLOSED
    referral.closed_reason = reason.strip()
    _save(referral, by, ["status", "closed_reason"])
    _audit(
        referral,
        action=Action.CHANGE,
        summary="Closed: the strategy discussion is no longer needed",
        by=by,
        context=context,
    )
    return referral
