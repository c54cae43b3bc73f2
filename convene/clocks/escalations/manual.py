"""Manual escalation: a partner agency escalates to social care when it has not convened
in time; social care escalates to a partner that has not attended or not done an action
(R004.8). What is wrong with a request is :mod:`.validation`'s answer, every error at once.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.clocks.audience import audience_for
from convene.clocks.escalations.errors import EscalationError
from convene.clocks.escalations.notices import (
    _audit,
    _notify_raised,
    _send_soon,
)
from convene.clocks.escalations.routing import (
    _address,
)
from convene.clocks.escalations.validation import escalation_raise_problems
from convene.clocks.models import Clock, Escalation
from convene.clocks.selectors import (
    partnership_admins,
    social_care_agencies,
    social_care_with_roles,
)
from convene.clocks.status import describe_time_left
from convene.core.access import require_write
from convene.core.errors import require_aware
from convene.people.models import Agency, Partnership, Professional
from convene.people.vocab import Role
from convene.policy.engine import EscalationStep, escalation_levels
from convene.policy.errors import PolicyInvalid
from convene.policy.loader import UnknownPolicy, load_pack
from convene.policy.vocab import ClockKind
from convene.workdays import london_date

MANUAL_CITATION = (
    "R004.8: a partner who misses timescales or does not contribute, social care escalates; "
    "social care not convening, partners escalate (the partnership's escalation procedure)"
)


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
    context: AuditContext | None = None,
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
    errors = escalation_raise_problems(
        by=by,
        partnership=partnership,
        direction=direction,
        what_is_late=what_is_late,
        details=details,
        agency=agency,
        clock=clock,
    )
    if errors:
        raise EscalationError.every(errors)
    assert by.agency is not None

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
        case_referral_id=clock.case_referral_id if clock else None,
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
    _address(escalation, people=people, agencies=agencies)
    _audit(
        escalation,
        action=Action.CREATE,
        summary=f"Raised an escalation: {escalation.get_direction_display().lower()}",
        by=by,
        context=context,
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
