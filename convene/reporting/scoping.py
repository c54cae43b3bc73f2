"""What a report's scope covers: the partnership, and with a team chosen, the cases that team
holds now (``allocation.selectors.team_cases``: its own allocation, or the one it inherits).

Every table narrows its rows here, so the team filter means the same on every table: clocks
and escalations by their subject (a referral, discussion, S47 enquiry, ICPC or action of the
team's cases, or an agency check for one), records by their discussion, triage by the referral.

How (issue 13, a team's dashboard at a million discussions): rows are first narrowed to the
team's case keys (``allocation.selectors.team_case_keys``: the referral every clock and
escalation carries as ``case_referral``, the referral of a discussion), a semi-join by index;
the exact rule (``team_cases``) is then asked of each row left, as an ``EXISTS`` on its
subject (``among``), never ``subject_id IN (every discussion the team holds)`` under an
``OR``: PostgreSQL cannot hash that set once it outgrows ``work_mem`` and scanned it again
for every clock of the year (more than 120 s for a year at a million). Same rows, same
figures: every case the rule holds hangs from one of the keys.

A team of a real team's size (up to ``TEAM_IDS_READ_UP_TO`` ids in each of its sets) is
cheaper still (issue 13: a team of 2,550 cases took 1.2 s at a million): the ids of its
cases are read once per page (``team_ids``: a few index walks from its keys) and every
table is filtered by those lists (``__any_of``: a constant array PostgreSQL hashes), not
by the rule asked again of each row of each table. Its records held in the period, with
their current versions, are read once too (``team_held``), for every table over records.
A larger team keeps the rule per row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import EmptyResultSet
from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from convene.agencychecks.models import AgencyCheck
from convene.allocation.selectors import TeamCases, team_case_keys, team_cases
from convene.core.access import among
from convene.core.any_of import Ids
from convene.discussions.models import Discussion
from convene.followup.models import Icpc, S47Enquiry
from convene.records.models import Action, Record, RecordVersion
from convene.referrals.models import Referral
from convene.reporting.access import Scope
from convene.reporting.edges import Plan
from convene.reporting.periods import Period

T = TypeVar("T", bound=Model)

# Each of a team's sets is read into a list up to here (a large area team holds a few
# thousand cases); past it the tables ask the rule of each row instead (bounded memory).
TEAM_IDS_READ_UP_TO = 20_000


def _cases(scope: Scope) -> TeamCases:
    assert scope.team is not None
    return team_cases(team=scope.team, per_row=True)


def _keys(scope: Scope) -> QuerySet[Any, Any]:
    assert scope.team is not None
    return team_case_keys(team=scope.team)


@dataclass(frozen=True)
class TeamIds:
    """The ids of everything a team holds now (``team_cases``), read once for a page."""

    keys: Ids  # its case keys (``Clock.case_referral``)
    referrals: Ids
    discussions: Ids
    s47s: Ids
    icpcs: Ids
    actions: Ids
    checks: Ids
    # The records of its discussions (a team's are its partnership's: allocation refuses
    # another's team): (id, discussion, when held).
    records_held: tuple[tuple[int, int, datetime], ...]


def _read_up_to(rows: QuerySet[Any, Any], field: str) -> Ids | None:
    ids = list(rows.order_by().values_list(field, flat=True)[: TEAM_IDS_READ_UP_TO + 1])
    return None if len(ids) > TEAM_IDS_READ_UP_TO else Ids(ids)


def _read_team_ids(scope: Scope) -> TeamIds | None:
    """Every set ``subjects_q`` asks about, from the team's keys; ``None`` if one is too big.
    An ICPC is the team's when its discussion or an enquiry of its discussion is; an action
    or an agency check when its discussion is (as the rule per row, ``subjects_q``).

    Each read walks an index by the ids before it: the actions by their records' ids, not
    joined to the records (with 2,550 discussions PostgreSQL chose to scan every action)."""
    keys = _read_up_to(_keys(scope), "referral_id")
    if keys is None:
        return None
    cases = _cases(scope)
    referrals = _read_up_to(cases.referrals.filter(pk__any_of=keys), "pk")
    discussions = _read_up_to(cases.discussions.filter(referral__any_of=keys), "pk")
    enquiries = cases.s47s.filter(discussion__referral__any_of=keys).order_by()
    held = list(enquiries.values_list("pk", "discussion_id")[: TEAM_IDS_READ_UP_TO + 1])
    if referrals is None or discussions is None or len(held) > TEAM_IDS_READ_UP_TO:
        return None
    s47s = Ids(pk for pk, _ in held)
    with_icpcs = discussions + Ids(discussion for _, discussion in held)
    # With when each was held, for the tables over records (``team_held``).
    records_held = list(
        Record.objects.filter(discussion__any_of=discussions)
        .order_by()
        .values_list("pk", "discussion_id", "held_at")[: TEAM_IDS_READ_UP_TO + 1]
    )
    if len(records_held) > TEAM_IDS_READ_UP_TO:
        return None
    records = Ids(pk for pk, _, _ in records_held)
    icpcs = _read_up_to(Icpc.objects.filter(discussion__any_of=with_icpcs), "pk")
    checks = _read_up_to(AgencyCheck.objects.filter(discussion__any_of=discussions), "pk")
    if icpcs is None or checks is None:
        return None
    actions = _read_up_to(Action.objects.filter(record__any_of=records), "pk")
    if actions is None:
        return None
    return TeamIds(keys, referrals, discussions, s47s, icpcs, actions, checks, tuple(records_held))


def team_ids(scope: Scope) -> TeamIds | None:
    """The team's ids, read on first use and kept on ``scope`` (one request); ``None`` for a
    team too big to read (the tables then ask the rule of each row)."""
    assert scope.team is not None
    if "ids" not in scope.team_memo:
        scope.team_memo["ids"] = _read_team_ids(scope)
    ids: TeamIds | None = scope.team_memo["ids"]
    return ids


@dataclass(frozen=True)
class TeamHeld:
    """The team's records of discussions held in the days a team's page counts, read once
    for the page: every table over records (decisions, attendance, quality, exceptions,
    agency checks) filters by these lists instead of asking again, per table, which of the
    year's records are the team's (issue 13: PostgreSQL walked the year's 125,000 records by
    their held time to keep the team's 2,550, once per table)."""

    records: Ids
    discussions: Ids
    versions: Ids  # the records' current versions


def team_held(scope: Scope, counting: Plan) -> TeamHeld | None:
    """The team's records held in the one span of days ``counting`` adds (a team's plan,
    ``reporting.edges``), kept on ``scope``; ``None`` when there is no team or its ids were
    not read (too many: the tables then ask the rule per row)."""
    if scope.team is None or len(counting.added) != 1 or counting.taken or counting.months:
        return None
    ids = team_ids(scope)
    if ids is None:
        return None
    days = counting.added[0]
    key = f"held {days.start} {days.end}"
    if key not in scope.team_memo:
        # Read with the team's ids, by their discussions' index, and the days kept here:
        # asked for the days, PostgreSQL walks the whole period's records by held time.
        held = [(pk, discussion) for pk, discussion, at in ids.records_held if days.holds(at)]
        record_ids = Ids(pk for pk, _ in held)
        versions = _current(RecordVersion.objects.filter(record__any_of=record_ids))
        scope.team_memo[key] = TeamHeld(
            records=record_ids,
            discussions=Ids(discussion for _, discussion in held),
            versions=Ids(versions.order_by().values_list("pk", flat=True)),
        )
    found: TeamHeld = scope.team_memo[key]
    return found


def live_signed(
    scope: Scope, counting: Plan, rows: QuerySet[T], of_held: Callable[[TeamHeld], QuerySet[T]]
) -> list[tuple[int, QuerySet[T]]]:
    """``rows`` (over records, by the time their discussion was held) in the days
    ``counting`` counts live, signed (``Plan.signed``); for a team whose records were read
    (``team_held``), the rows ``of_held`` picks from them instead, the one span added."""
    held = team_held(scope, counting)
    if held is not None:
        return [(1, of_held(held))]
    return counting.signed(rows, "record__held_at")


def _current(versions: QuerySet[RecordVersion]) -> QuerySet[RecordVersion]:
    """The versions no correction has superseded."""
    return versions.filter(~Exists(RecordVersion.objects.filter(supersedes=OuterRef("pk"))))


def current_versions(scope: Scope, period: Period | None) -> QuerySet[RecordVersion]:
    """The current version of each record of a discussion held in ``period`` (a correction
    replaces the version it supersedes, so each discussion counts once), of the team's;
    ``None``: held at any time (the caller bounds the dates, reporting.edges).

    "Not superseded" is a ``NOT EXISTS``, not ``superseded_by__isnull`` (a left join whose
    ``id IS NULL`` PostgreSQL neither makes an anti-join nor estimates: it guessed one row
    and read every version ever written); with ``record_report_held`` the year's records
    are read by their index (docs/performance.md, "Reports at a million")."""
    versions = _current(RecordVersion.objects.all()).filter(
        record__discussion__partnership=scope.partnership,
        **(period.bounds("record__held_at") if period is not None else {}),
    )
    if scope.team is not None:
        versions = versions.filter(discussions_q(scope, "record__discussion"))
    return versions


def discussions_q(scope: Scope, field: str) -> Q:
    """Rows whose ``field`` (a discussion) is one of the team's; everything with no team."""
    if scope.team is None:
        return Q()
    ids = team_ids(scope)
    if ids is not None:
        return Q(**{f"{field}__any_of": ids.discussions})
    case = "referral" if field == "pk" else f"{field}__referral"
    return Q(**{f"{case}__in": _keys(scope)}) & Q(among(_cases(scope).discussions, field))


def referrals_q(scope: Scope, field: str = "pk") -> Q:
    """Rows whose ``field`` (a referral) is one of the team's; everything with no team."""
    if scope.team is None:
        return Q()
    ids = team_ids(scope)
    if ids is not None:
        return Q(**{f"{field}__any_of": ids.referrals})
    return Q(**{f"{field}__in": _keys(scope)}) & Q(among(_cases(scope).referrals, field))


def s47s_q(scope: Scope) -> Q:
    """S47 enquiries of the team's; every enquiry with no team."""
    if scope.team is None:
        return Q()
    ids = team_ids(scope)
    if ids is not None:
        return Q(pk__any_of=ids.s47s)
    return Q(discussion__referral__in=_keys(scope)) & Q(among(_cases(scope).s47s, "pk"))


def subjects_q(scope: Scope) -> Q:
    """Rows with a generic subject (clocks, escalations) about one of the team's cases: of
    the team's case keys, then each asked whether its subject is the team's (the module's
    docstring)."""
    if scope.team is None:
        return Q()
    types = ContentType.objects.get_for_models(
        Referral, Discussion, S47Enquiry, Icpc, Action, AgencyCheck
    )
    ids = team_ids(scope)
    if ids is not None:
        return _subjects_among(ids, types)
    cases = _cases(scope)
    subject = OuterRef("subject_id")
    held = {
        Referral: Exists(cases.referrals.filter(pk=subject)),
        Discussion: Exists(cases.discussions.filter(pk=subject)),
        S47Enquiry: Exists(cases.s47s.filter(pk=subject)),
        # Its discussion is the team's, or an enquiry of that discussion is.
        Icpc: Exists(cases.discussions.filter(icpcs=subject))
        | Exists(cases.s47s.filter(discussion__icpcs=subject)),
        Action: Exists(cases.discussions.filter(record__actions=subject)),
        AgencyCheck: Exists(cases.discussions.filter(agency_checks=subject)),
    }
    condition = Q(pk__in=[])
    for model, exists in held.items():
        condition |= Q(subject_type=types[model].pk) & Q(exists)
    return Q(case_referral__in=_keys(scope)) & condition


def _subjects_among(ids: TeamIds, types: dict[type[Any], ContentType]) -> Q:
    """``subjects_q`` from the team's ids read: the subject's id among its kind's."""
    listed = {
        Referral: ids.referrals,
        Discussion: ids.discussions,
        S47Enquiry: ids.s47s,
        Icpc: ids.icpcs,
        Action: ids.actions,
        AgencyCheck: ids.checks,
    }
    condition = Q(pk__in=[])
    for model, held in listed.items():
        condition |= Q(subject_type=types[model].pk, subject_id__any_of=held)
    # The keys as well: the clocks' index (``clock_report_case``) is walked by them.
    return Q(case_referral__any_of=ids.keys) & condition


def raw_subjects_filter(scope: Scope, model: type[Any]) -> tuple[str, list[Any]]:
    """``subjects_q`` as SQL to append to a raw ``WHERE`` (the percentile queries)."""
    if scope.team is None:
        return "", []
    ids = model.objects.filter(subjects_q(scope)).values("pk")
    try:
        sql, params = ids.query.sql_with_params()
    except EmptyResultSet:  # the team holds nothing of the kind
        return " AND 1 = 0", []
    return f" AND id IN ({sql})", list(params)
