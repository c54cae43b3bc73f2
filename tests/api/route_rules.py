from collections.abc import Callable
from typing import Any

from tests.access_matrix import (
    FORBIDDEN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    Case,
    World,
    expect,
    only,
    redirect,
)


def _extra(key: str) -> Callable[[World], dict[str, Any]]:
    return lambda world: {"pk": world.extra[key].pk}


ROUTES = {
    # Each person manages their own tokens; auditors may hold one to read.
    "api_access:api-tokens": [
        Case(expect(OK), label="list"),
        Case(expect(OK), label="create", method="post", data=lambda w: {"name": "Matrix"}),
    ],
    "api_access:api-token-revoke": [
        Case(
            only({"alice": redirect("/account/api-tokens/")}),
            label="alice's token",
            method="post",
            kwargs=lambda w: {"pk": w.alice_token.pk},
        ),
        Case(
            expect(NOT_ALLOWED),
            label="by GET",
            kwargs=lambda w: {"pk": w.alice_token.pk},
        ),
    ],
    # Partnership admins register their partnership's webhooks; others may not.
    "api_access:webhooks": [
        Case(only(("admin",), others=FORBIDDEN), label="list"),
        Case(
            only(("admin",), others=FORBIDDEN),
            label="a mistake",
            method="post",
            data=lambda w: {"name": "", "url": "http://example.org"},
        ),
    ],
    "api_access:webhook-detail": [
        Case(only(("admin",), others=FORBIDDEN), label="Riverside's", kwargs=_extra("webhook")),
        # Riverside's admin is told another partnership's webhook does not exist.
        Case(
            only({"admin": NOT_FOUND}, others=FORBIDDEN),
            label="another partnership's",
            kwargs=_extra("neighbour_webhook"),
        ),
    ],
    "api_access:webhook-active": [
        Case(
            only({"admin": redirect("/account/webhooks/*")}, others=FORBIDDEN),
            label="pause",
            method="post",
            kwargs=_extra("webhook"),
            data=lambda w: {"active": "false"},
        ),
        Case(expect(NOT_ALLOWED), label="by GET", kwargs=_extra("webhook")),
    ],
    "api_access:webhook-delivery-retry": [
        Case(
            only({"admin": redirect("/account/webhooks/*")}, others=FORBIDDEN),
            label="Riverside's",
            method="post",
            kwargs=_extra("failed_webhook_delivery"),
        ),
    ],
}
