"""Agency checks in by the start (issue 16, R001.7): of the discussions held in the period, the
share where every invited agency sent its check at or before the meeting's start, and each
agency's own share.

The checks are read through ``agencychecks.selectors.checks_on_time`` (one query); a check sent
exactly at the start is on time, as a clock met at its due time is. A discussion with no
partner agency invited expects no check and is left out. A partner sees its own agency's line
only, never the overall one (which counts other agencies' checks).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from convene.agencychecks.selectors import ExpectedCheck, checks_on_time
from convene.discussions.models import Discussion
from convene.people.vocab import AgencyKind
from convene.reporting.access import Scope
from convene.reporting.periods import Period
from convene.reporting.scoping import discussions_q

EVERY_AGENCY = "Every agency invited"


@dataclass(frozen=True)
class CheckShareRow:
    label: str
    kind: str
    discussions: int  # discussions held that expected a check (from this agency)
    on_time: int  # of those, where the check(s) came by the start
    percent: float | None  # None: no discussion to count


def _row(label: str, kind: str, on_time: list[bool]) -> CheckShareRow:
    total, sent = len(on_time), sum(on_time)
    return CheckShareRow(label, kind, total, sent, round(100 * sent / total, 1) if total else None)


def _held(scope: Scope, period: Period) -> list[ExpectedCheck]:
    discussions = Discussion.objects.filter(
        discussions_q(scope, "pk"),
        partnership=scope.partnership,
        **period.bounds("record__held_at"),
    )
    return checks_on_time(discussions=discussions)


def _overall(expected: list[ExpectedCheck]) -> CheckShareRow:
    complete: dict[int, bool] = {}
    for check in expected:
        complete[check.discussion_id] = complete.get(check.discussion_id, True) and check.on_time
    return _row(EVERY_AGENCY, "", list(complete.values()))


def agency_checks_on_time(*, scope: Scope, period: Period) -> list[CheckShareRow]:
    """The overall line, then one line per agency by name (a partner: theirs only)."""
    expected = _held(scope, period)
    by_agency: dict[int, list[ExpectedCheck]] = defaultdict(list)
    for check in expected:
        if scope.whole or check.agency_id == scope.agency_id:
            by_agency[check.agency_id].append(check)
    rows = [_overall(expected)] if scope.whole and expected else []
    for checks in sorted(by_agency.values(), key=lambda c: c[0].agency_name):
        kind = AgencyKind(checks[0].agency_kind).label
        rows.append(_row(checks[0].agency_name, kind, [c.on_time for c in checks]))
    return rows
