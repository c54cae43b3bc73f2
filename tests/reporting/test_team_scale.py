"""A team's dashboard (issue 13, team13): the same rows as the team rule asked of every row,
and the same number of queries whatever the data.

``reporting.scoping`` narrows rows to the team's case keys first, then asks the exact rule
(``allocation.selectors.team_cases``) of each row left. Checked here against the rule asked
plainly (``subject_id IN`` each set the team holds, as before team13) over the bench's rows
(bench/reporting_data.py) with allocations of every shape: referrals allocated to the team,
a discussion of a team referral allocated to another team (not the team's), a discussion of
another referral allocated to the team (the team's, though its referral is not), an enquiry
of a team referral allocated to nobody's team (the bench's own enquiry allocations: not the
team's) and one allocated to the team whose referral is not.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from bench.reporting_data import build
from convene.agencychecks.models import AgencyCheck
from convene.allocation.models import Allocation, SubjectKind, Team
from convene.allocation.selectors import team_cases
from convene.clocks.models import Clock, Escalation
from convene.discussions.models import Discussion
from convene.followup.models import Icpc, S47Enquiry
from convene.people.models import Professional
from convene.records.models import Action, AttendanceException, Record, RecordVersion
from convene.referrals.models import Referral
from convene.reporting import scoping
from convene.reporting.access import Scope, report_scope
from convene.reporting.edges import plan
from convene.reporting.periods import Period
from convene.reporting.scoping import (
    TEAM_IDS_READ_UP_TO,
    discussions_q,
    referrals_q,
    s47s_q,
    subjects_q,
    team_held,
    team_ids,
)
from convene.reporting.tables import tables_for
from convene.reporting.timeliness import timeliness
from convene.reporting.views import SUMMARIES
from tests.conftest import CheckedClient
from tests.queries import CaptureQueriesContext

# transaction=True: on PostgreSQL the bench loads by COPY (see test_scale_queries).
pytestmark = pytest.mark.django_db(transaction=True)
YEAR = Period(date(2025, 4, 1), date(2026, 4, 1), "2025-26")
QUARTER = Period(date(2025, 10, 1), date(2026, 1, 1), "October to December 2025")


def _allocate(team: Team, other: Team) -> None:
    """Every third referral to ``team``; then the exceptions, each to a case not yet done."""
    hana = Professional.objects.get(username="hana")
    done = set(Allocation.objects.filter(team=team).values_list("referral_id", flat=True))
    rows = []

    def allocate(kind: str, subject: object, to: Team) -> None:
        field = {"referral": "referral", "discussion": "discussion", "s47": "s47_enquiry"}[kind]
        rows.append(
            Allocation(
                partnership_id=to.partnership_id,
                subject_kind=kind,
                **{field: subject},
                social_worker=hana,
                team=to,
                by=hana,
                at=timezone.now(),
            )
        )

    referrals = Referral.objects.filter(partnership=team.partnership).order_by("pk")
    for n, referral in enumerate(referrals.exclude(pk__in=done)):
        if n % 3 == 0:
            allocate(SubjectKind.REFERRAL, referral, team)
    Allocation.objects.bulk_create(rows)
    rows.clear()
    own = Allocation.objects.filter(ended_at__isnull=True)
    free = Discussion.objects.exclude(
        pk__in=own.filter(discussion__isnull=False).values("discussion")
    )
    theirs = free.filter(referral__allocations__team=team).order_by("pk")
    not_theirs = free.exclude(referral__allocations__team=team).order_by("pk")
    allocate(SubjectKind.DISCUSSION, theirs.first(), other)  # the team's referral, not its
    allocate(SubjectKind.DISCUSSION, not_theirs.first(), team)  # not its referral, its own
    enquiry = S47Enquiry.objects.exclude(discussion__referral__allocations__team=team).first()
    if enquiry is not None:  # an enquiry allocated to the team, its referral not: first end
        own.filter(s47_enquiry=enquiry).update(ended_at=timezone.now())  # the bench's one
        allocate(SubjectKind.S47, enquiry, team)
    Allocation.objects.bulk_create(rows)


def _plain_subjects_q(team: Team) -> Q:
    """The team rule as asked before team13: ``subject_id IN`` each set the team holds."""
    cases = team_cases(team=team)
    types = ContentType.objects.get_for_models(
        Referral, Discussion, S47Enquiry, Icpc, Action, AgencyCheck
    )
    icpcs = Icpc.objects.filter(
        Q(discussion__in=cases.discussions) | Q(discussion__s47_enquiries__in=cases.s47s)
    ).values("pk")
    actions = Action.objects.filter(record__discussion__in=cases.discussions).values("pk")
    checks = AgencyCheck.objects.filter(discussion__in=cases.discussions).values("pk")
    condition = Q(pk__in=[])
    for model, ids in (
        (Referral, cases.referrals),
        (Discussion, cases.discussions),
        (S47Enquiry, cases.s47s),
        (Icpc, icpcs),
        (Action, actions),
        (AgencyCheck, checks),
    ):
        condition |= Q(subject_type=types[model].pk, subject_id__in=ids)
    return condition


def _ids(rows: QuerySet[Any]) -> set[int]:
    return set(rows.values_list("pk", flat=True))


def _duty_team_of_a_small_partnership() -> tuple[Team, Team, Scope]:
    """A generated partnership of 40 discussions, a duty team holding a third of its cases
    (with the exceptions of ``_allocate``) and another team; the duty team's report scope."""
    build(discussions=40, years=1, log=lambda _: None)
    hana = Professional.objects.get(username="hana")
    partnership = report_scope(user=hana).partnership
    team = Team.objects.create(partnership=partnership, name="Duty team")
    other = Team.objects.create(partnership=partnership, name="Assessment team")
    _allocate(team, other)
    return team, other, report_scope(user=hana, team_id=str(team.pk))


