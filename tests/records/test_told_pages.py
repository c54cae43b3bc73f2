"""Pages of "told means told" (R002.9) and of the outbox's state (issue 12, point 4): the chair
sees who has not been told and records how they were; adds agencies at distribution; the
discussion page says what became of each invitation's email."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from convene.clocks.models import Clock
from convene.policy.vocab import Decision
from convene.records import services
from convene.records.models import DistributionLog
from convene.records.told import distribution_agency_options
from convene.reminders.services import deliveries_send
from tests.records.conftest import except_missing, fill

pytestmark = pytest.mark.django_db


class Down:
    def send_messages(self, messages):
        raise OSError("mail server down")


def _url(name, record, *args):
    return reverse(f"records:{name}", args=[record.discussion_id, *args])


@pytest.fixture
def authorised(make_record, people):
    record = make_record(invitees=("alice", "carol"))
    fill(record, people, Decision.CHILD_IN_NEED)
    except_missing(record, people, now=record.held_at)  # health was not invited (R002.4)
    services.record_authorise(record=record, by=people["bob"], now=record.held_at)
    return record


def test_R002_9_a_notice_that_could_not_go_shows_record_how_you_told_them(
    client, people, authorised, settings
):
    settings.CONVENE_DELIVERY_MAX_ATTEMPTS = 1
    services.record_distribute(record=authorised, by=people["bob"], now=authorised.held_at)
    deliveries_send(now=timezone.now(), connection=Down())
    log = DistributionLog.objects.get(
        version__record=authorised, kind="outcome", professional__isnull=True
    )
    client.force_login(people["bob"])
    page = client.get(_url("confirmations", authorised)).content.decode()
    assert "Not yet told the outcome" in page
    assert "Record how you told them" in page
    told_url = _url("told", authorised, log.pk)
    assert told_url in page

    assert client.get(told_url).status_code == 200
    invalid = client.post(told_url, {"told_by": ""}).content.decode()
    assert "There is a problem" in invalid
    assert "Select how you told them" in invalid
    assert "Enter the date you told them" in invalid
    assert "Enter who told them" in invalid
    today = timezone.localdate()
    response = client.post(
        told_url,
        {
            "how": "phone",
            "date-day": today.day,
            "date-month": today.month,
            "date-year": today.year,
            "time": "00:01",
            "told_by": "Bob Bennett",
        },
    )
    assert response.status_code == 302
    log.refresh_from_db()
    assert (log.outcome, log.told_how, log.told_by) == ("told", "phone", "Bob Bennett")
    clock = Clock.objects.get(subject_id=authorised.discussion_id, kind="outcome_notified")
    assert clock.state == Clock.State.MET
    page = client.get(_url("confirmations", authorised)).content.decode()
    assert "Not yet told the outcome" not in page
    # Someone who may not chair sees the list but not the link, and may not record it.
    client.force_login(people["alice"])
    assert client.get(told_url).status_code == 403


def test_R002_9_a_time_in_the_future_is_refused_on_the_page(client, people, authorised):
    services.record_distribute(record=authorised, by=people["bob"], now=authorised.held_at)
    log = DistributionLog.objects.get(
        version__record=authorised, kind="outcome", professional__isnull=True
    )
    client.force_login(people["bob"])
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    page = client.post(
        _url("told", authorised, log.pk),
        {
            "how": "in_person",
            "date-day": tomorrow.day,
            "date-month": tomorrow.month,
            "date-year": tomorrow.year,
            "time": "10:00",
            "told_by": "Bob",
        },
    ).content.decode()
    assert "The time you told them must be in the past" in page
    log.refresh_from_db()
    assert log.outcome != "told"


def test_R002_9_the_chair_adds_agencies_that_were_not_invited_on_the_distribute_page(
    client, people, authorised
):
    options = list(distribution_agency_options(discussion=authorised.discussion))
    client.force_login(people["bob"])
    page = client.get(_url("distribute", authorised)).content.decode()
    assert "Other relevant agencies to tell the outcome" in page
    for agency in options:
        assert agency.name in page
    refused = client.post(_url("distribute", authorised), {"agencies": [people["carol"].agency_id]})
    assert refused.status_code == 200
    assert "Select only agencies of this partnership that were not invited" in (
        refused.content.decode()
    )
    assert not DistributionLog.objects.filter(version__record=authorised).exists()
    response = client.post(_url("distribute", authorised), {"agencies": [options[0].pk]})
    assert response.status_code == 302
    assert DistributionLog.objects.filter(agency=options[0], kind="outcome").count() == 1
