from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from convene.allocation import references
from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.audit.services import audit_record
from convene.core.dates import govuk_date
from convene.core.pagination import CappedPaginator
from convene.followup.child_in_care import may_start_hrpm
from convene.followup.chronology import KINDS, chronology
from convene.people import selectors
from convene.people.signed_in import professional_of

PAGE_SIZE = 25
QUERY_MAX = 100


_professional = professional_of


def home(request: HttpRequest) -> HttpResponse:
    user = _professional(request)
    query = request.GET.get("q", "")[:QUERY_MAX]
    reference = references.parse(query)
    context = AuditContext.from_request(request)
    if reference is not None:
        # A case reference goes straight to the case, if the reader may see it; otherwise
        # "no match", exactly as for one that does not exist.
        match = references.find(user=user, reference=reference)
        audit_record(
            actor=user,
            action=Action.SEARCH,
            summary=f"Searched for reference {reference}: {'found' if match else 'no match'}",
            context=context,
        )
        if match is not None:
            return redirect(match[1])
    children = selectors.children_listed(user=user, query=query)
    if reference is not None:
        children = children.none()
    paginator = CappedPaginator(children, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    # A search is one look at the list: one entry, not one per child shown.
    what = f"for ‘{query.strip()}’" if query.strip() else "(all children)"
    found = f"more than {paginator.cap}" if paginator.capped else str(paginator.count)
    audit_record(
        actor=user,
        action=Action.SEARCH,
        summary=f"Searched children {what}, page {page.number}: {found} found",
        context=context,
    )
    return render(
        request,
        "people/home.html",
        {
            "query": query,
            # A date typed as 2015-03-27 is said back as a GOV.UK date (27 March 2015).
            "query_said": _said(query.strip()),
            "page": page,
            "sees_caseload": selectors.sees_whole_caseload(user=user),
        },
    )


def _said(query: str) -> str:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", query):
        try:
            return govuk_date(query)
        except ValueError:
            return query
    return query


def child_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _professional(request)
    # 404, not 403: a child you may not see is a child you do not know exists.
    child = get_object_or_404(
        selectors.children_visible_to(user=user).select_related("partnership", "setting"), pk=pk
    )
    context = AuditContext.from_request(request)
    audit_record(
        actor=user, action=Action.VIEW, obj=child, summary="Viewed child record", context=context
    )
    # Only the siblings the reader may see: the others' names are not theirs to know.
    siblings = child.linked_children.filter(pk__in=selectors.children_visible_to(user=user))
    family = child.family_relationships.select_related("family_member")
    kind = request.GET.get("kind", "")
    kind = kind if kind in KINDS else ""
    return render(
        request,
        "people/child_detail.html",
        {
            "child": child,
            "linked_children": siblings,
            "family": family,
            "chronology": chronology(child=child, user=user, kind=kind),
            "kinds": KINDS,
            "kind": kind,
            # An HRPM is started from here (and the S47 outcome), never by a typed URL; the
            # link only where ``hrpm_create`` would start one, never to a refusal.
            "may_start_hrpm": may_start_hrpm(user=user, child=child),
        },
    )
