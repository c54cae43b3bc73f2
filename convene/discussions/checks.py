"""What a discussion needs before it is created or scheduled: the convenor, the children,
the chair, the time and place, the invitees and the required attendance (R001, R002.4)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from convene.core.errors import (
    Invalid,
    NotAllowed,
    Problem,
    Problems,
    check_fits,
    check_text,
)
from convene.discussions.attendance import missing_mandatory
from convene.discussions.models import Discussion, is_web_link
from convene.discussions.selectors import chair_rule_text, discussion_checklist
from convene.people.models import Child, ChildLink, FamilyMember, Partnership, Professional
from convene.people.selectors import partnerships_of
from convene.people.vocab import AgencyKind
from convene.policy import engine
from convene.policy.vocab import Pathway
from convene.referrals.models import Referral
from convene.referrals.policy import case_facts, pack_for
from convene.referrals.selectors import may_decide_and_convene

# A discussion is arranged within days (the convene-by deadlines); a date further off
# than this is a typing mistake. It lasts hours: one ending more than a day after it
# starts is a mistake too.
SCHEDULE_WITHIN = timedelta(days=366)
LONGEST = timedelta(hours=24)
# The code of the refusal a convenor may override by confirming (the page then offers it).
MISSING_REQUIRED = "missing_required"


def _check_convenor(by: Professional, partnership: Partnership) -> None:
    if not may_decide_and_convene(user=by):
        raise NotAllowed(
            "Only a social care manager (deputy team manager, team manager or head of service) "
            "convenes strategy discussions"
        )
    if not partnerships_of(user=by).filter(pk=partnership.pk).exists():
        raise NotAllowed(f"You do not work for {partnership.name}")


def _check_children(referral: Referral, children: Sequence[Child]) -> None:
    if not children:
        raise Invalid("Select at least one child to discuss", field="children")
    ids = [child.pk for child in children]
    for child in children:
        if ids.count(child.pk) > 1:
            raise Invalid(f"{child.full_name} is listed twice", field="children")
    own = set(referral.children.values_list("pk", flat=True))
    linked = set(ChildLink.objects.filter(from_child__in=own).values_list("to_child", flat=True))
    for child in children:
        if child.pk not in own | linked:
            raise Invalid(
                f"{child.full_name} is not on this referral and not a sibling or household "
                "child of a child on it",
                field="children",
            )
    if not own & set(ids):
        raise Invalid("Include at least one child the referral is about", field="children")


def _check_chair(referral: Referral, chair: Professional, children: Sequence[Child]) -> None:
    pack = pack_for(referral)
    facts = case_facts(referral, list(children), pathway=Pathway(referral.chosen_pathway))
    # R001.5: a manager of children's social care, in the referral's partnership.
    in_partnership = (
        chair.is_active
        and chair.agency is not None
        and chair.agency.kind == AgencyKind.SOCIAL_CARE
        and chair.agency.partnerships.filter(pk=referral.partnership_id).exists()
    )
    if not in_partnership or not engine.may_chair(pack, facts, chair.role_set):
        chair_rules = [
            rule for rule in engine.applicable_rules(pack, facts) if rule.kind == "chair"
        ]
        ids = sorted({r for rule in chair_rules for r in rule.source.requirements})
        raise Invalid(
            f"{chair} cannot chair: {pack.title} asks for "
            f"{chair_rule_text(referral=referral, children=list(children))} "
            f"of the partnership's children's social care to chair ({', '.join(ids)})",
            field="chair",
        )


def schedule_problems(
    *, starts_at: datetime, ends_at: datetime, venue: str, virtual_link: str, now: datetime
) -> list[Problem]:
    """Every mistake in a time and place at once (the form shows them beside its own)."""
    problems = Problems()
    with problems.check():
        check_text(venue=venue, virtual_link=virtual_link)
        check_fits(Discussion, venue=venue.strip(), virtual_link=virtual_link.strip())
    if starts_at < now:
        problems.add("The start must be in the future", field="starts_at")
    elif starts_at > now + SCHEDULE_WITHIN:
        problems.add("The start must be within the next year", field="starts_at")
    if ends_at <= starts_at:
        problems.add("The end must be after the start", field="ends_at")
    elif ends_at > starts_at + LONGEST:
        problems.add("The end must be within a day of the start", field="ends_at")
    if not venue.strip() and not virtual_link.strip():
        problems.add("Enter a venue or a link to the virtual meeting", field="venue")
    if virtual_link.strip() and not is_web_link(virtual_link):
        problems.add(
            "Enter the virtual meeting link as a web address, like https://…",
            field="virtual_link",
        )
    return problems.found


def _check_schedule(
    *, starts_at: datetime, ends_at: datetime, venue: str, virtual_link: str, now: datetime
) -> None:
    for name, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise Invalid(f"{name} must carry a time zone", field=name)
    problems = Problems()
    problems.found = schedule_problems(
        starts_at=starts_at, ends_at=ends_at, venue=venue, virtual_link=virtual_link, now=now
    )
    problems.raise_any()


def _check_invitees(
    partnership: Partnership, invitees: Sequence[object], already: Collection[int] = ()
) -> list[Professional]:
    people: list[Professional] = []
    for invitee in invitees:
        if isinstance(invitee, FamilyMember):
            raise Invalid(
                f"{invitee} is a family member: parents, carers and family members are never "
                "invited to a strategy discussion",
                field="invitees",
            )
        if not isinstance(invitee, Professional):
            raise Invalid("Only professionals can be invited", field="invitees")
        if not invitee.is_active:
            raise Invalid(f"{invitee}'s account is not active", field="invitees")
        agency = invitee.agency
        if agency is None or not agency.partnerships.filter(pk=partnership.pk).exists():
            where = f"works for {agency.name}, which" if agency else "has no agency and"
            raise Invalid(
                f"{invitee} {where} is not part of {partnership.name}: only the partnership's "
                "agencies are invited",
                field="invitees",
            )
        if invitee.pk in already:
            raise Invalid(f"{invitee} is already invited", field="invitees")
        if any(person.pk == invitee.pk for person in people):
            raise Invalid(f"{invitee} is listed twice", field="invitees")
        people.append(invitee)
    return people


def _check_attendance(
    referral: Referral,
    children: Sequence[Child],
    invitees: Sequence[Professional],
    kind: str,
    allow_missing_required: bool,
) -> None:
    items = discussion_checklist(
        referral=referral, children=list(children), invitees=list(invitees), kind=kind
    )
    missing = missing_mandatory(items)
    if missing and not allow_missing_required:
        who = "; ".join(item.who for item in missing)
        raise Invalid(
            f"Required people are not invited: {who}. Invite them, or confirm that the "
            "discussion goes ahead without them",
            field="invitees",
            code=MISSING_REQUIRED,
        )


def with_chair(chair: Professional | None, invitees: list[Professional]) -> list[Professional]:
    """Those invited, with the chair first if not among them."""
    if chair is not None and all(person.pk != chair.pk for person in invitees):
        return [chair, *invitees]
    return invitees


def create_checks(
    referral: Referral,
    *,
    children: Sequence[Child],
    kind: str,
    chair: Professional | None,
    invitees: Sequence[object],
    when: tuple[datetime | None, datetime | None, str, str],
    allow_missing_required: bool,
    now: datetime,
) -> list[Professional]:
    """Every check of a new discussion, all reported at once; the people to invite."""
    starts_at, ends_at, venue, virtual_link = when
    scheduled = starts_at is not None or ends_at is not None
    problems = Problems()
    if kind not in Discussion.Kind.values:
        problems.add("Select a strategy discussion or a strategy meeting", field="kind")
    with problems.check():
        _check_children(referral, children)
    children_right = not problems.found
    if scheduled and chair is None:
        problems.add("Select who chairs the discussion", field="chair")
    if chair is not None and children_right:  # who may chair depends on the children
        with problems.check():
            _check_chair(referral, chair, children)
    if starts_at is None or ends_at is None:
        if scheduled:
            problems.add("Enter both the start and the end", field="starts_at")
    else:
        with problems.check():
            _check_schedule(
                starts_at=starts_at,
                ends_at=ends_at,
                venue=venue,
                virtual_link=virtual_link,
                now=now,
            )
    people: list[Professional] = []
    with problems.check():
        people = with_chair(chair, _check_invitees(referral.partnership, invitees))
    if scheduled and not problems.found:
        # Who is missing means something only once the children and people are right.
        with problems.check():
            _check_attendance(referral, children, people, kind, allow_missing_required)
    problems.raise_any()
    return people
