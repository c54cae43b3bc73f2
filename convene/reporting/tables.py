"""Each report as a plain table: the same figures feed the page, its chart and its downloads."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from convene.core.dates import govuk_date
from convene.core.pagination import KeysetPage
from convene.people.models import Professional
from convene.records.models import AttendanceException
from convene.reporting import selectors
from convene.reporting.access import Scope
from convene.reporting.checks import agency_checks_on_time
from convene.reporting.exceptions import reasons_page, standing_exceptions
from convene.reporting.periods import Period
from convene.reporting.quality import missing_labels, quality_audit, records_missing_a_standard
from convene.workdays.timescales import LONDON

Cell = str | int | float | None
PAGE_SIZE = 25
_M = TypeVar("_M", bound=Model)


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: list[str]
    # A list, or (a list's complete download) rows read as they are written out.
    rows: Iterable[list[Cell]]
    # The chart drawn from it: (label column, value column, what the value is), or none.
    chart: tuple[int, int, str] | None = None
    notes: list[str] = field(default_factory=list)
    numeric: bool = True  # the columns after the first are figures (aligned right)
    # A long list shown a keyset page at a time on the dashboard (no count): the page, and
    # its cursor's query parameter.
    keyset: KeysetPage[Any] | None = None
    page_param: str = ""
    size: int | None = None  # the rows in all, when ``rows`` is read lazily

    @property
    def row_count(self) -> int:
        return self.size if self.size is not None else len(list(self.rows))

    def chart_points(self) -> list[tuple[str, float]]:
        if self.chart is None:
            return []
        label, value, _ = self.chart
        return [(str(row[label]), float(row[value] or 0)) for row in self.rows]


def _maybe(value: float | None) -> Cell:
    return "" if value is None else value


def timeliness_table(*, scope: Scope, period: Period, **_: object) -> Table:
    rows: list[list[Cell]] = []
    for row in selectors.timeliness(scope=scope, period=period):
        rows.append(
            [
                row.label,
                row.started,
                row.met_on_time,
                row.met_late,
                row.breached,
                row.open,
                row.waived,
                _maybe(row.percent_on_time),
                _maybe(row.median),
                _maybe(row.p90),
                row.unit,
                _maybe(row.national_percent),
            ]
        )
    return Table(
        key="timeliness",
        title="Timeliness",
        headers=[
            "Timescale",
            "Started",
            "Met on time",
            "Met late",
            "Breached",
            "Open",
            "Waived",
            "% on time",
            "Median time taken",
            "90th percentile",
            "Unit",
            "England % (2024-25)",
        ],
        rows=rows,
        chart=(0, 7, "% on time"),
        notes=[
            "Clocks started in the period. % on time is of those met or breached; open and "
            "waived clocks are not yet judged. England: 81.4% of initial child protection "
            "conferences within 15 working days (DfE, Children in need statistics 2024-25)."
        ],
    )


WITHHELD = "Not shown: a restricted record you are not named on"


def _exception_row(e: AttendanceException, may_open: bool = True) -> list[Cell]:
    """A standing exception as a row; its record's details withheld if ``user`` may not
    open it (the date held and the party stay: they name nobody)."""
    held, party = govuk_date(e.record.held_at), e.get_party_display()
    if not may_open:
        return [held, "", party, WITHHELD, "", ""]
    reference, by = e.record.discussion.reference, str(e.recorded_by)
    return [held, reference, party, e.reason, by, govuk_date(e.recorded_at)]


def exception_reasons_table(
    *,
    scope: Scope,
    period: Period,
    user: Professional,
    after: int | None = None,
    complete: bool = False,
    **_: object,
) -> Table:
    """One row per standing exception: on the dashboard a keyset page of 25 after the
    exception ``after`` (the ``reasons_after`` parameter); ``complete`` (the download) every
    row ``user`` may open, read in chunks as it is written out."""
    shown = None
    size = None
    rows: Iterable[list[Cell]]
    if complete:
        exceptions = standing_exceptions(user=user, scope=scope, period=period)
        size = exceptions.count()
        rows = (_exception_row(e) for e in exceptions.iterator(chunk_size=2000))
    else:
        found = reasons_page(user=user, scope=scope, period=period, after=after, size=PAGE_SIZE)
        shown = found.page
        rows = [_exception_row(e, e.record_id in found.may_open) for e in shown.rows]
    return Table(
        key="exception-reasons",
        title="Attendance exceptions and their reasons",
        headers=[
            "Discussion held",
            "Discussion",
            "Did not attend",
            "Reason",
            "Recorded by",
            "Recorded on",
        ],
        rows=rows,
        notes=[
            "Oldest discussion first. A restricted record's details are shown only to those "
            "named on it; the counts above include every record."
        ],
        numeric=False,
        page_param="reasons_after",
        size=size,
        keyset=shown,
    )


@dataclass(frozen=True)
class Figures:
    """A table of figures read for a scope and period: its builder (``Figures(...)(scope=,
    period=)``) as the dashboard, the downloads and the bench call every table's."""

    key: str
    title: str
    headers: list[str]
    read: Callable[[Scope, Period], list[list[Cell]]]
    chart: tuple[int, int, str] | None = None
    notes: tuple[str, ...] = ()

    def __call__(self, *, scope: Scope, period: Period, **_: object) -> Table:
        rows = self.read(scope, period)
        return Table(self.key, self.title, self.headers, rows, self.chart, list(self.notes))


