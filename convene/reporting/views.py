"""Report pages and downloads. Views parse the period, ask the selectors, render.

Who sees what is decided once in :mod:`convene.reporting.access`; a table a person may not
read answers 404 (they are not told it exists for them), reports as a whole 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from convene.allocation.selectors import teams_of
from convene.audit.context import AuditContext
from convene.audit.models import Action as AuditAction
from convene.audit.services import audit_record
from convene.clocks.labels import CLOCK_KIND_LABELS
from convene.core.pagination import cursor_of
from convene.people.models import Professional
from convene.people.selectors import partnerships_of
from convene.people.signed_in import professional_of
from convene.reporting import selectors
from convene.reporting.access import Scope, report_scope
from convene.reporting.charts import bar_chart
from convene.reporting.downloads import as_csv, as_xlsx, csv_lines
from convene.reporting.periods import Period, PeriodForm
from convene.reporting.quality import missing_labels, records_missing_a_standard
from convene.reporting.tables import PAGE_SIZE, Table, tables_for
from convene.workdays.timescales import LONDON

# The tables on the dashboard itself; drift and actions are lists with their own page.
SUMMARIES = (
    "timeliness",
    "quality",
    "attendance",
    "exceptions",
    "exception-reasons",
    "decisions",
    "overrides",
    "escalations",
    "agency_checks",
)
FORMATS = {
    "csv": ("text/csv; charset=utf-8", as_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", as_xlsx),
}


_professional = professional_of


def _context(request: HttpRequest) -> tuple[Professional, Scope, PeriodForm, Period]:
    user = _professional(request)
    scope = report_scope(
        user=user,
        partnership_id=request.GET.get("partnership"),
        team_id=request.GET.get("team"),
    )
    teams = teams_of(partnership=scope.partnership).values_list("pk", "name") if scope.whole else []
    form = PeriodForm(request.GET or None, teams=list(teams))
    now = timezone.now()
    period = form.period_or_default(today=now.astimezone(LONDON).date())
    return user, scope, form, replace(period, as_of=now)


def _covering(scope: Scope) -> str:
    """What the figures cover, for audit entries: the partnership, and the team if chosen."""
    return f"{scope.partnership} ({scope.team})" if scope.team else str(scope.partnership)


def _page(request: HttpRequest, rows: Any, param: str) -> Page[Any]:
    """The page of ``rows`` the query string's ``param`` asks for (25 a page)."""
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get(param))


def _searched(request: HttpRequest, user: Professional, summary: str) -> None:
    """A list was shown: audited as a search."""
    context = AuditContext.from_request(request)
    audit_record(actor=user, action=AuditAction.SEARCH, summary=summary, context=context)


def _query(request: HttpRequest, drop: tuple[str, ...] = ()) -> str:
    """The period's (and team's) part of the query string, for links to downloads and pages."""
    keep = request.GET.copy()
    for name in ("page", *drop):
        keep.pop(name, None)
    return keep.urlencode()


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user, scope, form, period = _context(request)
    allowed = tables_for(scope)
    tables: list[Table] = []
    for key in SUMMARIES:
        build = allowed.get(key)
        if callable(build):
            after = cursor_of(request.GET.get("reasons_after"))
            tables.append(build(scope=scope, period=period, user=user, after=after))
    charts = {
        t.key: bar_chart(
            chart_id=f"chart-{t.key}", title=t.title, points=t.chart_points(), measure=t.chart[2]
        )
        for t in tables
        if t.chart is not None
    }
    context = AuditContext.from_request(request)
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        summary=f"Viewed reports for {_covering(scope)}, {period.label}",
        context=context,
    )
    return render(
        request,
        "reporting/dashboard.html",
        {
            "form": form,
            "period": period,
            "scope": scope,
            "agency_name": selectors.agency_name(scope=scope),
            "other_partnerships": list(
                partnerships_of(user=user).exclude(pk=scope.partnership.pk).order_by("name")
            ),
            "tables": [(t, charts.get(t.key)) for t in tables],
            "query": _query(request, drop=("reasons_after",)),
        },
    )


