"""Who may do what: the permission layer every page, API endpoint, export and email uses.

The rules in words, with the full matrix, are in docs/access.md. In code:

* **Reads** go through selectors that return only what a person may see:
  ``convene.people.selectors.children_visible_to`` for children (its caseload
  rule is here, ``sees_whole_caseload``), and each domain app's own
  ``*_visible_to`` for its records. A record outside a person's selector answers
  404, never 403: they must not learn that it exists.
* **Writes** call ``require_write`` first: auditors read everything in their
  partnership but change nothing (403 with a reason).
* **One object** is checked with ``can(user=..., action=..., obj=...)``, which
  dispatches to the rule registered for the object's model (``@rule_for``).
  A model with no rule is refused loudly (``NoAccessRule``): there is no default
  that lets something through.

Extension points, for the apps that own the records (each app's ``access.py``,
imported from its ``AppConfig.ready()``; docs/access.md lists where each
model's rule lives):

* ``@rule_for(Model)`` registers ``can`` for a model, built on the app's own
  selector (``in_selector``) and write helper, never a second copy of them.
* ``part_of(Model, parent=...)`` registers a part of a record (a version's
  attendance, an action's updates): read and changed as its parent is.
* ``@grants_children`` registers a way a partner comes to see a child: the
  discussions app registers "children of discussions this person is invited to"
  (``Q(pk__in=...)``). ``children_visible_to`` ORs every registered grant with
  the caseload rule, so the invitation rule lives with the invitation model and
  there is still one place that answers "which children may this person see".
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from convene.core.frozen_rows import FrozenExists, frozen_rows_of
from convene.people.vocab import AgencyKind, Role


class ActorAgency(Protocol):
    kind: Any


class Actor(Protocol):
    """Who is acting, as the access layer needs to know them.

    ``convene.people.models.Professional`` is the one implementation; ``core`` types
    against this so that it sits below the domain apps and imports none of them
    (docs/architecture.md, tests/test_architecture.py).
    """

    pk: Any
    is_active: bool

    @property
    def agency_id(self) -> int | None: ...

    @property
    def agency(self) -> ActorAgency | None: ...

    def has_role(self, *roles: Role) -> bool: ...


class AccessAction(StrEnum):
    VIEW = "view"
    CREATE = "create"
    CHANGE = "change"
    DELETE = "delete"
    EXPORT = "export"
    DOWNLOAD = "download"


READS = frozenset({AccessAction.VIEW, AccessAction.EXPORT, AccessAction.DOWNLOAD})
WRITES = frozenset(AccessAction) - READS

# Roles whose holders work a partnership's whole caseload (children's social care
# and the partnership's own admins and auditors). Everyone else is a partner and
# sees only what they are invited to.
CASELOAD_ROLES = frozenset(
    {
        Role.TRIAGE_ADVISOR,
        Role.SOCIAL_WORKER,
        Role.DEPUTY_TEAM_MANAGER,
        Role.TEAM_MANAGER,
        Role.HEAD_OF_SERVICE,
        Role.PARTNERSHIP_ADMIN,
        Role.AUDITOR,
    }
)
READ_ONLY_ROLES = frozenset({Role.AUDITOR})
READ_ONLY_MESSAGE = "Auditors can read records but cannot change them"


class NoAccessRule(LookupError):
    """``can`` was asked about a kind of record nobody wrote a rule for."""


def sees_whole_caseload(*, user: Actor) -> bool:
    """Children's social care staff, and the partnership's admins and auditors."""
    if not user.is_active or user.agency_id is None or not user.has_role(*CASELOAD_ROLES):
        return False
    agency = user.agency
    return agency is not None and (
        agency.kind == AgencyKind.SOCIAL_CARE or user.has_role(Role.AUDITOR, Role.PARTNERSHIP_ADMIN)
    )


def is_read_only(*, user: Actor) -> bool:
    """Auditors never write, whatever other roles they hold."""
    return user.has_role(*READ_ONLY_ROLES)


def require_write(*, user: Actor) -> None:
    """Call at the top of every service or view that changes case records."""
    if not user.is_active:
        raise PermissionDenied("Your account is not active")
    if is_read_only(user=user):
        raise PermissionDenied(READ_ONLY_MESSAGE)


# -- children a partner comes to see ---------------------------------------------------

# Registered callbacks take the registering app's own user type (Professional), which
# core cannot name: it calls them with the Actor it was given.
# ``per_row``: the grant is for a list page in name order that stops at the page
# (``children_listed``): asked of each child walked where the grant gives many children, so
# the database cannot hash them all first; gathered first where it gives few (a partner's),
# so that set drives the page rather than a walk of every child (issue 15).
ChildGrant = Callable[..., Q]
_child_grants: list[ChildGrant] = []


def grants_children(grant: ChildGrant) -> ChildGrant:
    """Register a rule giving some people sight of some children.

    ``grant(user, *, per_row=False, alone=True)`` returns a ``Q`` over Child, written as
    ``Q(pk__in=subquery)`` (or an ``EXISTS`` when ``per_row``, or when not ``alone``: ORed
    with the person's caseload, asked only of the children outside it) so that joins cannot
    duplicate rows. It must itself respect partnership
    boundaries (an invitation belongs to one partnership's discussion).
    """
    if grant not in _child_grants:
        _child_grants.append(grant)
    return grant


def child_grants_registered() -> tuple[ChildGrant, ...]:
    """The grants registered so far: a selector remembered per person that reads them is kept
    under them too (``remembered_per_person(depends=...)``), so a new grant builds afresh."""
    return tuple(_child_grants)


def child_grants(*, user: Actor, per_row: bool = False, alone: bool = True) -> Q | None:
    """The registered grants for ``user`` ORed together, or None if there are none.
    ``alone``: nothing else is ORed with them (the person works no caseload)."""
    combined: Q | None = None
    for grant in _child_grants:
        condition = grant(user, per_row=per_row, alone=alone)
        combined = condition if combined is None else combined | condition
    return combined


# -- one object --------------------------------------------------------------------------

M = TypeVar("M", bound=Model)
Rule = Callable[[Any, AccessAction, Any], bool]
_rules: dict[type[Model], Rule] = {}


def rule_for(model: type[M]) -> Callable[[Rule], Rule]:
    def register(rule: Rule) -> Rule:
        _rules[model] = rule
        return rule

    return register


def has_rule(model: type[Model]) -> bool:
    """Whether ``can`` answers for ``model`` (or a model it inherits from)."""
    return any(klass in _rules for klass in model.__mro__)


def among(visible: QuerySet[Any], key: str, *, per_row: bool = False) -> Exists | FrozenExists:
    """``key`` (a foreign key of the outer query's rows) names a row of ``visible``: a
    correlated ``EXISTS``, probed by primary key, instead of ``key IN (visible)``.

    The two mean the same (a NULL key matches neither), but ``IN`` under an ``OR``
    makes PostgreSQL build the whole ``visible`` set (a partnership's whole caseload,
    through every nested selector) before it looks at one row; the ``EXISTS`` is
    asked per row, so a page of 20 costs 20 index probes, and for a long scan
    the planner may still hash it (issue 15).

    ``per_row``: never hashed. The planner hashes an ``EXISTS`` whose only link to the
    outer row is ``pk = key`` when it expects to ask it of many rows, even under a
    ``LIMIT`` that stops after a few (escalations: the whole caseload built to show 25).
    A second comparison with the outer key (``pk >= key``, true whenever ``pk = key``)
    cannot be hashed, so each row walked costs one primary-key probe, whatever the
    size of ``visible``. For conditions asked of a bounded walk by index.

    A person's remembered selector, exactly as it was handed out, is probed as its frozen
    SQL (``FrozenExists``: the same ``EXISTS``, compiled once per request, issue 15).
    """
    frozen = frozen_rows_of(visible)
    if frozen is not None:
        return FrozenExists(frozen, key, per_row=per_row)
    rows = visible.filter(pk=OuterRef(key))
    if per_row:
        rows = rows.filter(pk__gte=OuterRef(key))
    return Exists(rows.order_by())


def in_selector(selector: Callable[..., QuerySet[Any]], *, user: Actor, obj: Model) -> bool:
    """Is ``obj`` among what ``selector(user=user)`` returns? The read half of most rules:
    ``can`` answers from the very selector the pages and the API list from."""
    return bool(selector(user=user).filter(pk=obj.pk).exists())


def read_where_seen(
    model: type[M], selector: Callable[..., QuerySet[Any]], *, may_act: Callable[[Any, M], bool]
) -> None:
    """Register the usual rule for ``model``: read by whoever ``selector`` shows it to,
    changed only by those of them ``may_act(user, obj)`` allows (nobody acts on what
    they may not see: the page answers 404), and listed through the same selector."""

    def rule(user: Any, action: AccessAction, obj: M) -> bool:
        if not in_selector(selector, user=user, obj=obj):
            return False
        return action in READS or may_act(user, obj)

    rule_for(model)(rule)
    seen_through(model, selector)


_parents: dict[type[Model], Callable[[Any], Model]] = {}
_part_paths: dict[type[Model], str] = {}


def part_of(model: type[M], *, parent: Callable[[M], Model], via: str | None = None) -> None:
    """Register ``can`` for a part of another record: it is read and changed as its parent is.

    For the rows that make up one record (a referral's children, a version's
    attendance, an enquiry's reviews, an action's updates): nobody may see or
    change a part of something they may not see or change, and there is no
    second rule to keep in step with the parent's. ``via`` names the foreign key
    to the parent, so that ``visible_set`` can list the parts as one query too.
    """
    _parents[model] = parent
    if via is not None:
        _part_paths[model] = via

    def rule(user: Actor, action: AccessAction, obj: Any) -> bool:
        return can(user=user, action=action, obj=parent(obj))

    rule_for(model)(rule)


def parent_of(obj: Model) -> Model | None:
    """The record ``obj`` is a part of (``part_of``), or None if it stands alone."""
    for model in type(obj).__mro__:
        getter = _parents.get(model)
        if getter is not None:
            return getter(obj)
    return None


def can(*, user: Actor, action: AccessAction, obj: Model) -> bool:
    """May ``user`` do ``action`` to ``obj``? Inactive users and auditors' writes: never."""
    if not user.is_active:
        return False
    if action in WRITES and is_read_only(user=user):
        return False
    for model in type(obj).__mro__:
        rule = _rules.get(model)
        if rule is not None:
            return rule(user, action, obj)
    raise NoAccessRule(
        f"No access rule for {type(obj).__name__}: register one with "
        "convene.core.access.rule_for and add it to docs/access.md"
    )


# -- many objects at once ------------------------------------------------------------------

Selector = Callable[..., QuerySet[Any]]
_selectors: dict[type[Model], Selector] = {}


def seen_through(model: type[Model], selector: Selector) -> None:
    """Register the selector listing the ``model`` rows a person may read (``selector(user=...)``).

    The set-based twin of ``can(VIEW)``, for a list that must filter many rows of
    many kinds at once (the "who has looked" table): it is the very selector the
    rule reads through, so the two agree (tests/core/test_access_rules.py).
    """
    _selectors[model] = selector


def visible_set(*, user: Actor, model: type[Model]) -> QuerySet[Any] | None:
    """The ``model`` rows ``user`` may read, as one query; None for a model with no
    registered selector (the caller must then show nothing: there is no default)."""
    selector = _selectors.get(model)
    if selector is not None:
        return selector(user=user)
    via = _part_paths.get(model)
    if via is None:
        return None
    parent_model = model._meta.get_field(via).related_model
    assert isinstance(parent_model, type)
    assert issubclass(parent_model, Model)
    parents = visible_set(user=user, model=parent_model)
    if parents is None:
        return None
    return model._default_manager.filter(**{f"{via}__in": parents.values("pk")})
