"""The API's discussion list as plain rows (issue 15): what ``DiscussionOut`` says of each
discussion, built as dicts in the schema's field order and rendered by the API's own
renderer, so the JSON is byte for byte what validating and dumping ``DiscussionOut`` per
row gave (tests/api/test_api_discussion_list_bytes.py), without a pydantic model, a
validation and a dump per discussion, invitation and checklist item."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet

from convene.core.pagination import keyset_page
from convene.discussions import selectors
from convene.discussions.attendance import ChecklistItem, ChecklistMemo
from convene.discussions.models import Discussion, Invitation
from convene.people.models import ChildNaming, Professional, RoleGrant
from convene.people.selectors import sees_whole_caseload
from convene.people.vocab import Role
from convene.referrals.policy import REFERRAL_FACT_FIELDS

Row = dict[str, Any]

# What a listed invitation shows (``InvitationOut``) and its attendance checklist reads
# (the invitee's name, agency and agency kind), read as plain values: a page of 50
# discussions holds hundreds of invitations, and an invitation, a person and an agency
# model for each (their descriptors, converters and related caches) were most of the
# list's time on the demo (issue 15).
INVITATION_COLUMNS = (
    "id",
    "discussion_id",
    "professional_id",
    "response",
    "response_note",
    "responded_at",
    "sent_at",
    "sent_sequence",
    "professional__username",
    "professional__first_name",
    "professional__last_name",
    "professional__agency_id",
    "professional__agency__name",
    "professional__agency__kind",
)


# The discussion's columns the list writes, its chair's name, and what its checklist reads
# of the referral (its facts and pack, the pathway chosen, the referring agency), read as
# plain values in the query that picks the page: a model for each discussion, chair,
# referral, partnership and agency (every column of each converted) was a fifth of what
# was left of the list's time (issue 15). The joins are the ones ``select_related`` made.
DISCUSSION_COLUMNS = (
    "id",
    "referral_id",
    "kind",
    "state",
    "version",
    "sequence",
    "starts_at",
    "ends_at",
    "venue",
    "virtual_link",
    "chair_id",
    "chair__username",
    "chair__first_name",
    "chair__last_name",
    "cancel_reason",
    "reconvenes_id",
    *(f"referral__{field}" for field in REFERRAL_FACT_FIELDS),
    "referral__partnership__policy_id",
    "referral__referrer_agency__name",
    "referral__referrer_agency__kind",
)
# What ``ListedReferral`` takes straight from its columns.
FACTS = tuple(f for f in REFERRAL_FACT_FIELDS if f not in {"partnership_id", "referrer_agency_id"})


@dataclass(frozen=True, slots=True)
class ListedAgency:
    pk: int
    name: str
    kind: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class Invitee:
    """An invitee as the list and its checklist read them (``attendance.Attendee``): one
    per person on the page, however many of its discussions they are invited to."""

    pk: int
    name: str  # ``str(Professional)``: the full name, else the username
    agency_id: int | None
    agency: ListedAgency | None
    role_set: frozenset[Role]

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class ListedInvitation:
    """``attendance.Reply``, with the invitation's row as the list writes it."""

    response: str
    professional: Invitee
    row: Row


def listed_invitations(ids: list[int]) -> dict[int, list[ListedInvitation]]:
    """The invitations of the discussions ``ids``, by discussion, in the order reading one
    gives (agency name, then surname): two queries, the invitations and their invitees'
    roles, however many are listed."""
    if not ids:
        return {}
    found = list(
        Invitation.objects.filter(discussion__in=ids)
        .order_by("professional__agency__name", "professional__last_name")
        .values_list(*INVITATION_COLUMNS)
    )
    roles: dict[int, set[Role]] = defaultdict(set)
    grants = RoleGrant.objects.filter(professional__in={row[2] for row in found})
    for pk, role in grants.values_list("professional_id", "role"):
        roles[pk].add(Role(role))
    people: dict[int, Invitee] = {}
    listed: dict[int, list[ListedInvitation]] = defaultdict(list)
    for (
        pk,
        discussion_id,
        person_id,
        response,
        note,
        responded_at,
        sent_at,
        sent_sequence,
        username,
        first_name,
        last_name,
        agency_id,
        agency_name,
        agency_kind,
    ) in found:
        person = people.get(person_id)
        if person is None:
            agency = ListedAgency(agency_id, agency_name, agency_kind) if agency_id else None
            # AbstractUser.get_full_name, or the username: what str(Professional) gives.
            name = f"{first_name} {last_name}".strip() or username
            person = people[person_id] = Invitee(
                person_id, name, agency_id, agency, frozenset(roles[person_id])
            )
        row = {  # ``InvitationOut.of``: same fields, same order
            "id": pk,
            "professional_id": person_id,
            "name": person.name,
            "agency": agency_name if agency_id else None,
            "response": response,
            "response_note": note,
            "responded_at": responded_at,
            "sent_at": sent_at,
            "sent_sequence": sent_sequence,
        }
        listed[discussion_id].append(ListedInvitation(response, person, row))
    return listed


@dataclass(frozen=True, slots=True)
class ListedChild(ChildNaming):
    """A child as the list shows them and the checklist reads them
    (``attendance.CaseChild``): their name, facts and setting (named and aged as a
    ``Child`` is, by ``ChildNaming``)."""

    first_name: str
    last_name: str
    date_of_birth: date | None
    legal_status: str
    setting_id: int | None
    setting: ListedAgency | None


