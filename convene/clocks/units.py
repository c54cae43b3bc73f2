"""The unit each kind of clock's time taken is read in (issue 13): hours where the
procedures count hours or the same day, working days where they count working days, days
where they count months or a chosen date. The reports show it; the tally keeps its
histogram in tenths of it (convene.clocks.tally)."""

from __future__ import annotations

from convene.policy.vocab import ClockKind

HOURS = "hours"
DAYS = "days"
WORKING_DAYS = "working days"
UNIT_OF: dict[str, str] = {
    ClockKind.TRIAGE.value: HOURS,
    ClockKind.CONVENE.value: HOURS,
    ClockKind.RECORD_DISTRIBUTED.value: WORKING_DAYS,
    ClockKind.OUTCOME_NOTIFIED.value: WORKING_DAYS,
    ClockKind.S47_VISIT.value: HOURS,
    ClockKind.ICPC.value: WORKING_DAYS,
    ClockKind.HRPM.value: DAYS,
    ClockKind.RECONVENE.value: DAYS,
    ClockKind.ACTION_DUE.value: DAYS,
    ClockKind.AGENCY_CHECK.value: HOURS,
}
# Seconds in one unit of the kinds timed on the clock (working days are counted on the
# partnership's calendar instead).
SECONDS_IN = {HOURS: 3600, DAYS: 86400}


def unit_of(kind: str) -> str:
    return UNIT_OF.get(kind, DAYS)
