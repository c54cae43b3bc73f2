"""A child's chronology: everything that happened in their case, newest first.

One query per kind of record (referrals and their triage, discussions, decisions, S47
enquiries and visits, conferences, HRPMs, actions, escalations), whatever the size of the
case, each through the reader's own selector: nothing the reader may not see is listed.
Each entry says when, who, the outcome in one line, and links to the record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.urls import reverse

from convene.clocks.selectors import escalations_visible_to
from convene.discussions.models import Discussion
from convene.discussions.selectors import discussions_visible_to
from convene.followup.actions.selectors import actions_visible_to, hrpm_actions_visible_to
from convene.followup.conferences.selectors import icpcs_visible_to
from convene.followup.enquiries.selectors import s47_enquiries_visible_to
from convene.followup.hrpm.selectors import hrpms_visible_to
from convene.people.models import Child, Professional
from convene.records.selectors import decision_label, record_versions_visible_to
from convene.referrals.models import Referral
from convene.referrals.selectors import referrals_visible_to
from convene.workdays import LONDON


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str
    what: str
    who: str
    outcome: str
    url: str


KINDS: dict[str, str] = {
    "referral": "Referrals",
    "triage": "Triage decisions",
    "discussion": "Strategy discussions",
    "decision": "Decisions",
    "s47": "S47 enquiries and visits",
    "icpc": "Conferences",
    "hrpm": "High Risk Planning Meetings",
    "action": "Actions",
    "escalation": "Escalations",
}


def _name(person: Professional | None) -> str:
    return str(person) if person is not None else ""


def _day(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LONDON)


def _rows(
    selector: Callable[..., QuerySet[Any]], user: Professional, *related: str, **about: Any
) -> QuerySet[Any]:
    """The rows ``selector`` shows ``user`` that are ``about`` the child, with ``related``."""
    return selector(user=user).filter(**about).select_related(*related)


def _stated(row: Any, at: datetime, kind: str, what: str, by: Any, url_name: str) -> Entry:
    """An entry whose outcome is the row's state, linking to the row's own page."""
    url = reverse(url_name, args=[row.pk])
    return Entry(at, kind, what, _name(by), row.get_state_display(), url)


def _due(row: Any, what: str, url_name: str) -> Entry:
    """An action's entry: on its due day, by its owner, with its status."""
    url = reverse(url_name, args=[row.pk])
    return Entry(_day(row.due_on), "action", what, row.owner_name, row.get_status_display(), url)


def _referrals(child: Child, user: Professional) -> Iterable[Entry]:
    for r in _rows(referrals_visible_to, user, "decided_by", "referrer_agency", children=child):
        url = r.get_absolute_url()
        yield Entry(
            r.received_at,
            "referral",
            f"Referral {r.reference} received",
            r.referrer_organisation_name or r.referrer_name,
            ", ".join(r.category_labels) or "Concern recorded",
            url,
        )
        if r.decided_at is not None:
            yield Entry(
                r.decided_at,
                "triage",
                f"Triage of {r.reference}",
                _name(r.decided_by),
                r.get_chosen_pathway_display(),
                url,
            )


def _discussions(child: Child, user: Professional) -> Iterable[Entry]:
    qs = discussions_visible_to(user=user).filter(children=child).select_related("chair")
    for d in qs:
        held = d.state not in {Discussion.State.REQUESTED, Discussion.State.SCHEDULED}
        state = d.get_state_display()
        yield Entry(
            d.starts_at or d.created_at,
            "discussion",
            f"{d.get_kind_display()} {d.reference}",
            _name(d.chair),
            state if held or d.state == Discussion.State.CANCELLED else f"Planned: {state}",
            d.get_absolute_url(),
        )


def _decisions(child: Child, user: Professional) -> Iterable[Entry]:
    related = ("record__discussion", "authorised_by")
    about = {"record__discussion__children": child}
    for v in _rows(record_versions_visible_to, user, *related, **about):
        yield Entry(
            v.authorised_at,
            "decision",
            f"Decision of {v.record.discussion.reference} (version {v.number})",
            _name(v.authorised_by),
            decision_label(v.decision),
            reverse("records:version", args=[v.record.discussion_id, v.number]),
        )


