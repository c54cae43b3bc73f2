"""Labels and tags of the follow-through pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template

from convene.clocks.status import rag_status
from convene.followup.models import ActionStatus, HrpmState
from convene.followup.vocab import (
    ACTION_PROGRESS_LABELS,
    ICPC_STATE_LABELS,
    ROUTE_LABELS,
    S47_LEAD_LABELS,
    S47_OUTCOME_LABELS,
    S47_STATE_LABELS,
    IcpcState,
    S47State,
)
from convene.people.vocab import LEGAL_STATUS_LABELS
from convene.referrals.templatetags.convening import RAG_TAGS, govuk_tag

register = template.Library()

_LABELS: dict[str, dict[Any, str]] = {
    "s47_state": {k.value: v for k, v in S47_STATE_LABELS.items()},
    "lead": {k.value: v for k, v in S47_LEAD_LABELS.items()},
    "outcome": {k.value: v for k, v in S47_OUTCOME_LABELS.items()},
    "route": {k.value: v for k, v in ROUTE_LABELS.items()},
    "icpc_state": {k.value: v for k, v in ICPC_STATE_LABELS.items()},
    "progress": {k.value: v for k, v in ACTION_PROGRESS_LABELS.items()},
    "legal_status": {k.value: v for k, v in LEGAL_STATUS_LABELS.items()},
    "action": dict(ActionStatus.choices),
    "hrpm": dict(HrpmState.choices),
}
_STATE_TAGS = {
    S47State.STARTED.value: "govuk-tag--yellow",
    S47State.VISITED.value: "govuk-tag--blue",
    S47State.OUTCOME_RECORDED.value: "govuk-tag--light-blue",
    S47State.CLOSED.value: "govuk-tag--grey",
    IcpcState.REQUESTED.value: "govuk-tag--yellow",
    IcpcState.CONFIRMED.value: "govuk-tag--blue",
    IcpcState.DATE_SET.value: "govuk-tag--light-blue",
    IcpcState.HELD.value: "govuk-tag--green",
    "open": "govuk-tag--blue",
    "done": "govuk-tag--green",
    "cancelled": "govuk-tag--grey",
    "active": "govuk-tag--blue",
    "ended": "govuk-tag--grey",
}


@register.filter
def label(value: Any, kind: str) -> str:
    """``{{ enquiry.outcome|label:"outcome" }}``: the words for a stored value."""
    return _LABELS.get(kind, {}).get(value, str(value or ""))


@register.simple_tag
def state_tag(value: str, kind: str) -> str:
    return govuk_tag(label(value, kind), _STATE_TAGS.get(value, ""))


@register.simple_tag
def due_tag(row: Any, now: datetime) -> str:
    """An action's due tag: red "Overdue" when it is (the list rows' ``overdue`` annotation),
    else the RAG of its clock, "Done" when closed."""
    return govuk_tag(*_due_label(row, now))


def _due_label(row: Any, now: datetime) -> tuple[str, str]:
    if getattr(row, "status", "open") != "open":
        met = getattr(row, "clock_met_at", None)
        due = getattr(row, "due_at", None)
        if row.status == "done" and met and due:
            return RAG_TAGS[rag_status(due_at=due, now=now, met_at=met)]
        return row.get_status_display(), _STATE_TAGS.get(row.status, "")
    if getattr(row, "overdue", False):
        return "Overdue", "govuk-tag--red"
    due = getattr(row, "due_at", None)
    if due is None:
        return "Open", "govuk-tag--blue"
    return RAG_TAGS[rag_status(due_at=due, now=now)]


@register.filter
def day(value: Any) -> str:
    """'Thursday 5 March 2026'."""
    if isinstance(value, datetime):
        from convene.workdays import LONDON

        value = value.astimezone(LONDON).date()
    if not isinstance(value, date):
        return ""
    return f"{value:%A} {value.day} {value:%B %Y}"


@register.inclusion_tag("followup/_reconvene_links.html", takes_context=True)
def reconvene_links(context: template.Context, discussion: Any) -> dict[str, Any]:
    """On a discussion's page (R002.13): the discussion it reconvenes, the one that reconvenes
    it (each only if the reader may see it), and for a manager the button to convene it."""
    from convene.discussions.selectors import discussions_visible_to
    from convene.followup.reviews import reconvening
    from convene.followup.roles import manages_cases

    user = context["request"].user
    visible = discussions_visible_to(user=user)
    reconvenes = visible.filter(pk=discussion.reconvenes_id).first()
    reconvened = reconvening.reconvened_as(discussion=discussion)
    if reconvened is not None and not visible.filter(pk=reconvened.pk).exists():
        reconvened = None
    offer = (
        reconvened is None
        and manages_cases(user=user, partnership=discussion.partnership_id)
        and reconvening.planned_reconvene_version(discussion=discussion) is not None
    )
    return {
        "discussion": discussion,
        "reconvenes": reconvenes,
        "reconvened": reconvened,
        "offer": offer,
        "clock": reconvening.reconvene_clock(discussion=discussion) if offer else None,
    }


@register.filter
def convenes_conferences(user: Any) -> bool:
    """The Reviewing Service (R001.14): shown the conferences they convene."""
    from convene.people.vocab import Role

    return bool(getattr(user, "is_authenticated", False) and user.has_role(Role.REVIEWING_SERVICE))


STORY_ENTRIES = 5


@register.inclusion_tag("followup/_child_story.html", takes_context=True)
def child_story(context: template.Context, child: Any) -> dict[str, Any]:
    """The child's current legal status and the latest few entries of their chronology, for
    pages that decide about them (triage, issue 18). A tag, so the referrals app below
    followup in the layers can show it without importing it. Callers check the child is
    visible; the chronology shows only what the reader may see."""
    from convene.followup.chronology import chronology

    entries = chronology(child=child, user=context["request"].user)
    return {
        "child": child,
        "entries": entries[:STORY_ENTRIES],
        "more": len(entries) > STORY_ENTRIES,
    }
