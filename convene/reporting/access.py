"""Who sees which report (issue 13, docs/reports.md).

* Managers (team, deputy team) and heads of service of children's social care, and the
  partnership's administrators, see every report of their partnership; auditors read them
  (reporting never writes, so reading is all there is).
* A partner agency's staff see their own agency's attendance and actions only.
* Everyone else (a social worker, the front door, someone with no partnership) is refused
  with a reason (403): they know reports exist, they are just not theirs.

Lists never name a record the person may not open: the rows come through the owning
app's ``*_visible_to`` selector; counts are partnership-wide and may include restricted
records, which is allowed (a count names nobody).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied

from convene.allocation.models import Team
from convene.allocation.selectors import teams_of
from convene.people.models import Partnership, Professional
from convene.people.selectors import partnerships_of, sees_whole_caseload
from convene.people.vocab import AgencyKind, Role

WHOLE_PARTNERSHIP_ROLES = frozenset(
    {
        Role.TEAM_MANAGER,
        Role.DEPUTY_TEAM_MANAGER,
        Role.HEAD_OF_SERVICE,
        Role.PARTNERSHIP_ADMIN,
        Role.AUDITOR,
    }
)
REFUSED = "Reports are for managers, heads of service, auditors and partner agencies"


@dataclass(frozen=True)
class Scope:
    """What one person's reports cover: a partnership, and either all of it or one agency."""

    partnership: Partnership
    whole: bool  # False: only ``agency_id``'s attendance and actions
    agency_id: int | None
    # A team chosen: only the cases it holds now (``reporting.scoping``). Never for partners.
    team: Team | None = None
    # What ``reporting.scoping`` has read of the team for this scope (one request): its
    # cases' ids, read once for every table of the page, never shared with another scope.
    team_memo: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)


def may_see_reports(user: Professional) -> bool:
    """Whether ``user`` has reports of some kind (the navigation asks; no query)."""
    if not user.is_active or user.agency is None:
        return False
    if sees_whole_caseload(user=user):
        return user.has_role(*WHOLE_PARTNERSHIP_ROLES)
    # Partners see their own agency's figures; social care without a caseload role does not.
    return user.agency.kind != AgencyKind.SOCIAL_CARE.value


def report_scope(
    *, user: Professional, partnership_id: str | None = None, team_id: str | None = None
) -> Scope:
    """The scope of ``user``'s reports, for the partnership chosen (or their first) and the
    team chosen (one of that partnership's; another id is no team); 403 if none."""
    if not may_see_reports(user):
        raise PermissionDenied(REFUSED)
    partnerships = partnerships_of(user=user).order_by("name", "pk")
    partnership = None
    if partnership_id and partnership_id.isdigit():
        partnership = partnerships.filter(pk=int(partnership_id)).first()
    if partnership is None:
        partnership = partnerships.first()
    if partnership is None:
        raise PermissionDenied(REFUSED)
    if sees_whole_caseload(user=user):
        team = None
        if team_id and team_id.isdigit():
            team = teams_of(partnership=partnership).filter(pk=int(team_id)).first()
        return Scope(partnership=partnership, whole=True, agency_id=None, team=team)
    return Scope(partnership=partnership, whole=False, agency_id=user.agency_id)
