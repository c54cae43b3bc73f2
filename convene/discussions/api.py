"""REST API for strategy discussions (django-ninja Router): convene, schedule, invite, cancel,
reply, list, read. Calls the same services as the pages; acts as the authenticated user."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.renderers import JSONRenderer

from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.audit.services import audit_record, audit_record_children
from convene.core.api import (
    AUTH_ERRORS,
    ERRORS,
    READ_ERRORS,
    BodyId,
    Cursor,
    Limit200,
    PathId,
    Version,
    acted,
    acting_user,
    answer,
    error,
    link_next,
    visible_one,
)
from convene.core.errors import Invalid, NotFound
from convene.core.limits import NOTE_MAX
from convene.discussions import selectors
from convene.discussions.api_list import ListedDiscussion, discussion_rows, listed_page
from convene.discussions.models import Discussion, DiscussionState, Invitation
from convene.discussions.services import (
    discussion_cancel,
    discussion_create,
    discussion_invite,
    discussion_reschedule,
    discussion_schedule,
    invitation_respond,
)
from convene.people.models import Professional
from convene.people.selectors import (
    children_visible_to,
    professionals_visible_to,
    sees_whole_caseload,
)
from convene.referrals.selectors import referrals_visible_to

router = Router(tags=["discussions"])

# Lists a client sends are bounded: the ids are looked up in one query each.
CHILDREN_MAX = 50
INVITEES_MAX = 100
VENUE_MAX = Discussion._meta.get_field("venue").max_length
LINK_MAX = Discussion._meta.get_field("virtual_link").max_length


class DiscussionIn(Schema):
    referral_id: BodyId
    kind: str = Field(max_length=30, description="strategy_discussion or strategy_meeting")
    child_ids: list[BodyId] = Field(
        max_length=CHILDREN_MAX, description="The referral's children, and siblings (R001.13)"
    )
    chair_id: BodyId | None = None
    invitee_ids: list[BodyId] = Field(
        default_factory=list, max_length=INVITEES_MAX, description="Professionals only"
    )
    starts_at: datetime | None = Field(None, description="Omit to request without a time yet")
    ends_at: datetime | None = None
    venue: str = Field("", max_length=VENUE_MAX)
    virtual_link: str = Field("", max_length=LINK_MAX)
    allow_missing_required: bool = Field(
        False, description="Go ahead although required people (R001.4, R002.4) are not invited"
    )


class ScheduleIn(Schema):
    starts_at: datetime
    ends_at: datetime
    venue: str = Field("", max_length=VENUE_MAX)
    virtual_link: str = Field("", max_length=LINK_MAX)
    chair_id: BodyId | None = Field(None, description="Only when scheduling a requested discussion")
    allow_missing_required: bool = False
    expected_version: Version


class InviteIn(Schema):
    invitee_ids: list[BodyId] = Field(max_length=INVITEES_MAX)
    expected_version: Version


class CancelIn(Schema):
    reason: str = Field(max_length=NOTE_MAX)
    close_referral: bool = Field(
        False, description="The discussion is no longer needed: close the referral, waive its clock"
    )
    expected_version: Version


class ReplyIn(Schema):
    response: str = Field(max_length=20, description="accepted or apologies")
    note: str = Field("", max_length=NOTE_MAX)


class InvitationOut(Schema):
    id: int
    professional_id: int
    name: str
    agency: str | None
    response: str
    response_note: str
    responded_at: datetime | None
    sent_at: datetime | None
    sent_sequence: int | None

    @classmethod
    def of(cls, invitation: Invitation, *, professional: Professional) -> InvitationOut:
        # ``professional`` as the caller loaded it (with its agency), not a fresh read.
        return cls(
            id=invitation.pk,
            professional_id=invitation.professional_id,
            name=str(professional),
            agency=str(professional.agency) if professional.agency else None,
            response=invitation.response,
            response_note=invitation.response_note,
            responded_at=invitation.responded_at,
            sent_at=invitation.sent_at,
            sent_sequence=invitation.sent_sequence,
        )


class ChecklistItemOut(Schema):
    who: str
    requirement: str
    status: str
    met_by: list[str]
    summary: str
    citation: str
    rule_ids: list[str]


class DiscussionOut(Schema):
    id: int
    reference: str
    referral_id: int | None = Field(description="Only for children's social care")
    kind: str
    state: str
    version: int
    sequence: int
    starts_at: datetime | None
    ends_at: datetime | None
    venue: str
    virtual_link: str
    chair_id: int | None
    chair: str | None
    children: list[str]
    cancel_reason: str
    invitations: list[InvitationOut]
    required_attendance: list[ChecklistItemOut]
    reconvenes_id: int | None = Field(
        None,
        description="The discussion this one reconvenes at the end of its single assessment "
        "(R002.13), if you may see it",
    )
    reconvened_as_ids: list[int] = Field(
        [], description="The discussions that reconvene this one (R002.13) that you may see"
    )


def _reconvene_links(
    discussions: Sequence[Discussion | ListedDiscussion], user: Professional
) -> set[tuple[int, int | None]]:
    """(pk, reconvenes_id) of the discussions the user may see that reconvene, or are
    reconvened by, any of ``discussions`` (R002.13): at most two queries however many are
    listed."""
    ids = [d.pk for d in discussions]
    reconvened = [d.reconvenes_id for d in discussions if d.reconvenes_id]
    # The links first, by the primary key and the reconvenes index, then need-to-know for
    # the few found only: most pages link none, and building the person's visibility
    # condition again for every page was a tenth of the API list's time (issue 15).
    found = Discussion.objects.filter(Q(pk__in=reconvened) | Q(reconvenes__in=ids))
    linked = set(found.order_by().values_list("pk", "reconvenes_id"))  # a set: no sort
    if not linked:
        return set()
    # Probed per row (the few named); the list already built this query for the person
    # (remembered per person).
    visible = selectors.discussions_visible_to(user=user, per_row=True)
    seen = set(visible.filter(pk__in={pk for pk, _ in linked}).values_list("pk", flat=True))
    return {(pk, of) for pk, of in linked if pk in seen}


def discussion_out(
    discussion: Discussion,
    user: Professional,
    links: set[tuple[int, int | None]] | None = None,
) -> DiscussionOut:
    invitations = selectors.invitations_for(discussion=discussion)
    children = selectors.children_of(discussion)  # fetched with the page when listed
    items = selectors.invited_checklist(
        discussion=discussion, invitations=invitations, children=children
    )
    linked = links if links is not None else _reconvene_links([discussion], user)
    return DiscussionOut(
        reconvenes_id=next((pk for pk, _ in linked if pk == discussion.reconvenes_id), None),
        reconvened_as_ids=sorted(pk for pk, of in linked if of == discussion.pk),
        id=discussion.pk,
        reference=discussion.reference,
        referral_id=discussion.referral_id if sees_whole_caseload(user=user) else None,
        kind=discussion.kind,
        state=discussion.state,
        version=discussion.version,
        sequence=discussion.sequence,
        starts_at=discussion.starts_at,
        ends_at=discussion.ends_at,
        venue=discussion.venue,
        virtual_link=discussion.virtual_link,
        chair_id=discussion.chair_id,
        chair=str(discussion.chair) if discussion.chair else None,
        children=[child.full_name for child in children],
        cancel_reason=discussion.cancel_reason,
        invitations=[InvitationOut.of(i, professional=i.professional) for i in invitations],
        required_attendance=[
            ChecklistItemOut(
                who=item.who,
                requirement=str(item.requirement),
                status=str(item.status),
                met_by=list(item.met_by),
                summary=item.summary,
                citation=item.citation,
                rule_ids=list(item.rule_ids),
            )
            for item in items
        ],
    )


def _people(user: Professional, ids: list[int], what: str) -> list[Professional]:
    # Only staff the caller may know of: anyone else is "unknown", never named (docs/access.md).
    staff = professionals_visible_to(user=user).select_related("agency")
    found = {p.pk: p for p in staff.filter(pk__in=ids)}
    for pk in ids:
        if pk not in found:
            raise Invalid(f"Unknown {what} {pk}: only professionals can be invited", field=what)
    return [found[pk] for pk in ids]  # duplicates kept, so the service can say so


def _create(payload: DiscussionIn, request: HttpRequest) -> DiscussionOut:
    user = acting_user(request)
    referral = referrals_visible_to(user=user).filter(pk=payload.referral_id).first()
    if referral is None:
        raise NotFound("Referral not found")
    visible = children_visible_to(user=user)  # an unseen child is an unknown child
    children_by_id = {c.pk: c for c in visible.filter(pk__in=payload.child_ids)}
    for child_id in payload.child_ids:
        if child_id not in children_by_id:
            raise Invalid(f"Unknown child {child_id}", field="children")
    chair = _people(user, [payload.chair_id], "chair")[0] if payload.chair_id else None
    context = AuditContext.from_request(request)
    discussion = discussion_create(
        referral=referral,
        children=[children_by_id[pk] for pk in payload.child_ids],
        kind=payload.kind,
        chair=chair,
        invitees=_people(user, payload.invitee_ids, "invitees"),
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        venue=payload.venue,
        virtual_link=payload.virtual_link,
        allow_missing_required=payload.allow_missing_required,
        by=user,
        now=timezone.now(),
        context=context,
    )
    return discussion_out(discussion, user)


@router.post("", response={201: DiscussionOut, **ERRORS}, summary="Convene a discussion")
def create_discussion(request: HttpRequest, payload: DiscussionIn) -> Status[Any]:
    """Convene a strategy discussion or meeting; with a start and end it is scheduled and the
    invitations go out, without it is requested."""
    return answer(201, lambda: _create(payload, request))


@router.get(
    "",
    response={200: list[DiscussionOut], **AUTH_ERRORS},
    summary="Discussions you can see",
)
def list_discussions(
    request: HttpRequest,
    response: HttpResponse,
    state: DiscussionState | None = None,
    limit: Limit200 = 50,
    before: Cursor = None,
) -> HttpResponse:
    """Social care: the partnership's; everyone else: those they are invited to.

    Newest first, ``limit`` (at most 200) a page; the next page is ``?before=<id of the last
    one>``, also given as the ``Link: <…>; rel="next"`` header when there may be more. The
    same few queries whatever the page holds. One audit entry for the list."""
    user = acting_user(request)
    # Walked newest first by primary key and stopped at ``limit``: visibility asked per row.
    discussions = selectors.discussions_visible_to(user=user, per_row=True)
    if state:
        discussions = discussions.filter(state=state.value)
    found = listed_page(discussions, before=before, limit=limit)
    link_next(request, response, rows=found, limit=limit, state=state.value if state else "")
    audit_record(
        actor=user,
        action=Action.SEARCH,
        summary=f"Listed discussions ({f'state {state.value}' if state else 'any state'}): "
        f"{len(found)} shown",
        context=AuditContext.from_request(request),
    )
    rows = discussion_rows(found, user=user, links=_reconvene_links(found, user))
    # Plain rows rendered as ``list[DiscussionOut]`` renders (convene.discussions.api_list).
    response.content = JSONRenderer().render(request, rows, response_status=200)
    return response


def _visible(request: HttpRequest, discussion_id: int) -> tuple[Professional, Discussion | None]:
    return visible_one(
        request, selectors.discussions_visible_to, discussion_id, "referral", "chair", "partnership"
    )


NOT_FOUND = "Discussion not found"


@router.get(
    "/{discussion_id}",
    response={200: DiscussionOut, **READ_ERRORS},
    summary="Read a discussion",
)
def read_discussion(request: HttpRequest, discussion_id: PathId) -> Status[Any]:
    user, discussion = _visible(request, discussion_id)
    if discussion is None:
        return error(404, NOT_FOUND)
    return Status(200, _viewed(request, user, discussion))


def _viewed(request: HttpRequest, user: Professional, discussion: Discussion) -> DiscussionOut:
    """The discussion as the API shows it, the look audited once for each child."""
    audit_record_children(
        actor=user,
        action=Action.VIEW,
        obj=discussion,
        children=discussion.children.all(),
        summary=f"Viewed {discussion.get_kind_display().lower()} {discussion.reference}",
        context=AuditContext.from_request(request),
    )
    return discussion_out(discussion, user)


@router.post(
    "/{discussion_id}/schedule",
    response={200: DiscussionOut, **ERRORS},
    summary="Schedule a requested discussion, or reschedule a scheduled one",
)
def schedule(request: HttpRequest, discussion_id: PathId, payload: ScheduleIn) -> Status[Any]:
    context = AuditContext.from_request(request)

    def call(user: Professional, found: Discussion) -> DiscussionOut:
        if found.state == Discussion.State.REQUESTED:
            chair = _people(user, [payload.chair_id], "chair")[0] if payload.chair_id else None
            changed = discussion_schedule(
                discussion=found,
                starts_at=payload.starts_at,
                ends_at=payload.ends_at,
                venue=payload.venue,
                virtual_link=payload.virtual_link,
                chair=chair,
                allow_missing_required=payload.allow_missing_required,
                by=user,
                now=timezone.now(),
                expected_version=payload.expected_version,
                context=context,
            )
        else:
            changed = discussion_reschedule(
                discussion=found,
                starts_at=payload.starts_at,
                ends_at=payload.ends_at,
                venue=payload.venue,
                virtual_link=payload.virtual_link,
                by=user,
                now=timezone.now(),
                expected_version=payload.expected_version,
                context=context,
            )
        return discussion_out(changed, user)

    return acted(_visible(request, discussion_id), NOT_FOUND, call)


@router.post(
    "/{discussion_id}/invitations",
    response={201: DiscussionOut, **ERRORS},
    summary="Invite more professionals",
)
def invite(request: HttpRequest, discussion_id: PathId, payload: InviteIn) -> Status[Any]:
    context = AuditContext.from_request(request)

    def call(user: Professional, found: Discussion) -> DiscussionOut:
        discussion_invite(
            discussion=found,
            invitees=_people(user, payload.invitee_ids, "invitees"),
            by=user,
            now=timezone.now(),
            expected_version=payload.expected_version,
            context=context,
        )
        found.refresh_from_db()
        return discussion_out(found, user)

    return acted(_visible(request, discussion_id), NOT_FOUND, call, status=201)


@router.post(
    "/{discussion_id}/cancel",
    response={200: DiscussionOut, **ERRORS},
    summary="Cancel, with the reason",
)
def cancel(request: HttpRequest, discussion_id: PathId, payload: CancelIn) -> Status[Any]:
    context = AuditContext.from_request(request)
    return acted(
        _visible(request, discussion_id),
        NOT_FOUND,
        lambda user, found: discussion_out(
            discussion_cancel(
                discussion=found,
                reason=payload.reason,
                close_referral=payload.close_referral,
                by=user,
                now=timezone.now(),
                expected_version=payload.expected_version,
                context=context,
            ),
            user,
        ),
    )


@router.post(
    "/{discussion_id}/invitations/{invitation_id}/reply",
    response={200: InvitationOut, **ERRORS},
    summary="Accept, or send apologies",
)
def reply(
    request: HttpRequest, discussion_id: PathId, invitation_id: PathId, payload: ReplyIn
) -> Status[Any]:
    user, discussion = _visible(request, discussion_id)
    invitation = (
        discussion.invitations.select_related("professional__agency")
        .filter(pk=invitation_id)
        .first()
        if discussion is not None
        else None
    )
    if invitation is None:
        return error(404, "Invitation not found")
    found = invitation

    context = AuditContext.from_request(request)

    def call() -> InvitationOut:
        answered = invitation_respond(
            invitation=found,
            response=payload.response,
            note=payload.note,
            by=user,
            now=timezone.now(),
            context=context,
        )
        return InvitationOut.of(answered, professional=found.professional)

    return answer(200, call)
