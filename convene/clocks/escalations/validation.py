"""What is wrong with a request to raise an escalation by hand: every problem at once.

Refusals (this person may not raise this, here, about that) come first, in the order
they are checked, then the missing or wrong answers of the form, so the first error
is the one that matters most and a form can show all of them together (R004.8).
"""

from __future__ import annotations

from convene.clocks.escalations.errors import EscalationError
from convene.clocks.models import Clock, Escalation
from convene.clocks.selectors import clocks_visible_to
from convene.people.models import Agency, Partnership, Professional
from convene.people.selectors import partnerships_of, sees_whole_caseload
from convene.people.vocab import AgencyKind

__all__ = ["escalation_raise_problems"]

DIRECTIONS = frozenset(
    {Escalation.Direction.PARTNER_TO_SOCIAL_CARE, Escalation.Direction.SOCIAL_CARE_TO_PARTNER}
)


def escalation_raise_problems(
    *,
    by: Professional,
    partnership: Partnership,
    direction: str,
    what_is_late: str,
    details: str,
    agency: Agency | None,
    clock: Clock | None,
) -> list[EscalationError]:
    """Every reason :func:`convene.clocks.escalations.escalation_raise` refuses; [] if none.

    ``what_is_late`` and ``details`` arrive stripped.
    """
    if not by.is_active or by.agency is None:
        # Nothing else can be asked of someone outside every agency.
        return [EscalationError("Only a professional of an agency can raise an escalation")]
    refusals: list[EscalationError] = []
    if not partnerships_of(user=by).filter(pk=partnership.pk).exists():
        refusals.append(EscalationError("You cannot raise an escalation for this partnership"))
    refusals += _direction_refusals(by=by, direction=direction)
    answers: list[EscalationError] = []
    if direction == Escalation.Direction.SOCIAL_CARE_TO_PARTNER and not refusals:
        answers += _agency_problems(agency=agency, partnership=partnership)
    if not what_is_late:
        answers.append(
            EscalationError("Enter what is late or has not been done", field="what_is_late")
        )
    if not details:
        answers.append(EscalationError("Enter why you are escalating", field="details"))
    if clock is not None and (
        clock.partnership_id != partnership.pk
        or not clocks_visible_to(user=by).filter(pk=clock.pk).exists()
    ):
        refusals.append(EscalationError("You cannot escalate this timescale", field="clock"))
    return refusals + answers


def _direction_refusals(*, by: Professional, direction: str) -> list[EscalationError]:
    assert by.agency is not None
    if direction not in DIRECTIONS:
        return [EscalationError("Choose who you are escalating to", field="direction")]
    in_social_care = by.agency.kind == AgencyKind.SOCIAL_CARE.value
    if direction == Escalation.Direction.PARTNER_TO_SOCIAL_CARE and in_social_care:
        return [
            EscalationError(
                "Children's social care escalates to a partner agency, not to itself",
                field="direction",
            )
        ]
    if direction == Escalation.Direction.SOCIAL_CARE_TO_PARTNER and not (
        in_social_care and sees_whole_caseload(user=by)
    ):
        return [
            EscalationError(
                "Only children's social care escalates to a partner agency", field="direction"
            )
        ]
    return []


def _agency_problems(*, agency: Agency | None, partnership: Partnership) -> list[EscalationError]:
    if agency is None:
        return [EscalationError("Select the agency you are escalating to", field="agency")]
    if (
        agency.kind == AgencyKind.SOCIAL_CARE.value
        or not agency.partnerships.filter(pk=partnership.pk).exists()
    ):
        return [EscalationError("Select a partner agency of this partnership", field="agency")]
    return []