# Both ways of filtering by the team (``reporting.scoping``): the ids of its cases read once
# for the page (a team of a real team's size), and the rule asked per row (a team too big to
# read, here forced by reading no more than nothing).
READ_UP_TO = pytest.mark.parametrize("read_up_to", [TEAM_IDS_READ_UP_TO, 0], ids=["ids", "rule"])


@READ_UP_TO
def test_the_team_rule_narrowed_by_case_keys_finds_the_same_rows(
    read_up_to: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("convene.reporting.scoping.TEAM_IDS_READ_UP_TO", read_up_to)
    team, other, scope = _duty_team_of_a_small_partnership()
    assert (team_ids(scope) is None) == (read_up_to == 0)
    cases = team_cases(team=team)
    for model in (Clock, Escalation):
        found = _ids(model.objects.filter(subjects_q(scope)))
        assert found == _ids(model.objects.filter(_plain_subjects_q(team)))
        assert found  # the team holds some of them
        assert found != _ids(model.objects.filter(subject_type__isnull=False))  # and not all
    held = Discussion.objects.filter(pk__in=cases.discussions)
    assert _ids(Discussion.objects.filter(discussions_q(scope, "pk"))) == _ids(held)
    versions = RecordVersion.objects.all()
    assert _ids(versions.filter(discussions_q(scope, "record__discussion"))) == _ids(
        versions.filter(record__discussion__in=cases.discussions)
    )
    exceptions = AttendanceException.objects.all()
    assert _ids(exceptions.filter(discussions_q(scope, "record__discussion"))) == _ids(
        exceptions.filter(record__discussion__in=cases.discussions)
    )
    assert _ids(Referral.objects.filter(referrals_q(scope))) == _ids(
        Referral.objects.filter(pk__in=cases.referrals)
    )
    assert _ids(S47Enquiry.objects.filter(s47s_q(scope))) == _ids(
        S47Enquiry.objects.filter(pk__in=cases.s47s)
    )
    # Each exception is decided by its own allocation, not its referral's.
    (moved,) = Discussion.objects.filter(allocations__team=other)
    (own,) = Discussion.objects.filter(allocations__team=team)
    assert moved.pk not in _ids(held)
    assert own.pk in _ids(held)
    assert own.referral_id not in _ids(Referral.objects.filter(referrals_q(scope)))


def _team_dashboard_queries(team: Team) -> int:
    """The whole dashboard page for the year and the team, signed in: every query."""
    client = CheckedClient()
    client.force_login(Professional.objects.get(username="hana"))  # afresh after each build
    year = {"period": "dates", "start-day": "1", "start-month": "4", "start-year": "2025"}
    year |= {"end-day": "31", "end-month": "3", "end-year": "2026", "team": str(team.pk)}
    client.get(reverse("reporting:dashboard"), year)  # content types cached, as in service
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("reporting:dashboard"), year).status_code == 200
    return len(captured)


