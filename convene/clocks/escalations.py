"""Raising, acknowledging and resolving escalations (R004.8).

Automatic: :func:`convene.clocks.escalation_sweep.escalations_raise_due` raises,
for every breached clock, each
level of the pack's escalation rule whose time has come
(:func:`convene.clocks.schedule.escalation_levels_due`), addressed to the
level's roles in the partnership's children's social care and to its parties
as the subject's app resolves them (:mod:`convene.clocks.parties`). One
automatic escalation per (clock, level) is a database constraint; clocks are
locked with ``skip_locked`` so workers sweeping together share them out.

Manual: a partner agency escalates to social care when it has not convened in
time; social care escalates to a partner that has not attended or not done an
action (:func:`escalation_raise`). Either way the addressed side acknowledges,
then resolves with an outcome.

Notices (in-app and email) are decided in the same transaction, through the
outbox (:func:`convene.reminders.services.deliveries_decide`). Emails carry
no names and no text typed by a person: only what Convene wrote and a link.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse

from convene.audit.models import Action
from convene.audit.services import audit_record_children
from convene.clocks.audience import NOTICE_BLIND, Audience, audience_for
from convene.clocks.labels import CLOCK_KIND_LABELS, addressee_label
from convene.clocks.models import Clock, Escalation
from convene.clocks.parties import PartyMembers, resolve_party, resolve_responsible
from convene.clocks.schedule import escalation_levels_due, next_escalation_at
from convene.clocks.selectors import (
    clocks_visible_to,
    escalation_may_act,
    partnership_admins,
    social_care_agencies,
    social_care_with_roles,
)
from convene.clocks.status import describe_time_left
from convene.core.access import require_write
from convene.core.errors import require_aware
from convene.people.models import Agency, Child, Partnership, Professional
from convene.people.selectors import partnerships_of, sees_whole_caseload
from convene.people.vocab import AgencyKind, Role
from convene.policy.engine import EscalationStep, escalation_levels
from convene.policy.errors import PolicyInvalid
from convene.policy.loader import UnknownPolicy, load_pack
from convene.policy.vocab import ClockKind, Party
from convene.reminders.services import deliveries_decide
from convene.reminders.tasks import send_deliveries
from convene.workdays import WorkingCalendar, london_date

__all__ = [
    "MANUAL_CITATION",
    "NOTICE_ACKNOWLEDGED",
    "NOTICE_RAISED",
    "NOTICE_RESOLVED",
    "EscalationError",
    "clock_escalate_due",
    "escalation_acknowledge",
    "escalation_raise",
    "escalation_resolve",
]

logger = logging.getLogger(__name__)

NOTICE_RAISED = "escalation_raised"
NOTICE_ACKNOWLEDGED = "escalation_acknowledged"
NOTICE_RESOLVED = "escalation_resolved"
MANUAL_CITATION = (
    "R004.8: a partner who misses timescales or does not contribute, social care escalates; "
    "social care not convening, partners escalate (the partnership's escalation procedure)"
)

Plan = tuple[list[EscalationStep], WorkingCalendar]


class EscalationError(ValueError):
    """An escalation change the rules refuse; ``field`` names the form field at fault."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# Who the log names for what the sweep does by itself.
AUTOMATIC_ACTOR = "Convene (automatic escalation)"


def _children_of(subject: object) -> list[Child]:
    """The children a clock's subject is about: a referral's or a discussion's, or for an
    action the children of the discussion whose record agreed it."""
    if isinstance(subject, Child):
        return [subject]
    children = getattr(subject, "children", None)
    if children is None:
        discussion = getattr(getattr(subject, "record", None), "discussion", None)
        children = getattr(discussion, "children", None)
    return list(children.all()) if children is not None else []


def _audit(
    escalation: Escalation,
    *,
    action: Action,
    summary: str,
    by: Professional | None,
    request: HttpRequest | None = None,
) -> None:
    """One audit entry per child the escalation is about (none: one naming the escalation)."""
    subject = escalation.clock.subject if escalation.clock is not None else None
    audit_record_children(
        actor=by,
        actor_username="" if by is not None else AUTOMATIC_ACTOR,
        action=action,
        obj=escalation,
        children=_children_of(subject),
        summary=f"{summary} (escalation {escalation.pk})",
        request=request,
    )


def escalation_audit_look(
    *, escalation: Escalation, by: Professional, request: HttpRequest | None = None
) -> None:
    """Record that ``by`` opened the escalation: a look at each child it is about."""
    _audit(escalation, action=Action.VIEW, summary="Viewed the escalation", by=by, request=request)


