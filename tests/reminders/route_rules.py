"""Notifications (each person's own) and failed emails (partnership admins, their own
partnerships' only).

In the world everyone has a notification; the email server was down, so every email
failed, among them one to bob (Riverside) and one to nick (Northvale).
"""

from tests.access_matrix import (
    FORBIDDEN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    Case,
    expect,
    only,
    redirect,
)

ROUTES = {
    # Everyone reads and clears their own notifications, and nobody else's.
    "notification-list": [Case(expect(OK))],
    "notifications-read": [
        Case(expect(redirect("/notifications/")), method="post"),
        Case(expect(NOT_ALLOWED), label="by GET"),
    ],
    "deliveries-failed": [Case(only(("admin",), others=FORBIDDEN))],
    "delivery-retry": [
        Case(
            only({"admin": redirect("/deliveries/failed/")}, others=FORBIDDEN),
            label="Riverside's",
            method="post",
            kwargs=lambda w: {"pk": w.failed_delivery.pk},
        ),
        # Riverside's admin is told another partnership's email does not exist.
        Case(
            only({"admin": NOT_FOUND}, others=FORBIDDEN),
            label="another partnership's",
            method="post",
            kwargs=lambda w: {"pk": w.neighbour_failed_delivery.pk},
        ),
        Case(
            expect(NOT_ALLOWED),
            label="by GET",
            kwargs=lambda w: {"pk": w.failed_delivery.pk},
        ),
    ],
}
