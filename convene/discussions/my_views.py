"""A person's own lists: My invitations and My work (the discussion pages: views.py)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.audit.services import audit_record
from convene.core.pagination import cursor_of
from convene.discussions import invitation_pages, selectors
from convene.people.selectors import sees_whole_caseload
from convene.people.signed_in import professional_of


def my_invitations(request: HttpRequest) -> HttpResponse:
    user = professional_of(request)
    now = timezone.now()
    page = invitation_pages.my_invitations(
        user=user, now=now, before=cursor_of(request.GET.get("before"))
    )
    # A list names children, as a search does: one entry for the page.
    context = AuditContext.from_request(request)
    audit_record(actor=user, action=Action.SEARCH, summary="Opened My invitations", context=context)
    return render(request, "discussions/my_invitations.html", {"page": page, "now": now})


def my_work(request: HttpRequest) -> HttpResponse:
    user = professional_of(request)
    if not sees_whole_caseload(user=user):
        raise PermissionDenied("My work is for children's social care")
    now = timezone.now()
    # A work list names children, as a search does: one entry for the list.
    context = AuditContext.from_request(request)
    audit_record(actor=user, action=Action.SEARCH, summary="Opened My work", context=context)
    asked = {name: request.GET.get(name) for name in selectors.QUEUE_PAGES}
    work = selectors.my_work(user=user, now=now, pages=asked)
    # Each queue's page links keep the other queues where they are.
    kept = {
        name: urlencode({other: asked[other] for other in asked if other != name and asked[other]})
        for name in asked
    }
    return render(request, "discussions/my_work.html", {"work": work, "now": now, "kept": kept})