def clock_audit_look(*, clock: Clock, by: Professional, what: str, request: HttpRequest) -> None:
    """Record a page that shows a timescale's subject (raising an escalation about it)."""
    audit_record_children(
        actor=by,
        action=Action.VIEW,
        obj=clock,
        children=_children_of(clock.subject),
        summary=what,
        request=request,
    )


def _plan(policy_id: str, kind: str, started_at: datetime) -> Plan | None:
    """The escalation levels for a clock, and the calendar to count working days with."""
    try:
        pack = load_pack(policy_id)
    except (UnknownPolicy, PolicyInvalid) as error:
        logger.error("Cannot escalate clocks of policy %r: %s", policy_id, error)
        return None
    steps = escalation_levels(pack, ClockKind(kind), on=london_date(started_at))
    return steps, pack.calendar


# --- Automatic ----------------------------------------------------------------


@transaction.atomic
def clock_escalate_due(
    *, clock_id: int, now: datetime, wait: bool = False
) -> list[Escalation] | None:
    """Raise the clock's levels due; None if another transaction holds it (and not ``wait``)."""
    # Locked and skipped when another worker holds it; re-read, since it may
    # have been met or waived (or escalated by another worker) since the list was made.
    due = Clock.objects.filter(pk=clock_id, state=Clock.State.BREACHED, escalate_at__lte=now)
    clock = (
        due.select_for_update(skip_locked=not wait, of=("self",))
        .select_related("partnership")
        .first()
    )
    if clock is None:
        return None if not wait and due.exists() else []
    plan = _plan(clock.policy_id, clock.kind, clock.started_at)
    if plan is None:
        return []  # logged; the cursor stays, so a mended pack escalates it next sweep
    steps, calendar = plan
    have = set(
        Escalation.objects.filter(
            clock=clock, direction=Escalation.Direction.AUTOMATIC
        ).values_list("level", flat=True)
    )
    subject = clock.subject
    raised = []
    for level, step in escalation_levels_due(
        steps=steps, clock_due_at=clock.due_at, now=now, calendar=calendar
    ):
        if level not in have:
            escalation = _automatic_create(
                clock=clock, subject=subject, level=level, step=step, now=now
            )
            if escalation is not None:
                raised.append(escalation)
        have.add(level)  # raised now, or by another worker first
    Clock.objects.filter(pk=clock.pk).update(
        escalate_at=next_escalation_at(
            steps=steps, clock_due_at=clock.due_at, calendar=calendar, raised=have
        )
    )
    return raised


def _unique(people: Iterable[Professional]) -> list[Professional]:
    return list({person.pk: person for person in people}.values())


def _addressees(
    *, partnership: Partnership, subject: object, step: EscalationStep
) -> tuple[list[Professional], list[Agency], list[str]]:
    """The people and agencies a level is for, and the roles and parties nobody answers to."""
    people: list[Professional] = []
    unresolved: list[str] = []
    for role in step.roles:
        holders = list(social_care_with_roles(partnership=partnership, roles=[role]))
        if holders:
            people.extend(holders)
        else:
            unresolved.append(role.value)
    members = PartyMembers()
    for party in step.parties:
        found = resolve_party(subject, party)
        if found:
            members = members + found
        else:
            unresolved.append(party.value)
    people = _unique([*people, *members.professionals])
    agencies = list(members.agencies)
    if not people and not agencies:
        # Nobody to tell is a set-up mistake; the partnership's admins must see it.
        people = list(partnership_admins(partnership=partnership))
    return people, agencies, unresolved


def _what_is_late(clock: Clock) -> str:
    label = CLOCK_KIND_LABELS[ClockKind(clock.kind)]
    return f"{label}: {clock.summary}"[:300] if clock.summary else label


def _responsible_text(clock: Clock, subject: object) -> str:
    found = resolve_responsible(subject)
    if found:
        return found.describe()[:300]
    if clock.kind == ClockKind.ACTION_DUE:
        owner = resolve_party(subject, Party.ACTION_OWNER_AGENCY)
        if owner:
            return owner.describe()[:300]
        return "The agency that owns the action (see the record)"
    names = list(social_care_agencies(partnership=clock.partnership).values_list("name", flat=True))
    return (", ".join(names) or "Children's social care")[:300]


