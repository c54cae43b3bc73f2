"""The Returns page: download the CIN census or Ofsted's Annex A, List 5, for a partnership.

Who may: the people who see every report of the partnership (managers, heads of service,
the partnership's administrators, auditors; ``reporting.access``). A partner agency sees
only its own agency's reports, so a return of every child is not theirs: 403, as for
social workers. Each download is one ``Exported`` audit entry; bad input is an error on
the page and nothing is downloaded.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from convene.audit.context import AuditContext
from convene.audit.models import Action as AuditAction
from convene.audit.services import audit_record
from convene.people.models import Professional
from convene.people.selectors import partnerships_of
from convene.reporting.access import REFUSED, report_scope
from convene.returns.annex_a import annex_a_rows, rows_as_xlsx
from convene.returns.cin import CensusYear, census_xml
from convene.returns.forms import ANNEX_A, CIN, ReturnForm, census_year_of
from convene.workdays.timescales import LONDON

XML = "application/xml"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, Professional)  # LoginRequiredMiddleware guarantees it
    scope = report_scope(user=user, partnership_id=request.GET.get("partnership"))
    if not scope.whole:
        raise PermissionDenied(REFUSED)
    now = timezone.now()
    today = now.astimezone(LONDON).date()
    partnership = scope.partnership
    form = ReturnForm(request.GET if "which" in request.GET else None, today=today)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["which"] == CIN:
            year = CensusYear(data["year"])
            content = census_xml(partnership=partnership, year=year, now=now)
            summary = (
                f"Downloaded the Children in need census {year.year - 1} to {year.year} (XML) "
                f"for {partnership}: {content.count(b'<Child>')} children"
            )
            response = _download(content, XML, f"cin-census-{year.year}.xml")
        else:
            start, end = data["start"], data["end"]
            rows = annex_a_rows(partnership=partnership, start=start, end=end)
            content = rows_as_xlsx(rows)
            summary = (
                f"Downloaded Ofsted Annex A, List 5 (XLSX) for {partnership}, "
                f"{start:%-d %B %Y} to {end:%-d %B %Y}: {len(rows)} rows"
            )
            response = _download(content, XLSX, f"annex-a-list-5-{start:%Y%m%d}-{end:%Y%m%d}.xlsx")
        context = AuditContext.from_request(request)
        audit_record(actor=user, action=AuditAction.EXPORT, summary=summary, context=context)
        return response
    return render(
        request,
        "returns/index.html",
        {
            "form": form,
            # The form sent shows its errors; the other is blank (the census year filled in).
            "cin_form": form
            if form.is_bound and form.data.get("which") == CIN
            else ReturnForm(initial={"year": census_year_of(today)}, today=today),
            "annex_form": form
            if form.is_bound and form.data.get("which") == ANNEX_A
            else ReturnForm(today=today),
            "scope": scope,
            "cin": CIN,
            "annex_a": ANNEX_A,
            "other_partnerships": list(
                partnerships_of(user=user).exclude(pk=partnership.pk).order_by("name")
            ),
        },
    )
