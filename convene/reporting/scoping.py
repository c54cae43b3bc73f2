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
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet

from convene.agencychecks.models import AgencyCheck
from convene.allocation.selectors import TeamCases, team_case_keys, team_cases
from convene.core.access import among
from convene.discussions.models import Discussion
from convene.followup.models import Icpc, S47Enquiry
from convene.records.models import Action, RecordVersion
from convene.referrals.models import Referral
from convene.reporting.access import Scope
from convene.reporting.periods import Period


def _cases(scope: Scope) -> TeamCases:
    assert scope.team is not None
    return team_cases(team=scope.team, per_row=True)


def _keys(scope: Scope) -> QuerySet[Any, Any]:
    assert scope.team is not None
    return team_case_keys(team=scope.team)


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
        versions = versions.filter(discussions_q(scope, "record__discussion"))
    return versions


def discussions_q(scope: Scope, field: str) -> Q:
    """Rows whose ``field`` (a discussion) is one of the team's; everything with no team."""
    if scope.team is None:
        return Q()
    case = "referral" if field == "pk" else f"{field}__referral"
    return Q(**{f"{case}__in": _keys(scope)}) & Q(among(_cases(scope).discussions, field))


def referrals_q(scope: Scope, field: str = "pk") -> Q:
    """Rows whose ``field`` (a referral) is one of the team's; everything with no team."""
    if scope.team is None:
        return Q()
    return Q(**{f"{field}__in": _keys(scope)}) & Q(among(_cases(scope).referrals, field))


def s47s_q(scope: Scope) -> Q:
    """S47 enquiries of the team's; every enquiry with no team."""
    if scope.team is None:
        return Q()
    return Q(discussion__referral__in=_keys(scope)) & Q(among(_cases(scope).s47s, "pk"))


def subjects_q(scope: Scope) -> Q:
    """Rows with a generic subject (clocks, escalations) about one of the team's cases: of
    the team's case keys, then each asked whether its subject is the team's (the module's
    docstring)."""
    if scope.team is None:
        return Q()
    cases = _cases(scope)
    types = ContentType.objects.get_for_models(
        Referral, Discussion, S47Enquiry, Icpc, Action, AgencyCheck
    )
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


def raw_subjects_filter(scope: Scope, model: type[Any]) -> tuple[str, list[Any]]:
    """``subjects_q`` as SQL to append to a raw ``WHERE`` (the percentile queries)."""
    if scope.team is None:
        return "", []
    ids = model.objects.filter(subjects_q(scope)).values("pk")
    sql, params = ids.query.sql_with_params()
    return f" AND id IN ({sql})", list(params)