def _s47s(child: Child, user: Professional) -> Iterable[Entry]:
    qs = s47_enquiries_visible_to(user=user).filter(child=child).select_related("outcome_by")
    for e in qs:
        url = reverse("followup:s47", args=[e.pk])
        yield Entry(
            e.started_at, "s47", f"S47 enquiry {e.reference} started", "", e.get_lead_display(), url
        )
        if e.visited_at is not None:
            seen = "Seen alone" if e.seen_alone else "Not seen alone"
            yield Entry(e.visited_at, "s47", f"Visit for {e.reference}", "", seen, url)
        if e.outcome_at is not None:
            yield Entry(
                e.outcome_at,
                "s47",
                f"Outcome of {e.reference}",
                _name(e.outcome_by),
                e.get_outcome_display(),
                url,
            )


def _icpcs(child: Child, user: Professional) -> Iterable[Entry]:
    qs = (
        icpcs_visible_to(user=user)
        .filter(discussion__children=child)
        .select_related("requested_by")
        .distinct()
    )
    for c in qs:
        at = c.held_at or c.conference_at or c.requested_at
        what = f"Initial child protection conference {c.reference}"
        yield _stated(c, at, "icpc", what, c.requested_by, "followup:icpc")


def _hrpms(child: Child, user: Professional) -> Iterable[Entry]:
    for h in hrpms_visible_to(user=user).filter(child=child).select_related("created_by"):
        what = f"High Risk Planning Meeting {h.reference}"
        yield _stated(h, h.created_at, "hrpm", what, h.created_by, "followup:hrpm")


def _actions(child: Child, user: Professional) -> Iterable[Entry]:
    actions = actions_visible_to(user=user).filter(record__discussion__children=child).distinct()
    for a in actions:
        yield _due(a, f"Action due: {a.what[:80]}", "followup:action")
    for h in hrpm_actions_visible_to(user=user).filter(meeting__hrpm__child=child):
        yield _due(h, f"Safety plan action due: {h.what[:80]}", "followup:hrpm-action")


def _escalations(child: Child, user: Professional) -> Iterable[Entry]:
    """Escalations about one of the child's referrals or discussions the reader may see."""
    about = Q(
        subject_type=ContentType.objects.get_for_model(Referral),
        subject_id__in=referrals_visible_to(user=user).filter(children=child).values("pk"),
    ) | Q(
        subject_type=ContentType.objects.get_for_model(Discussion),
        subject_id__in=discussions_visible_to(user=user).filter(children=child).values("pk"),
    )
    for e in escalations_visible_to(user=user).filter(about).select_related("raised_by"):
        what = f"Escalation: {e.what_is_late}"
        yield _stated(e, e.raised_at, "escalation", what, e.raised_by, "clocks:escalation-detail")


_SOURCES: dict[str, Callable[[Child, Professional], Iterable[Entry]]] = {
    "referral": _referrals,
    "triage": _referrals,
    "discussion": _discussions,
    "decision": _decisions,
    "s47": _s47s,
    "icpc": _icpcs,
    "hrpm": _hrpms,
    "action": _actions,
    "escalation": _escalations,
}


def chronology(*, child: Child, user: Professional, kind: str = "") -> list[Entry]:
    """The child's chronology for ``user``, newest first; ``kind`` (a key of ``KINDS``) keeps
    one kind only, anything else shows every kind. Callers check the child is visible."""
    if kind in _SOURCES:
        entries = [e for e in _SOURCES[kind](child, user) if e.kind == kind]
    else:
        sources = dict.fromkeys(_SOURCES.values())  # "referral" and "triage" share a query
        entries = [e for source in sources for e in source(child, user)]
    return sorted(entries, key=lambda e: e.at, reverse=True)