def listed_children(ids: list[int]) -> dict[int, list[ListedChild]]:
    """The children of the discussions ``ids``, by discussion, in their order (surname,
    then first name): one query however many are listed."""
    if not ids:
        return {}
    found = (
        Discussion.children.through.objects.filter(discussion__in=ids)
        .order_by("child__last_name", "child__first_name")
        .values_list(
            "discussion_id",
            "child__first_name",
            "child__last_name",
            "child__date_of_birth",
            "child__legal_status",
            "child__setting_id",
            "child__setting__name",
            "child__setting__kind",
        )
    )
    listed: dict[int, list[ListedChild]] = defaultdict(list)
    for discussion_id, first, last, born, status, setting_id, name, kind in found:
        setting = ListedAgency(setting_id, name, kind) if setting_id else None
        listed[discussion_id].append(ListedChild(first, last, born, status, setting_id, setting))
    return listed


@dataclass(frozen=True, slots=True)
class ListedPolicy:
    policy_id: str


@dataclass(frozen=True, slots=True)
class ListedReferral:
    """A referral as the checklist reads it (``attendance.CaseReferral``)."""

    id: int
    policy_id: str
    received_at: datetime
    significant_harm_suspected: bool
    categories: list[str]
    immediate_risk: bool
    in_hospital: bool
    medical_needed: bool
    forensic_evidence_needed: bool
    complex_concerns: bool
    ongoing_risk: bool
    exploitation_rating: str
    agencies_key_to_planning: int
    review_requested: bool
    new_information: bool
    chosen_pathway: str
    partnership: ListedPolicy
    referrer_agency: ListedAgency | None


@dataclass(frozen=True, slots=True)
class ListedDiscussion:
    """A discussion of the page: its columns (``DISCUSSION_COLUMNS``) and its referral;
    ``attendance.Convened``."""

    pk: int
    reconvenes_id: int | None
    kind: str
    referral: ListedReferral
    row: Row


def listed_page(
    discussions: QuerySet[Discussion], *, before: int | None, limit: int
) -> list[ListedDiscussion]:
    """``keyset_page`` of ``discussions`` (the same rows, in the same order, by the same
    query but for the columns it selects), as ``ListedDiscussion``s: one per discussion,
    one ``ListedReferral`` per referral."""
    found = keyset_page(discussions.values(*DISCUSSION_COLUMNS), before=before, limit=limit)
    referrals: dict[int, ListedReferral] = {}
    listed = []
    for row in found:
        referral = referrals.get(row["referral_id"])
        if referral is None:
            agency_id = row["referral__referrer_agency_id"]
            agency = (
                ListedAgency(
                    agency_id,
                    row["referral__referrer_agency__name"],
                    row["referral__referrer_agency__kind"],
                )
                if agency_id
                else None
            )
            referral = referrals[row["referral_id"]] = ListedReferral(
                **{field: row[f"referral__{field}"] for field in FACTS},
                partnership=ListedPolicy(row["referral__partnership__policy_id"]),
                referrer_agency=agency,
            )
        listed.append(ListedDiscussion(row["id"], row["reconvenes_id"], row["kind"], referral, row))
    return listed


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
    discussion: ListedDiscussion,
    *,
    invitations: list[ListedInvitation],
    children: list[ListedChild],
    links: set[tuple[int, int | None]],
    referral_shown: bool,
    memo: ChecklistMemo,
) -> Row:
    """``discussion_out`` of a discussion of ``listed_page``; ``invitations`` and
    ``children`` its ``listed_invitations`` and ``listed_children``, ``links`` the reconvene
    links of the page (``_reconvene_links``), ``referral_shown`` whether the caller sees
    the whole caseload, ``memo`` the page's checklists (``attendance.checklist``)."""
    items = selectors.invited_checklist(
        discussion=discussion, invitations=invitations, children=children, memo=memo
    )
    row = discussion.row
    pk = discussion.pk
    chair = None
    if row["chair_id"] is not None:  # str(Professional): the full name, else the username
        chair = f"{row['chair__first_name']} {row['chair__last_name']}".strip()
        chair = chair or row["chair__username"]
    return {
        "id": pk,
        "reference": f"D{pk:06d}",  # ``Discussion.reference``
        "referral_id": row["referral_id"] if referral_shown else None,
        "kind": row["kind"],
        "state": row["state"],
        "version": row["version"],
        "sequence": row["sequence"],
        "starts_at": row["starts_at"],
        "ends_at": row["ends_at"],
        "venue": row["venue"],
        "virtual_link": row["virtual_link"],
        "chair_id": row["chair_id"],
        "chair": chair,
        "children": [child.full_name for child in children],
        "cancel_reason": row["cancel_reason"],
        "invitations": [i.row for i in invitations],
        "required_attendance": [checklist_row(item) for item in items],
        "reconvenes_id": next((to for to, _ in links if to == discussion.reconvenes_id), None),
        "reconvened_as_ids": sorted(by for by, of in links if of == pk),
    }


def discussion_rows(
    discussions: list[ListedDiscussion], *, user: Professional, links: set[tuple[int, int | None]]
) -> list[Row]:
    ids = [d.pk for d in discussions]
    invitations = listed_invitations(ids)
    children = listed_children(ids)
    shown = sees_whole_caseload(user=user)
    memo: ChecklistMemo = {}
    return [
        discussion_row(
            d,
            invitations=invitations.get(d.pk, []),
            children=children.get(d.pk, []),
            links=links,
            referral_shown=shown,
            memo=memo,
        )
        for d in discussions
    ]
