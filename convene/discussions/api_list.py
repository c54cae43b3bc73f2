"""The API's discussion list as plain rows (issue 15): what ``DiscussionOut`` says of each
discussion, built as dicts in the schema's field order and rendered by the API's own
renderer, so the JSON is byte for byte what validating and dumping ``DiscussionOut`` per
row gave (tests/api/test_api_discussion_list_bytes.py), without a pydantic model, a
validation and a dump per discussion, invitation and checklist item."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from convene.discussions import selectors
from convene.discussions.attendance import ChecklistItem
from convene.discussions.models import Discussion, Invitation
from convene.people.models import Professional, RoleGrant
from convene.people.selectors import sees_whole_caseload
from convene.people.vocab import Role

Row = dict[str, Any]


def invitation_row(invitation: Invitation) -> Row:
    """``InvitationOut.of`` (same fields, same order)."""
    professional = invitation.professional
    return {
        "id": invitation.pk,
        "professional_id": invitation.professional_id,
        "name": str(professional),
        "agency": str(professional.agency) if professional.agency else None,
        "response": invitation.response,
        "response_note": invitation.response_note,
        "responded_at": invitation.responded_at,
        "sent_at": invitation.sent_at,
        "sent_sequence": invitation.sent_sequence,
    }


def checklist_row(item: ChecklistItem) -> Row:
    """``ChecklistItemOut``."""
    return {
        "who": item.who,
        "requirement": str(item.requirement),
        "status": str(item.status),
        "met_by": list(item.met_by),
        "summary": item.summary,
        "citation": item.citation,
        "rule_ids": list(item.rule_ids),
    }


def discussion_row(
    discussion: Discussion,
    *,
    links: set[tuple[int, int | None]],
    referral_shown: bool,
) -> Row:
    """``discussion_out`` of a discussion listed with ``discussions_for_listing``; ``links``
    the reconvene links of the page (``_reconvene_links``), ``referral_shown`` whether the
    caller sees the whole caseload."""
    invitations = selectors.invitations_for(discussion=discussion)
    children = selectors.children_of(discussion)
    items = selectors.invited_checklist(
        discussion=discussion, invitations=invitations, children=children
    )
    return {
        "id": discussion.pk,
        "reference": discussion.reference,
        "referral_id": discussion.referral_id if referral_shown else None,
        "kind": str(discussion.kind),
        "state": str(discussion.state),
        "version": discussion.version,
        "sequence": discussion.sequence,
        "starts_at": discussion.starts_at,
        "ends_at": discussion.ends_at,
        "venue": discussion.venue,
        "virtual_link": discussion.virtual_link,
        "chair_id": discussion.chair_id,
        "chair": str(discussion.chair) if discussion.chair else None,
        "children": [child.full_name for child in children],
        "cancel_reason": discussion.cancel_reason,
        "invitations": [invitation_row(i) for i in invitations],
        "required_attendance": [checklist_row(item) for item in items],
        "reconvenes_id": next((pk for pk, _ in links if pk == discussion.reconvenes_id), None),
        "reconvened_as_ids": sorted(pk for pk, of in links if of == discussion.pk),
    }


def invitee_roles_load(discussions: list[Discussion]) -> None:
    """Give every invitee of ``discussions`` (listed with ``discussions_for_listing``) their
    roles (``Professional.role_set``), read for the whole page in one query."""
    people = [i.professional for d in discussions for i in selectors.invitations_for(discussion=d)]
    if not people:
        return
    roles: dict[int, set[Role]] = defaultdict(set)
    grants = RoleGrant.objects.filter(professional__in={p.pk for p in people})
    for pk, role in grants.values_list("professional_id", "role"):
        roles[pk].add(Role(role))
    for person in people:
        person._role_set = frozenset(roles[person.pk])


def discussion_rows(
    discussions: list[Discussion], *, user: Professional, links: set[tuple[int, int | None]]
) -> list[Row]:
    invitee_roles_load(discussions)
    shown = sees_whole_caseload(user=user)
    return [discussion_row(d, links=links, referral_shown=shown) for d in discussions]