def _automatic_create(
    *, clock: Clock, subject: object, level: int, step: EscalationStep, now: datetime
) -> Escalation | None:
    people, agencies, unresolved = _addressees(
        partnership=clock.partnership, subject=subject, step=step
    )
    # Need-to-know: about a restricted record only the people named on it are told.
    audience = audience_for(
        partnership=clock.partnership, subject=subject, professionals=people, agencies=agencies
    )
    people, agencies = list(audience.professionals), list(audience.agencies)
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                partnership=clock.partnership,
                clock=clock,
                subject_type_id=clock.subject_type_id,
                subject_id=clock.subject_id,
                direction=Escalation.Direction.AUTOMATIC,
                level=level,
                rule_id=step.rule_id,
                citation=str(step.citation)[:300],
                raised_at=now,
                what_is_late=_what_is_late(clock),
                how_late=describe_time_left(due_at=clock.due_at, now=now),
                responsible=_responsible_text(clock, subject),
                addressed_roles=[role.value for role in step.roles],
                addressed_parties=[party.value for party in step.parties],
                unresolved=unresolved,
            )
    except IntegrityError:
        if Escalation.objects.filter(
            clock=clock, level=level, direction=Escalation.Direction.AUTOMATIC
        ).exists():
            return None  # another worker raised this level first
        raise
    escalation.addressed_to.set(people)
    escalation.addressed_agencies.set(agencies)
    _audit(
        escalation,
        action=Action.CREATE,
        summary=f"Raised automatically, level {level}: {escalation.what_is_late}",
        by=None,
    )
    why = ", ".join(
        addressee_label(v) for v in [*escalation.addressed_roles, *escalation.addressed_parties]
    )
    _notify_raised(
        escalation,
        audience=audience,
        subject=f"Escalation (level {level}): {CLOCK_KIND_LABELS[ClockKind(clock.kind)]} is late",
        body=(
            f"Convene has escalated a missed timescale (level {level}).\n\n"
            f"What is late: {escalation.what_is_late}\n"
            f"How late: {escalation.how_late}\n"
            f"Responsible: {escalation.responsible}\n"
            f"Escalated to: {why}\n"
            f"Rule: {escalation.citation}\n\n"
            "Acknowledge it, then record the outcome when it is resolved."
        ),
        now=now,
    )
    return escalation


def _notify(
    escalation: Escalation,
    *,
    kind: str,
    professionals: Sequence[Professional],
    agencies: Sequence[Agency] = (),
    subject: str,
    body: str,
    now: datetime,
) -> None:
    deliveries_decide(
        partnership=escalation.partnership,
        source=escalation,
        kind=kind,
        professionals=professionals,
        agencies=agencies,
        subject=subject,
        body=body,
        link=reverse("escalation-detail", args=[escalation.pk]),
        now=now,
    )


BLIND_SUBJECT = "Escalation: a timescale on a restricted record is late"


def _notify_raised(
    escalation: Escalation, *, audience: Audience, subject: str, body: str, now: datetime
) -> None:
    """Tell the audience an escalation was raised; told blind, they learn nothing of the record."""
    if not audience.blind:
        _notify(
            escalation,
            kind=NOTICE_RAISED,
            professionals=audience.professionals,
            agencies=audience.agencies,
            subject=subject,
            body=body,
            now=now,
        )
        return
    # Nobody who may see the record can be found (everyone named on it has left). Its
    # reference, summary and page are for the named only: no link, no details, just
    # enough for an admin to find it (the escalation's number) and name someone.
    logger.error("Escalation %s: nobody who may see its record can be told", escalation.pk)
    deliveries_decide(
        partnership=escalation.partnership,
        source=escalation,
        kind=NOTICE_BLIND,
        professionals=audience.professionals,
        subject=BLIND_SUBJECT,
        body=(
            "A timescale on a restricted record (one only the people named on it may see) "
            "is late, and nobody named on it can be told.\n\n"
            f"Ask a partnership admin to name someone on it who can act (escalation "
            f"{escalation.pk})."
        ),
        link="",
        now=now,
    )


def _send_soon() -> None:
    # A person is waiting on these: queue a delivery pass for when this commits,
    # rather than leave the emails to the next sweep.
    transaction.on_commit(send_deliveries.enqueue)


# --- Manual -------------------------------------------------------------------


def _manual_rule(
    partnership: Partnership, kind: ClockKind, clock: Clock | None, now: datetime
) -> EscalationStep | None:
    """The first level of the pack's rule for the clock's timescale (or ``kind`` without one)."""
    try:
        pack = load_pack(clock.policy_id if clock else partnership.policy_id)
    except (UnknownPolicy, PolicyInvalid):
        return None
    on = london_date(clock.started_at if clock else now)
    steps = escalation_levels(pack, ClockKind(clock.kind) if clock else kind, on=on)
    return steps[0] if steps else None