def test_a_teams_dashboard_queries_do_not_grow_with_the_data() -> None:
    # Enough for a row in each list (an enquiry drifting, an exception), then three times more.
    team, other, scope = _duty_team_of_a_small_partnership()
    small = _team_dashboard_queries(team)
    started = sum(row.started for row in timeliness(scope=scope, period=YEAR))
    build(discussions=80, years=1, seed=14, log=lambda _: None)
    _allocate(team, other)
    assert _team_dashboard_queries(team) == small
    # A scope is one request's: it keeps the team's ids it read (``scoping.team_ids``).
    afresh = report_scope(user=Professional.objects.get(username="hana"), team_id=str(team.pk))
    assert sum(row.started for row in timeliness(scope=afresh, period=YEAR)) > started


@pytest.mark.parametrize("period", [YEAR, QUARTER], ids=["year", "quarter"])
def test_a_team_read_by_ids_has_the_figures_of_the_rule(
    period: Period, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every table of a team's dashboard, both ways, the same (and one read of the ids), for
    the whole year of the data and for a quarter, which leaves out most of the team's rows."""
    team, _other, scope = _duty_team_of_a_small_partnership()
    hana = Professional.objects.get(username="hana")
    builders = tables_for(scope)

    def every_table(scope: Scope) -> list[Any]:
        return [
            (key, list(builders[key](scope=scope, period=period, user=hana).rows))
            for key in SUMMARIES
        ]

    reads = []
    read = scoping._read_team_ids
    monkeypatch.setattr(scoping, "_read_team_ids", lambda scope: reads.append(1) or read(scope))
    by_ids = every_table(scope)
    assert team_ids(scope) is not None
    assert len(reads) == 1  # once for the page, not once a table
    monkeypatch.setattr("convene.reporting.scoping.TEAM_IDS_READ_UP_TO", 0)
    by_rule = every_table(report_scope(user=hana, team_id=str(team.pk)))
    assert by_ids == by_rule
    assert any(rows for _key, rows in by_ids)


def test_a_teams_records_held_in_a_period_are_read_once_for_the_page() -> None:
    """``team_held``: the records of the team's discussions held in the period (not before,
    not after), their discussions and current versions; a second ask reads nothing."""
    team, _other, scope = _duty_team_of_a_small_partnership()
    counting = plan(scope, QUARTER)
    held = team_held(scope, counting)
    assert held is not None
    theirs = Record.objects.filter(discussion__in=team_cases(team=team).discussions)
    in_quarter = theirs.filter(**QUARTER.bounds("held_at"))
    assert 0 < len(held.records) < theirs.count()
    assert set(held.records.values) == _ids(in_quarter)
    assert set(held.discussions.values) == set(in_quarter.values_list("discussion", flat=True))
    current = RecordVersion.objects.filter(record__in=in_quarter, superseded_by__isnull=True)
    assert set(held.versions.values) == _ids(current)
    with CaptureQueriesContext(connection) as captured:
        assert team_held(scope, counting) is held
    assert not captured
    # The partnership's page reads no team's records.
    assert team_held(report_scope(user=Professional.objects.get(username="hana")), counting) is None
