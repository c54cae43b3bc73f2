"""``can`` answers for every kind of record about a child, and agrees with the selectors.

Two properties hold the one permission layer (``convene.core.access``) to the
selectors the pages, the API and the exports list from:

* every concrete model of the ``convene.*`` apps that reaches a child (a
  foreign key or many-to-many path to ``people.Child``, or a generic relation
  that can point at any record) has a rule, unless it is in ``NO_RULE`` with
  the reason it needs none;
* over every persona and every such object of the matrix world
  (``tests/matrix_world.py``), ``can(VIEW)`` is exactly "the object is in its
  app's selector", nobody may change what they may not see, and auditors
  change nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db.models import Model, QuerySet

from convene.agencychecks.models import AgencyCheck, AgencyCheckVersion
from convene.agencychecks.selectors import agency_checks_visible_to
from convene.agencychecks.services import agency_check_submit
from convene.allocation.models import Allocation
from convene.allocation.selectors import allocations_visible_to
from convene.audit.models import AuditEntry
from convene.clocks.models import Clock, Escalation, EscalationAddressee, EscalationAgency
from convene.clocks.selectors import clocks_visible_to, escalations_visible_to
from convene.core.access import WRITES, AccessAction, NoAccessRule, can, has_rule, visible_set
from convene.discussions.models import Discussion, Invitation
from convene.discussions.selectors import discussions_visible_to, invitations_visible_to
from convene.followup.actions.selectors import actions_visible_to, hrpm_actions_visible_to
from convene.followup.actions.services import action_update
from convene.followup.conferences.selectors import icpcs_visible_to
from convene.followup.enquiries.selectors import s47_enquiries_visible_to
from convene.followup.hrpm.selectors import hrpms_visible_to
from convene.followup.models import (
    ActionUpdate,
    CarePlanReview,
    CoreGroupReview,
    Hrpm,
    HrpmAction,
    HrpmDecision,
    HrpmMeeting,
    Icpc,
    ReviewRequest,
    S47Enquiry,
)
from convene.followup.reviews.services import review_discussion_request
from convene.people.factories import ChildFactory, FamilyMemberFactory, FamilyRelationshipFactory
from convene.people.models import Child, ChildLink, FamilyMember, FamilyRelationship
from convene.people.selectors import children_visible_to, family_members_visible_to
from convene.records.models import (
    Action,
    Attendance,
    AttendanceException,
    Confirmation,
    DistributionLog,
    ProfessionalView,
    Record,
    RecordEvent,
    RecordSectionEntry,
    RecordVersion,
    SectionHistory,
)
from convene.records.selectors import (
    confirmations_visible_to,
    record_drafts_visible_to,
    record_versions_visible_to,
    records_visible_to,
)
from convene.referrals.models import Referral, ReferralChild, TriageReason
from convene.referrals.selectors import referrals_visible_to
from convene.reminders.models import Delivery
from convene.reminders.selectors import deliveries_visible_to
from tests.access_matrix import PERSONAS
from tests.matrix_world import AFTER

# Models that reach a child but need no rule of their own, and why.
NO_RULE: dict[type[Model], str] = {
    AuditEntry: (
        "the audit log is read only through audit_viewers_of, on the page of a child the "
        "reader may see, and in the admin by staff; nobody changes it (append-only, "
        "enforced by database triggers)"
    ),
}


def _reaches_child(model: type[Model], seen: frozenset[type[Model]] = frozenset()) -> bool:
    """A forward foreign key, one-to-one or many-to-many path to Child, or a generic relation
    (which may point at a child or at any record about one)."""
    if model is Child:
        return True
    for field in model._meta.get_fields():
        if isinstance(field, GenericForeignKey):
            return True
        related = field.related_model
        if not field.is_relation or field.auto_created or related is None:
            continue
        if related not in seen and _reaches_child(related, seen | {model}):
            return True
    return False


def about_children() -> list[type[Model]]:
    return sorted(
        (
            model
            for config in apps.get_app_configs()
            if config.name.startswith("convene.")
            for model in config.get_models()
            if not model._meta.abstract and not model._meta.proxy and _reaches_child(model)
        ),
        key=lambda model: model._meta.label,
    )


def test_the_search_finds_the_case_records():
    # Guards the search itself: if it found nothing, the test below would pass vacuously.
    found = set(about_children())
    assert {Child, Referral, Discussion, Invitation, Record, RecordVersion, Action} <= found
    assert {Clock, Escalation, Delivery, S47Enquiry, Hrpm, AuditEntry} <= found


def test_every_model_about_a_child_has_a_rule():
    missing = [
        model._meta.label
        for model in about_children()
        if model not in NO_RULE and not has_rule(model)
    ]
    assert not missing, (
        f"no access rule for {', '.join(missing)}: register one with "
        "convene.core.access.rule_for (or part_of) in the owning app's access.py, "
        "and say where it lives in docs/access.md"
    )


def test_the_allow_list_is_exact():
    # Nothing on it has a rule after all, and nothing on it has stopped reaching a child.
    assert [m for m in NO_RULE if has_rule(m)] == []
    assert set(NO_RULE) <= set(about_children())


@pytest.mark.django_db
def test_a_model_on_the_allow_list_is_still_refused_loudly(people):
    entry = AuditEntry()
    with pytest.raises(NoAccessRule):
        can(user=people["alice"], action=AccessAction.VIEW, obj=entry)


# --- can agrees with the selectors ----------------------------------------------------------

Selector = Callable[..., QuerySet[Any]]


def _same(obj: Any) -> Any:
    return obj


def _update_target(update: ActionUpdate) -> tuple[Selector, Any]:
    if update.action_id is not None:
        return actions_visible_to, update.action
    return hrpm_actions_visible_to, update.hrpm_action


# model → (the selector whose answer ``can(VIEW)`` must be, the object to look for in it).
# A part of a record is looked for as the record it belongs to.
SELECTORS: dict[type[Model], tuple[Selector, Callable[[Any], Any]]] = {
    Child: (children_visible_to, _same),
    ChildLink: (children_visible_to, lambda link: link.from_child),
    FamilyMember: (family_members_visible_to, _same),
    FamilyRelationship: (children_visible_to, lambda relationship: relationship.child),
    Referral: (referrals_visible_to, _same),
    ReferralChild: (referrals_visible_to, lambda link: link.referral),
    TriageReason: (referrals_visible_to, lambda reason: reason.referral),
    Discussion: (discussions_visible_to, _same),
    Invitation: (invitations_visible_to, _same),
    Record: (records_visible_to, _same),
    RecordVersion: (record_versions_visible_to, _same),
    Attendance: (record_versions_visible_to, lambda row: row.version),
    ProfessionalView: (record_versions_visible_to, lambda row: row.version),
    RecordSectionEntry: (record_drafts_visible_to, lambda row: row.record),
    SectionHistory: (record_drafts_visible_to, lambda row: row.record),
    RecordEvent: (record_drafts_visible_to, lambda row: row.record),
    AttendanceException: (record_drafts_visible_to, lambda row: row.record),
    DistributionLog: (record_drafts_visible_to, lambda log: log.version.record),
    Confirmation: (confirmations_visible_to, _same),
    Action: (actions_visible_to, _same),
    HrpmAction: (hrpm_actions_visible_to, _same),
    S47Enquiry: (s47_enquiries_visible_to, _same),
    CoreGroupReview: (s47_enquiries_visible_to, lambda review: review.enquiry),
    CarePlanReview: (s47_enquiries_visible_to, lambda review: review.enquiry),
    HrpmDecision: (s47_enquiries_visible_to, lambda decision: decision.enquiry),
    Icpc: (icpcs_visible_to, _same),
    Hrpm: (hrpms_visible_to, _same),
    HrpmMeeting: (hrpms_visible_to, lambda meeting: meeting.hrpm),
    ReviewRequest: (discussions_visible_to, lambda request: request.discussion),
    Clock: (clocks_visible_to, _same),
    Escalation: (escalations_visible_to, _same),
    EscalationAddressee: (escalations_visible_to, lambda link: link.escalation),
    EscalationAgency: (escalations_visible_to, lambda link: link.escalation),
    Delivery: (deliveries_visible_to, _same),
    Allocation: (allocations_visible_to, _same),
    AgencyCheck: (agency_checks_visible_to, _same),
    AgencyCheckVersion: (agency_checks_visible_to, lambda version: version.check_row),
}
# ActionUpdate belongs to one of two kinds of action: looked for in that kind's selector.
SPECIAL = {ActionUpdate}


def test_every_ruled_model_is_checked_against_a_selector():
    ruled = {m for m in about_children() if m not in NO_RULE}
    assert ruled == set(SELECTORS) | SPECIAL


def _expected(user: Any, obj: Model, listed: dict[Selector, set[Any]]) -> bool:
    """Whether ``obj`` (or the record it belongs to) is in its selector's answer for ``user``.

    ``listed`` keeps each selector's whole answer (its primary keys) for this user: one
    query per selector rather than one per object, for the same answer."""
    if isinstance(obj, ActionUpdate):
        selector, target = _update_target(obj)
    else:
        selector, to_target = SELECTORS[type(obj)]
        target = to_target(obj)
    if selector not in listed:
        listed[selector] = set(selector(user=user).values_list("pk", flat=True))
    return target.pk in listed[selector]


@pytest.fixture(scope="module")
def richer_world(world: Any, django_db_blocker: Any) -> Any:
    """The matrix world plus the kinds its pages did not need: action updates, a review asked
    for, a child's sibling and mother. Made inside the world's transaction (rolled back with it)."""
    people = world.people
    now = AFTER + timedelta(days=2)
    with django_db_blocker.unblock():
        action_update(
            action=world.police_action,
            status="in_progress",
            note="Checks made",
            by=people["carol"],
            now=now,
        )
        action_update(
            action=world.hrpm_action,
            status="in_progress",
            note="Visit booked",
            by=people["carol"],
            now=now,
        )
        review_discussion_request(
            discussion_or_child=world.distributed_record.discussion,
            new_information="The father has returned to the household",
            effect_on_plan="The safety plan relied on his absence",
            by=people["bob"],
            now=now,
        )
        # Carol's police check for the scheduled discussion and for the restricted one.
        for discussion in (world.discussion, world.restricted_discussion):
            agency_check_submit(
                discussion=discussion, content={"known": "yes"}, by=people["carol"], now=now
            )
        sibling = ChildFactory(partnership=world.home_child.partnership, last_name="Smith")
        ChildLink.objects.create(
            from_child=world.home_child, to_child=sibling, kind=ChildLink.Kind.SIBLING
        )
        FamilyRelationshipFactory(
            family_member=FamilyMemberFactory(partnership=world.home_child.partnership),
            child=world.home_child,
        )
    return world


def _objects() -> Iterator[Model]:
    for model in about_children():
        if model not in NO_RULE:
            yield from model._default_manager.order_by("pk")


@pytest.mark.django_db
def test_the_world_has_something_of_most_kinds(richer_world):
    # The property below is only as good as the objects it runs over.
    present = {type(obj) for obj in _objects()}
    assert {
        Child,
        Referral,
        ReferralChild,
        Discussion,
        Invitation,
        Record,
        RecordVersion,
        Attendance,
        RecordSectionEntry,
        DistributionLog,
        Confirmation,
        Action,
        HrpmAction,
        ActionUpdate,
        S47Enquiry,
        Icpc,
        Hrpm,
        HrpmMeeting,
        ReviewRequest,
        ChildLink,
        FamilyMember,
        FamilyRelationship,
        Clock,
        Escalation,
        Delivery,
        AgencyCheck,
        AgencyCheckVersion,
    } <= present


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_can_view_is_the_selector_for_every_object(richer_world, persona):
    user = richer_world.people[persona]
    listed: dict[Selector, set[Any]] = {}
    wrong = [
        f"{type(obj).__name__} {obj.pk}: can says {not expected}, the selector {expected}"
        for obj in _objects()
        if can(user=user, action=AccessAction.VIEW, obj=obj)
        != (expected := _expected(user, obj, listed))
    ]
    assert not wrong, f"{persona}:\n" + "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_nobody_may_change_what_they_may_not_see(richer_world, persona):
    user = richer_world.people[persona]
    wrong = [
        f"{type(obj).__name__} {obj.pk}"
        for obj in _objects()
        if can(user=user, action=AccessAction.CHANGE, obj=obj)
        and not can(user=user, action=AccessAction.VIEW, obj=obj)
    ]
    assert not wrong, f"{persona} may change what they may not see: {', '.join(wrong)}"


@pytest.mark.django_db
def test_auditors_change_nothing(richer_world):
    ivy = richer_world.people["ivy"]
    for obj in _objects():
        for action in WRITES:
            assert not can(user=ivy, action=action, obj=obj), f"{type(obj).__name__} {obj.pk}"


@pytest.mark.django_db
def test_every_ruled_model_can_be_listed_as_a_set(people):
    # "Who has looked" filters many kinds at once through visible_set: none may be missing.
    missing = [
        model._meta.label
        for model in about_children()
        if model not in NO_RULE and visible_set(user=people["alice"], model=model) is None
    ]
    assert not missing, f"register a selector with access.seen_through (or part_of via=): {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_visible_set_is_can_view_for_every_object(richer_world, persona):
    user = richer_world.people[persona]
    sets: dict[type[Model], set[Any]] = {}
    wrong = []
    for obj in _objects():
        model = type(obj)
        if model not in sets:
            visible = visible_set(user=user, model=model)
            assert visible is not None, model
            sets[model] = set(visible.values_list("pk", flat=True))
        if (obj.pk in sets[model]) != can(user=user, action=AccessAction.VIEW, obj=obj):
            wrong.append(f"{model.__name__} {obj.pk}")
    assert not wrong, f"{persona}: visible_set and can(VIEW) disagree on {', '.join(wrong)}"