@require_GET
def drift(request: HttpRequest) -> HttpResponse:
    """Work drifting: past-due timescales, open escalations oldest first, overdue actions."""
    user, scope, _form, _period = _context(request)
    now = timezone.now()
    today = now.astimezone(LONDON).date()
    clocks_page = None
    escalations_page = None
    kind = request.GET.get("kind", "")
    if kind not in CLOCK_KIND_LABELS:
        kind = ""  # an unknown kind shows every kind rather than an error
    s47_page = None
    named: list[tuple[str, str, int]] = []
    if scope.whole:
        s47_page = _page(
            request, selectors.drifting_s47s(user=user, scope=scope, now=now), "s47_page"
        )
        named = selectors.drift_counts(user=user, scope=scope, now=now)
        clocks_page = _page(
            request,
            selectors.drifting_clocks(user=user, scope=scope, now=now, kind=kind or None),
            "page",
        )
        prefetch_related_objects(list(clocks_page.object_list), "subject")
        escalations_page = _page(
            request, selectors.open_escalations(user=user, scope=scope), "escalations_page"
        )
    actions_page = _page(
        request, selectors.overdue_actions(user=user, scope=scope, today=today), "actions_page"
    )
    _searched(request, user, f"Listed drifting work for {scope.partnership}")
    return render(
        request,
        "reporting/drift.html",
        {
            "scope": scope,
            "clocks_page": clocks_page,
            "s47_page": s47_page,
            "named": named,
            "kind_query": _query(request, drop=("kind",)),
            "escalations_page": escalations_page,
            "actions_page": actions_page,
            "kind": kind,
            "kinds": [(k.value, label) for k, label in CLOCK_KIND_LABELS.items()],
            "query": _query(request),
        },
    )


@require_GET
def download(request: HttpRequest, key: str, fmt: str) -> HttpResponse | StreamingHttpResponse:
    user, scope, _form, period = _context(request)
    build: Callable[..., Table] | Any = tables_for(scope).get(key)
    if build is None or fmt not in FORMATS:
        raise Http404("No such report")
    now = timezone.now()
    table: Table = build(
        scope=scope,
        period=period,
        user=user,
        now=now,
        today=now.astimezone(LONDON).date(),
        complete=True,
    )
    content_type, render_as = FORMATS[fmt]
    context = AuditContext.from_request(request)
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        summary=(
            f"Downloaded the report '{table.title}' ({fmt.upper()}) for {_covering(scope)}, "
            f"{period.label}: {table.row_count} rows"
        ),
        context=context,
    )
    response: HttpResponse | StreamingHttpResponse
    if fmt == "csv" and not isinstance(table.rows, list):
        # A list of every row (the exception reasons): written out as it is read.
        response = StreamingHttpResponse(csv_lines(table), content_type=content_type)
    else:
        response = HttpResponse(render_as(table), content_type=content_type)
    filename = f"{table.key}-{period.start:%Y%m%d}-{period.last_day:%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def overrides(request: HttpRequest) -> HttpResponse:
    """The reasons managers gave for overriding a recommendation, for the referrals one may open."""
    user, scope, _form, period = _context(request)
    if not scope.whole:
        raise Http404("No such report")
    found = selectors.overrides_page(
        user=user,
        scope=scope,
        period=period,
        before=cursor_of(request.GET.get("before")),
        size=PAGE_SIZE,
    )
    _searched(
        request, user, f"Listed overridden recommendations for {scope.partnership}, {period.label}"
    )
    return render(
        request,
        "reporting/overrides.html",
        {
            "scope": scope,
            "period": period,
            "page": found.page,
            "rows": [(r, r.pk in found.may_open) for r in found.page.rows],
            "withheld": "Not shown: a restricted referral you are not named on",
            "query": _query(request, drop=("before",)),
        },
    )


@require_GET
def quality(request: HttpRequest) -> HttpResponse:
    """Records that miss a quality standard, with what is missing, for records one may open."""
    user, scope, _form, period = _context(request)
    if not scope.whole:
        raise Http404("No such report")
    page = _page(request, records_missing_a_standard(user=user, scope=scope, period=period), "page")
    _searched(
        request, user, f"Listed records missing a standard for {scope.partnership}, {period.label}"
    )
    rows = [(version, missing_labels(version)) for version in page.object_list]
    return render(
        request,
        "reporting/quality.html",
        {"scope": scope, "period": period, "page": page, "rows": rows, "query": _query(request)},
    )
