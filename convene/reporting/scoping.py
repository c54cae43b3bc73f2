"""What a report's scope covers: the partnership, and with a team chosen, the cases that team
holds now (``allocation.selectors.team_cases``: its own allocation, or the one it inherits).

Every table narrows its rows here, so the team filter means the same on every table: clocks
and escalations by their subject (a referral, discussion, S47 enquiry, ICPC or action of the
team's cases, or an agency check for one), records by their discussion, triage by the referral.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet

from convene.agencychecks.models import AgencyCheck
from convene.allocation.selectors import team_cases
from convene.discussions.models import Discussion
from convene.followup.models import Icpc, S47Enquiry
from convene.records.models import Action, RecordVersion
from convene.referrals.models import Referral
from convene.reporting.access import Scope
from convene.reporting.periods import Period


def current_versions(scope: Scope, period: Period | None) -> QuerySet[RecordVersion]:
    """The current version of each record of a discussion held in ``period`` (a correction
    replaces the version it supersedes, so each discussion counts once), of the team's;
    ``None``: held at any time (the caller bounds the dates, reporting.edges).

    "Not superseded" is a ``NOT EXISTS``, not ``superseded_by__isnull`` (a left join whose
    ``id IS NULL`` PostgreSQL neither makes an anti-join nor estimates: it guessed one row
    and read every version ever written); with ``record_report_held`` the year's records
    are read by their index (docs/performance.md, "Reports at a million")."""
    versions = RecordVersion.objects.filter(
        ~Exists(RecordVersion.objects.filter(supersedes=OuterRef("pk"))),
        record__discussion__partnership=scope.partnership,
        **(period.bounds("record__held_at") if period is not None else {}),
    )
    if scope.team is not None:
        versions = versions.filter(record__discussion__in=team_cases(team=scope.team).discussions)
    return versions


def discussions_q(scope: Scope, field: str) -> Q:
    """Rows whose ``field`` (a discussion) is one of the team's; everything with no team."""
    if scope.team is None:
        return Q()
    return Q(**{f"{field}__in": team_cases(team=scope.team).discussions})


def referrals_q(scope: Scope, field: str = "pk") -> Q:
    if scope.team is None:
        return Q()
    return Q(**{f"{field}__in": team_cases(team=scope.team).referrals})


def subjects_q(scope: Scope) -> Q:
    """Rows with a generic subject (clocks, escalations) about one of the team's cases."""
    if scope.team is None:
        return Q()
    cases = team_cases(team=scope.team)
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


def raw_subjects_filter(scope: Scope, model: type[Any]) -> tuple[str, list[Any]]:
    """``subjects_q`` as SQL to append to a raw ``WHERE`` (the percentile queries)."""
    if scope.team is None:
        return "", []
    ids = model.objects.filter(subjects_q(scope)).values("pk")
    sql, params = ids.query.sql_with_params()
    return f" AND id IN ({sql})", list(params)
