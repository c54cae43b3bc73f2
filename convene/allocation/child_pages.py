"""The child's "Who has looked at this record" page: paginated, with repeated looks by one
person at one thing on one day collapsed into a row with a count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Max
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from convene.audit.context import AuditContext
from convene.audit.labels import audit_object_labels
from convene.audit.models import Action, AuditEntry
from convene.audit.selectors import audit_entries_readable_by, audit_viewers_of
from convene.audit.services import audit_record
from convene.core.pagination import CappedPaginator
from convene.people.models import Child, Professional
from convene.people.selectors import children_visible_to
from convene.people.signed_in import professional_of
from convene.workdays import LONDON

PAGE_SIZE = 50


@dataclass(frozen=True)
class LookRow:
    """Every look by one person at one thing on one day."""

    who: str
    agency: str
    action: str
    what: str
    day: date
    last_at: datetime
    count: int


def looks_collapsed(*, child: Child, user: Professional) -> Any:
    """The looks ``user`` may see at ``child``'s records, grouped by person, thing, kind of look
    and London day, newest first: one query (plus the kinds of record it names)."""
    readable = audit_entries_readable_by(audit_viewers_of(child=child), user=user)
    return (
        readable.order_by()
        .annotate(day=TruncDate("at", tzinfo=LONDON))
        .values("actor", "actor_username", "object_type", "object_id", "action", "day")
        .annotate(count=Count("pk"), last_at=Max("at"))
        .order_by("-last_at", "actor", "object_type", "object_id")
    )


def _rows(groups: list[dict[str, Any]]) -> list[LookRow]:
    """Names and labels for one page of groups: one query for the people, one per kind."""
    people = {
        p.pk: p
        for p in Professional.objects.filter(
            pk__in={g["actor"] for g in groups if g["actor"]}
        ).select_related("agency")
    }
    stubs = [AuditEntry(object_type=g["object_type"], object_id=g["object_id"]) for g in groups]
    labels = audit_object_labels(stubs)
    actions = dict(Action.choices)
    rows = []
    for group in groups:
        person = people.get(group["actor"])
        rows.append(
            LookRow(
                who=(person.get_full_name() if person else "")
                or group["actor_username"]
                or "Unknown",
                agency=str(person.agency) if person and person.agency else "",
                action=str(actions.get(group["action"], group["action"])),
                what=labels.get((group["object_type"], group["object_id"]), ""),
                day=group["day"],
                last_at=group["last_at"],
                count=group["count"],
            )
        )
    return rows


def looked(request: HttpRequest, pk: int) -> HttpResponse:
    user = professional_of(request)
    # 404 for a child the reader may not see: they must not learn the child exists.
    child = get_object_or_404(children_visible_to(user=user), pk=pk)
    paginator = CappedPaginator(looks_collapsed(child=child, user=user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = _rows(list(page.object_list))
    # Reading who has looked is itself a look at the child (audited like the child's page).
    context = AuditContext.from_request(request)
    audit_record(
        actor=user,
        action=Action.VIEW,
        obj=child,
        summary=f"Viewed who has looked at the child's record, page {page.number}",
        context=context,
    )
    return render(request, "allocation/looked.html", {"child": child, "page": page, "rows": rows})