def _attendance(scope: Scope, period: Period) -> list[list[Cell]]:
    found = selectors.attendance_by_agency(scope=scope, period=period)
    return [[r.agency, r.kind, r.attended, r.apologies, r.absent] for r in found]


def _pairs(
    read: Callable[..., list[tuple[str, int]]],
) -> Callable[[Scope, Period], list[list[Cell]]]:
    """A read of (label, count) pairs as rows."""
    return lambda scope, period: [[label, n] for label, n in read(scope=scope, period=period)]


def _escalations(scope: Scope, period: Period) -> list[list[Cell]]:
    found = selectors.escalations_summary(scope=scope, period=period)
    return [
        [r.direction, r.level, r.raised, r.resolved, r.open, _maybe(r.median_days_to_resolve)]
        for r in found
    ]


def _overrides(scope: Scope, period: Period) -> list[list[Cell]]:
    return [list(row) for row in selectors.overrides_by_rule(scope=scope, period=period)]


def _quality(scope: Scope, period: Period) -> list[list[Cell]]:
    found = quality_audit(scope=scope, period=period)
    return [[r.standard, r.met, r.records, _maybe(r.percent)] for r in found]


def _agency_checks(scope: Scope, period: Period) -> list[list[Cell]]:
    found = agency_checks_on_time(scope=scope, period=period)
    return [[r.label, r.kind, r.discussions, r.on_time, _maybe(r.percent)] for r in found]


attendance_table = Figures(
    key="attendance",
    title="Attendance by agency",
    headers=["Agency", "Kind", "Attended", "Sent apologies", "Did not attend"],
    read=_attendance,
    chart=(0, 2, "Attended"),
)
exceptions_table = Figures(
    "exceptions",
    "Attendance exceptions recorded",
    ["Party that did not attend", "Records with a reason recorded"],
    _pairs(selectors.attendance_exceptions),
    notes=("A manager records why children's social care, police or health did not attend.",),
)
decisions_table = Figures(
    "decisions",
    "Decisions by outcome",
    ["Outcome", "Discussions"],
    _pairs(selectors.decisions_by_outcome),
    (0, 1, "Discussions"),
)
escalations_table = Figures(
    "escalations",
    "Escalations",
    ["Direction", "Level", "Raised", "Resolved", "Open", "Median days to resolve"],
    _escalations,
    (0, 2, "Raised"),
)
overrides_table = Figures(
    "overrides",
    "Recommendations overridden",
    ["What the recommending rule says", "Overridden", "Triaged under that rule"],
    _overrides,
    (0, 1, "Overridden"),
)
# Citations are in the page's "Why?" (rule ids stay out of the main text).
quality_table = Figures(
    "quality",
    "Quality standards",
    ["Standard", "Records meeting it", "Records authorised", "%"],
    _quality,
    (0, 3, "% of records"),
    ("Records of discussions held in the period, as last authorised.",),
)
agency_checks_table = Figures(
    "agency_checks",
    "Agency checks sent before the meeting",
    ["Agency", "Kind", "Discussions held", "Check sent by the start", "%"],
    _agency_checks,
    (0, 4, "% sent by the start"),
    (
        "Discussions held in the period with a partner agency invited. The first line is "
        "the share where every agency invited sent its check by the meeting's start; each "
        "agency's line counts the discussions it was invited to. A check sent at the start "
        "time itself counts as sent by the start.",
    ),
)


def _first(rows: QuerySet[_M], limit: int | None) -> QuerySet[_M]:
    """The first ``limit`` rows (a short list on another page), or all."""
    return rows if limit is None else rows[:limit]


