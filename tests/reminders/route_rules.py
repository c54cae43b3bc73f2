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


def _notice_of(person: object) -> int:
    from convene.reminders.models import Delivery

    return Delivery.objects.get(recipient=person, kind="matrix_reminder", channel="in_app").pk


ROUTES = {
    # Everyone reads and clears their own notifications, and nobody else's.
    "reminders:notification-list": [Case(expect(OK))],
    # Opening one: its recipient is sent on to what it is about; anyone else is told that it
    # does not exist (tests/reminders/test_notices_at_scale.py checks hidden ones).
    "reminders:notification-open": [
        Case(
            only({"bob": redirect("/escalations/")}, others=NOT_FOUND),
            label="bob's",
            kwargs=lambda w: {"pk": _notice_of(w.people["bob"])},
        ),
    ],
    "reminders:notifications-read": [
        Case(expect(redirect("/notifications/")), method="post"),
        Case(expect(NOT_ALLOWED), label="by GET"),
    ],
    "reminders:deliveries-failed": [Case(only(("admin",), others=FORBIDDEN))],
    "reminders:delivery-retry": [
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
