"""The Notifications page and, for partnership admins, the failed emails page."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.mail.backends.base import BaseEmailBackend

from convene.people.factories import ChildFactory, ProfessionalFactory
from convene.reminders.models import Delivery
from convene.reminders.services import deliveries_decide, deliveries_send

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class DownBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise OSError("Network is unreachable")


@pytest.fixture
def notices(partnership, people):
    deliveries_decide(
        partnership=partnership,
        source=ChildFactory(partnership=partnership),
        kind="due_tomorrow",
        professionals=[people["bob"]],
        subject="Due tomorrow: Strategy discussion or meeting held",
        body="Due 2 December 2026 at 23:59",
        link="/escalations/",
        now=T0,
    )


@pytest.fixture
def failed(notices, settings):
    settings.CONVENE_DELIVERY_MAX_ATTEMPTS = 1
    with time_machine.travel(T0, tick=False):
        deliveries_send(now=T0, connection=DownBackend())
    return Delivery.objects.get(channel="email")


def test_notifications_need_sign_in(client):
    assert client.get("/notifications/").status_code == 302
    assert client.post("/notifications/read/").status_code == 302


def test_a_person_sees_their_notifications_and_marks_them_read(client, people, notices):
    client.force_login(people["bob"])
    page = client.get("/notifications/").content.decode()
    assert "Due tomorrow: Strategy discussion or meeting held" in page
    assert "New" in page
    assert '1<span class="govuk-visually-hidden"> unread</span>' in page
    response = client.post("/notifications/read/", follow=True)
    page = response.content.decode()
    assert "1 notification marked as read" in page
    assert "unread" not in page
    assert Delivery.objects.get(channel="in_app").read_at is not None


def test_nobody_sees_anyone_elses_notifications(client, people, notices):
    client.force_login(people["dina"])
    page = client.get("/notifications/").content.decode()
    assert "You have no notifications" in page
    client.post("/notifications/read/")
    assert Delivery.objects.get(channel="in_app").read_at is None


def test_marking_read_needs_post(client, people):
    client.force_login(people["bob"])
    assert client.get("/notifications/read/").status_code == 405


def test_a_partnership_admin_sees_failed_emails_and_tries_again(client, people, failed):
    assert failed.state == "failed"
    client.force_login(people["admin"])
    home = client.get("/").content.decode()
    assert 'href="/deliveries/failed/"' in home
    page = client.get("/deliveries/failed/").content.decode()
    assert failed.to_address in page
    assert "OSError: Network is unreachable" in page
    assert "after 1 attempt" in page
    response = client.post(f"/deliveries/{failed.pk}/retry/", follow=True)
    assert "will be sent again" in response.content.decode()
    failed.refresh_from_db()
    assert (failed.state, failed.attempts, failed.failed_at) == ("pending", 0, None)
    assert "Every email has been sent" in client.get("/deliveries/failed/").content.decode()


def test_failed_emails_show_in_the_django_admin_filtered_by_state(client, people, failed):
    client.force_login(people["admin"])  # staff and superuser
    response = client.get("/admin/reminders/delivery/?state__exact=failed")
    assert response.status_code == 200
    assert failed.to_address in response.content.decode()


@pytest.mark.parametrize("username", ["bob", "carol", "alice"])
def test_others_may_not_see_or_retry_failed_emails(client, people, failed, username):
    client.force_login(people[username])
    assert client.get("/deliveries/failed/").status_code == 403
    assert client.post(f"/deliveries/{failed.pk}/retry/").status_code == 403
    assert Delivery.objects.get(pk=failed.pk).state == "failed"


def test_an_admin_of_another_partnership_sees_none_of_them(client, people, failed, neighbour):
    other = ProfessionalFactory(
        agency=people["nick"].agency, roles=["partnership_admin"], username="north_admin"
    )
    client.force_login(other)
    assert failed.to_address not in client.get("/deliveries/failed/").content.decode()
    assert client.post(f"/deliveries/{failed.pk}/retry/").status_code == 404


def test_only_a_failed_email_is_tried_again(client, people, failed):
    failed.state, failed.failed_at, failed.next_attempt_at = "pending", None, T0
    failed.save()
    client.force_login(people["admin"])
    assert client.post(f"/deliveries/{failed.pk}/retry/").status_code == 404
    assert client.get(f"/deliveries/{failed.pk}/retry/").status_code == 405
    assert failed.attempts == 1


def test_a_superuser_admin_sees_only_their_own_partnerships_failed_emails(
    client, people, neighbour, settings
):
    # admin is Riverside's partnership admin and a superuser: being a superuser is no
    # licence to read another partnership's emails on this page (docs/access.md, rule 3).
    deliveries_decide(
        partnership=neighbour,
        source=ChildFactory(partnership=neighbour),
        kind="due_tomorrow",
        professionals=[people["nick"]],
        subject="Due tomorrow: Northvale",
        body="Due 2 December 2026 at 23:59",
        link="/escalations/",
        now=T0,
    )
    settings.CONVENE_DELIVERY_MAX_ATTEMPTS = 1
    with time_machine.travel(T0, tick=False):
        deliveries_send(now=T0, connection=DownBackend())
    northvale = Delivery.objects.get(channel="email", partnership=neighbour)
    assert northvale.state == "failed"
    client.force_login(people["admin"])
    assert northvale.to_address not in client.get("/deliveries/failed/").content.decode()
    assert client.post(f"/deliveries/{northvale.pk}/retry/").status_code == 404
    assert Delivery.objects.get(pk=northvale.pk).state == "failed"
