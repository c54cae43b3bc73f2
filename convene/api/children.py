"""Children through the API: the same selectors, so the same need-to-know rules, as the pages."""

from __future__ import annotations

from django.core.paginator import EmptyPage
from django.http import HttpRequest
from ninja import P, QueryEx, Router
from ninja.errors import HttpError

from convene.api.schemas import ChildOut, ChildPage
from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.audit.services import audit_record
from convene.core.api import AUTH_ERRORS, READ_ERRORS, PathId, acting_user
from convene.core.pagination import CappedPaginator
from convene.people import selectors
from convene.people.models import Child

router = Router(tags=["children"])

PAGE_SIZE = 25


def _out(child: Child) -> ChildOut:
    return ChildOut(
        id=child.pk,
        partnership=child.partnership.name,
        first_name=child.first_name,
        last_name=child.last_name,
        full_name=child.full_name,
        date_of_birth=child.date_of_birth,
        expected_date_of_delivery=child.expected_date_of_delivery,
        sex=child.sex,
        nhs_number=child.nhs_number,
        legal_status=child.legal_status,
    )


@router.get("/", response={200: ChildPage, **AUTH_ERRORS}, operation_id="children_search")
def children_search(
    request: HttpRequest,
    q: QueryEx[str, P(max_length=100, description="Name, date of birth or NHS number")] = "",
    page: QueryEx[int, P(ge=1, le=100_000)] = 1,
) -> ChildPage:
    """Children you may see, optionally searched; 25 a page. Matches are counted up to 1,000:
    beyond that ``more`` is true, ``count`` is 1,001 and ``pages`` reaches as far as the count
    (search more narrowly)."""
    user = acting_user(request)
    # The home page's list: the same rows in the same order, written so the page and its
    # count stop early (a partner's children gathered first; issue 15).
    children = selectors.children_listed(user=user, query=q)
    # Never a count of the whole caseload on each request (issue 15): at most cap + 1 rows.
    paginator = CappedPaginator(children, PAGE_SIZE)
    try:
        items = list(paginator.page(page).object_list)
    except EmptyPage:
        items = []
    what = f"for ‘{q.strip()}’" if q.strip() else "(no search term)"
    found = f"more than {paginator.cap}" if paginator.capped else str(paginator.count)
    context = AuditContext.from_request(request)
    audit_record(
        actor=user,
        action=Action.SEARCH,
        summary=f"Searched children {what}, page {page}: {found} found",
        context=context,
    )
    return ChildPage(
        count=paginator.count,
        more=paginator.capped,
        page=page,
        pages=paginator.num_pages,
        items=[_out(c) for c in items],
    )


@router.get("/{child_id}", response={200: ChildOut, **READ_ERRORS}, operation_id="child_detail")
def child_detail(request: HttpRequest, child_id: PathId) -> ChildOut:
    """One child's record; 404 for a child you may not see (as for one that does not exist)."""
    user = acting_user(request)
    child = (
        selectors.children_visible_to(user=user)
        .select_related("partnership")
        .filter(pk=child_id)
        .first()
    )
    if child is None:
        raise HttpError(404, "Not Found")
    context = AuditContext.from_request(request)
    audit_record(
        actor=user,
        action=Action.VIEW,
        obj=child,
        summary="Viewed child record",
        context=context,
    )
    return _out(child)