@transaction.atomic
def escalation_raise(
    *,
    by: Professional,
    partnership: Partnership,
    direction: str,
    what_is_late: str,
    details: str,
    now: datetime,
    agency: Agency | None = None,
    clock: Clock | None = None,
    responsible: str = "",
    request: HttpRequest | None = None,
) -> Escalation:
    """A person raises an escalation by hand (R004.8); the addressed side is told at once.

    ``partner_to_social_care``: a partner agency's professional escalates to the
    partnership's children's social care (its team managers, as the pack's
    first level names). ``social_care_to_partner``: social care escalates to
    ``agency``.
    """
    # Auditors never write, whichever page or job calls this (docs/access.md, rule 5).
    require_write(user=by)
    require_aware(now, "now", error=EscalationError)
    what_is_late, details, responsible = what_is_late.strip(), details.strip(), responsible.strip()
    errors: list[EscalationError] = []
    if not by.is_active or by.agency is None:
        raise EscalationError("Only a professional of an agency can raise an escalation")
    if not partnerships_of(user=by).filter(pk=partnership.pk).exists():
        raise EscalationError("You cannot raise an escalation for this partnership")
    if direction not in {
        Escalation.Direction.PARTNER_TO_SOCIAL_CARE,
        Escalation.Direction.SOCIAL_CARE_TO_PARTNER,
    }:
        raise EscalationError("Choose who you are escalating to", field="direction")
    in_social_care = by.agency.kind == AgencyKind.SOCIAL_CARE.value
    if direction == Escalation.Direction.PARTNER_TO_SOCIAL_CARE and in_social_care:
        raise EscalationError(
            "Children's social care escalates to a partner agency, not to itself",
            field="direction",
        )
    if direction == Escalation.Direction.SOCIAL_CARE_TO_PARTNER:
        if not (in_social_care and sees_whole_caseload(user=by)):
            raise EscalationError(
                "Only children's social care escalates to a partner agency", field="direction"
            )
        if agency is None:
            errors.append(
                EscalationError("Select the agency you are escalating to", field="agency")
            )
        elif (
            agency.kind == AgencyKind.SOCIAL_CARE.value
            or not agency.partnerships.filter(pk=partnership.pk).exists()
        ):
            errors.append(
                EscalationError("Select a partner agency of this partnership", field="agency")
            )
    if not what_is_late:
        errors.append(
            EscalationError("Enter what is late or has not been done", field="what_is_late")
        )
    if not details:
        errors.append(EscalationError("Enter why you are escalating", field="details"))
    if clock is not None and (
        clock.partnership_id != partnership.pk
        or not clocks_visible_to(user=by).filter(pk=clock.pk).exists()
    ):
        raise EscalationError("You cannot escalate this timescale", field="clock")
    if errors:
        raise errors[0]

    if direction == Escalation.Direction.PARTNER_TO_SOCIAL_CARE:
        step = _manual_rule(partnership, ClockKind.CONVENE, clock, now)
        roles = step.roles if step and step.roles else (Role.TEAM_MANAGER,)
        people = list(social_care_with_roles(partnership=partnership, roles=roles))
        agencies = list(social_care_agencies(partnership=partnership))
        unresolved = [
            role.value
            for role in roles
            if not social_care_with_roles(partnership=partnership, roles=[role]).exists()
        ]
        default_responsible = ", ".join(a.name for a in agencies) or "Children's social care"
    else:
        assert agency is not None
        step = _manual_rule(partnership, ClockKind.ACTION_DUE, clock, now)
        roles = ()
        people = []
        agencies = [agency]
        unresolved = []
        default_responsible = agency.name
    if not people and not agencies:
        people = list(partnership_admins(partnership=partnership))
    # Need-to-know: about a restricted record only the people named on it are told.
    audience = audience_for(
        partnership=partnership,
        subject=clock.subject if clock else None,
        professionals=people,
        agencies=agencies,
    )
    if audience.need_to_know and direction == Escalation.Direction.SOCIAL_CARE_TO_PARTNER:
        raise EscalationError(
            "Only the people named on this record may know of it: "
            "escalate to them, not to an agency",
            field="clock",
        )
    people, agencies = list(audience.professionals), list(audience.agencies)

    how_late = ""
    open_states = {Clock.State.PENDING, Clock.State.BREACHED}
    if clock is not None and clock.state in open_states and clock.due_at < now:
        how_late = describe_time_left(due_at=clock.due_at, now=now)
    subject_type_id = clock.subject_type_id if clock else None
    escalation = Escalation.objects.create(
        partnership=partnership,
        clock=clock,
        subject_type_id=subject_type_id,
        subject_id=clock.subject_id if clock else None,
        direction=direction,
        level=1,
        rule_id=step.rule_id if step else "",
        citation=(str(step.citation) if step else MANUAL_CITATION)[:300],
        raised_at=now,
        raised_by=by,
        raised_by_agency=by.agency,
        what_is_late=what_is_late[:300],
        how_late=how_late,
        responsible=(responsible or default_responsible)[:300],
        details=details,
        addressed_roles=[role.value for role in roles],
        unresolved=unresolved,
        created_by=by,
        modified_by=by,
    )
    escalation.addressed_to.set(people)
    escalation.addressed_agencies.set(agencies)
    _audit(
        escalation,
        action=Action.CREATE,
        summary=f"Raised an escalation: {escalation.get_direction_display().lower()}",
        by=by,
        request=request,
    )
    _notify_raised(
        escalation,
        audience=audience,
        subject=f"Escalation raised by {by.agency.name}",
        body=(
            f"{by.agency.name} has raised an escalation with you "
            f"({escalation.get_direction_display().lower()}).\n\n"
            "Sign in to Convene to read it, acknowledge it and record the outcome."
        ),
        now=now,
    )
    _send_soon()
    return escalation


