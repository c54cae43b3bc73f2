"""The REST API (django-ninja): OpenAPI at /api/openapi.json, Swagger UI at /api/docs."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from csp.constants import SELF
from csp.decorators import csp_update
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase
from ninja import NinjaAPI

from convene.agencychecks.api import router as agencychecks_router
from convene.allocation.api import router as my_work_router
from convene.api import children
from convene.api.auth import BearerToken
from convene.clocks.api import clocks_router, escalations_router
from convene.discussions.api import router as discussions_router
from convene.followup.routers import router as followup_router
from convene.records.api import router as records_router
from convene.referrals.api import router as referrals_router

DESCRIPTION = """\
Children, referrals and triage, strategy discussions and their records, and
the follow-through (agreed actions and S47 enquiries), for integration with a
case-management system.

Authenticate with a personal API token (create one on the *API tokens* page):
`Authorization: Bearer <token>`. A token carries its owner's need-to-know rules:
the API shows exactly what that person sees in Convene, and every request is
recorded in the audit log. A record you may not see answers 404, as one that does
not exist.

Retrying a POST safely: send `Idempotency-Key: <1 to 255 visible ASCII characters>`.
A repeat of the same request with the same key (for the same user, within 24
hours) gets the first successful answer again, with `Idempotent-Replayed: true`,
and writes nothing; the same key with a different request answers 422; a repeat
while the first is still running answers 409. Errors are not kept: fix the request
and retry with the same key.
"""

# Swagger UI draws its icons from data: URLs in its stylesheet; only the docs
# page gets that allowance (docs/security.md).
_DOCS_CSP = {"img-src": [SELF, "data:"]}


def docs_access(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """The schema and docs: for a signed-in person, or a caller with a live token."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated or BearerToken()(request) is not None:
            return view(request, *args, **kwargs)
        return redirect_to_login(request.get_full_path())

    wrapped.login_required = False  # type: ignore[attr-defined]  # checked above instead
    return csp_update(_DOCS_CSP)(wrapped)


api = NinjaAPI(
    title="Convene API",
    version="1",
    description=DESCRIPTION,
    auth=BearerToken(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs_decorator=docs_access,
)
api.add_router("/children/", children.router)
api.add_router("/referrals/", referrals_router)
api.add_router("/discussions/", discussions_router)
api.add_router("/records/", records_router)
api.add_router("/followup/", followup_router)
api.add_router("/agency-checks/", agencychecks_router)
api.add_router("/clocks/", clocks_router)
api.add_router("/escalations/", escalations_router)
api.add_router("/my-work/", my_work_router)