def overdue_actions_table(
    *, scope: Scope, user: Professional, today: date, limit: int | None = None, **_: object
) -> Table:
    actions = _first(selectors.overdue_actions(user=user, scope=scope, today=today), limit)
    rows: list[list[Cell]] = [
        [a.what, a.owner_agency.name if a.owner_agency else a.owner_name, a.due_on.isoformat()]
        for a in actions
    ]
    return Table("actions", "Actions overdue", ["Action", "Owner", "Due"], rows)


def drift_table(
    *, scope: Scope, user: Professional, now: datetime, limit: int | None = None, **_: object
) -> Table:
    clocks = _first(selectors.drifting_clocks(user=user, scope=scope, now=now), limit)
    headers = ["Timescale", "What", "Due", "State"]
    rows: list[list[Cell]] = [
        [c.kind, c.summary, c.due_at.isoformat(timespec="minutes"), c.state] for c in clocks
    ]
    return Table("drift", "Timescales past due", headers, rows)


def drifting_s47s_table(
    *, scope: Scope, user: Professional, now: datetime, limit: int | None = None, **_: object
) -> Table:
    """The drift page's first list: S47 enquiries with no conference date after 15 working
    days, those ``user`` may see (a restricted case only to those named on it)."""
    enquiries = _first(selectors.drifting_s47s(user=user, scope=scope, now=now), limit)
    return Table(
        key="drifting-s47s",
        title="Section 47 enquiries with no conference date",
        headers=["Enquiry", "Child", "Started"],
        rows=[
            [e.reference, e.child.full_name, e.started_at.astimezone(LONDON).date().isoformat()]
            for e in enquiries
        ],
    )


def _minute(moment: datetime) -> str:
    return moment.astimezone(LONDON).isoformat(timespec="minutes")


def open_escalations_table(*, scope: Scope, user: Professional, **_: object) -> Table:
    """The drift page's open escalations, oldest first, those ``user`` may see."""
    return Table(
        key="open-escalations",
        title="Open escalations",
        headers=["What is late", "Direction", "Level", "Raised"],
        rows=[
            [e.what_is_late, e.get_direction_display(), e.level, _minute(e.raised_at)]
            for e in selectors.open_escalations(user=user, scope=scope)
        ],
        numeric=False,
    )


def overridden_referrals_table(
    *, scope: Scope, period: Period, user: Professional, **_: object
) -> Table:
    """The overrides page's list: only the referrals ``user`` may open (a restricted one is
    counted on the dashboard, never listed for someone not named on it)."""
    return Table(
        key="overridden-referrals",
        title="Recommendations overridden, with the reasons",
        headers=["Referral", "Recommended", "Chosen", "Reason"],
        rows=[
            [
                r.reference,
                r.get_recommended_pathway_display(),
                r.get_chosen_pathway_display(),
                r.override_reason,
            ]
            for r in selectors.overridden_referrals(user=user, scope=scope, period=period)
        ],
        numeric=False,
    )


def records_missing_table(
    *, scope: Scope, period: Period, user: Professional, **_: object
) -> Table:
    """The quality page's list: records ``user`` may open that miss a standard, and what."""
    versions = records_missing_a_standard(user=user, scope=scope, period=period)
    return Table(
        key="records-missing-a-standard",
        title="Records that miss a quality standard",
        headers=["Discussion", "Held", "What is missing"],
        rows=[
            [
                v.record.discussion.reference,
                _minute(v.record.held_at),
                "; ".join(missing_labels(v)),
            ]
            for v in versions.select_related("record__discussion")
        ],
        numeric=False,
    )


# Which tables a scope may read: partners their agency's attendance, checks and actions only.
WHOLE = {
    "timeliness": timeliness_table,
    "attendance": attendance_table,
    "exceptions": exceptions_table,
    "exception-reasons": exception_reasons_table,
    "decisions": decisions_table,
    "overrides": overrides_table,
    "quality": quality_table,
    "escalations": escalations_table,
    "agency_checks": agency_checks_table,
    "drift": drift_table,
    "drifting-s47s": drifting_s47s_table,
    "open-escalations": open_escalations_table,
    "actions": overdue_actions_table,
    "overridden-referrals": overridden_referrals_table,
    "records-missing-a-standard": records_missing_table,
}
AGENCY = {
    "attendance": attendance_table,
    "exception-reasons": exception_reasons_table,
    "agency_checks": agency_checks_table,
    "actions": overdue_actions_table,
}


def tables_for(scope: Scope) -> dict[str, object]:
    return dict(WHOLE if scope.whole else AGENCY)