# --- Acknowledge and resolve -----------------------------------------------------


def _locked(escalation: Escalation) -> Escalation:
    return Escalation.objects.select_for_update().get(pk=escalation.pk)


def _raiser(escalation: Escalation, *, but_not: Professional) -> list[Professional]:
    raiser = escalation.raised_by
    return [raiser] if raiser is not None and raiser.pk != but_not.pk else []


@transaction.atomic
def escalation_acknowledge(
    *,
    escalation: Escalation,
    by: Professional,
    now: datetime,
    request: HttpRequest | None = None,
) -> Escalation:
    """The addressed side has seen it and is dealing with it."""
    require_aware(now, "now", error=EscalationError)
    escalation = _locked(escalation)
    if not escalation_may_act(user=by, escalation=escalation):
        raise EscalationError("You cannot acknowledge this escalation")
    if escalation.state != Escalation.State.RAISED:
        raise EscalationError("This escalation has already been acknowledged")
    escalation.state = Escalation.State.ACKNOWLEDGED
    escalation.acknowledged_at = max(now, escalation.raised_at)
    escalation.acknowledged_by = by
    escalation.modified_by = by
    escalation.save(
        update_fields=["state", "acknowledged_at", "acknowledged_by", "modified_by", "modified_at"]
    )
    _audit(escalation, action=Action.CHANGE, summary="Acknowledged", by=by, request=request)
    _notify(
        escalation,
        kind=NOTICE_ACKNOWLEDGED,
        professionals=_raiser(escalation, but_not=by),
        subject="Your escalation has been acknowledged",
        body=f"{by} ({by.agency}) has acknowledged the escalation you raised.",
        now=now,
    )
    _send_soon()
    return escalation


@transaction.atomic
def escalation_resolve(
    *,
    escalation: Escalation,
    by: Professional,
    outcome: str,
    now: datetime,
    request: HttpRequest | None = None,
) -> Escalation:
    """Close it with the outcome agreed; acknowledges it too if nobody had yet."""
    require_aware(now, "now", error=EscalationError)
    outcome = outcome.strip()
    if not outcome:
        raise EscalationError("Enter the outcome of the escalation", field="outcome")
    escalation = _locked(escalation)
    if not escalation_may_act(user=by, escalation=escalation):
        raise EscalationError("You cannot resolve this escalation")
    if escalation.state == Escalation.State.RESOLVED:
        raise EscalationError("This escalation has already been resolved")
    when = max(now, escalation.raised_at)
    fields = ["state", "resolved_at", "resolved_by", "outcome", "modified_by", "modified_at"]
    if escalation.state == Escalation.State.RAISED:
        escalation.acknowledged_at = when
        escalation.acknowledged_by = by
        fields += ["acknowledged_at", "acknowledged_by"]
    assert escalation.acknowledged_at is not None
    escalation.state = Escalation.State.RESOLVED
    escalation.resolved_at = max(when, escalation.acknowledged_at)
    escalation.resolved_by = by
    escalation.outcome = outcome
    escalation.modified_by = by
    escalation.save(update_fields=fields)
    _audit(
        escalation,
        action=Action.CHANGE,
        summary="Resolved with the outcome recorded",
        by=by,
        request=request,
    )
    _notify(
        escalation,
        kind=NOTICE_RESOLVED,
        professionals=_raiser(escalation, but_not=by),
        subject="Your escalation has been resolved",
        body=f"{by} ({by.agency}) has resolved the escalation you raised and recorded the outcome.",
        now=now,
    )
    _send_soon()
    return escalation
