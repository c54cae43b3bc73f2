"""Agency checks in the one access layer: read by whoever may see the discussion; written only
through ``services.agency_check_submit`` (the agency's own invited people)."""

from __future__ import annotations

from convene.agencychecks.models import AgencyCheck, AgencyCheckVersion
from convene.agencychecks.selectors import agency_checks_visible_to, may_complete
from convene.core.access import READS, AccessAction, in_selector, part_of, rule_for, seen_through
from convene.people.models import Professional


@rule_for(AgencyCheck)
def _agency_check_rule(user: Professional, action: AccessAction, obj: AgencyCheck) -> bool:
    if not in_selector(agency_checks_visible_to, user=user, obj=obj):
        return False
    if action in READS:
        return True
    return obj.agency_id == user.agency_id and may_complete(user=user, discussion=obj.discussion)


seen_through(AgencyCheck, agency_checks_visible_to)
part_of(AgencyCheckVersion, parent=lambda version: version.check_row, via="check_row")
