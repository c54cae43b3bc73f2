"""Every refusal on the record's POST pages is a clear 4xx, never a 500, and changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from convene.audit.models import AuditEntry
from convene.core.errors import Conflict, Invalid, NotAllowed, NotFound
from convene.policy.vocab import Decision, RecordSection
from convene.records import services
from tests.records.conftest import AFTER, entry_content, entry_version, fill

pytestmark = pytest.mark.django_db

KEY = "b2b2b2b2"


@pytest.fixture
def record(make_record, people, agencies):
    record = make_record()
    services.record_action_save(
        record=record,
        action={
            "key": KEY,
            "owner_kind": "agency",
            "owner_id": agencies["police"].pk,
            "what": "Check police records",
            "why": "History of the adults",
            "due_on": "2026-03-06",
        },
        expected_version=0,
        by=people["bob"],
        now=AFTER,
    )
    return record


def _remove(record):
    return reverse("records:action-remove", args=[record.discussion_id, KEY])


def _actions(record):
    return [a["key"] for a in entry_content(record, RecordSection.ACTIONS)["actions"]]


@pytest.mark.parametrize("version", ["", "two", None])
def test_a_form_without_its_version_is_a_400(client, people, record, version):
    client.force_login(people["bob"])
    data = {} if version is None else {"version": version}
    for url in (
        _remove(record),
        reverse("records:action", args=[record.discussion_id, KEY]),
        reverse("records:part", args=[record.discussion_id, "introduction"]),
    ):
        assert client.post(url, data).status_code == 400, url
    assert _actions(record) == [KEY]


def test_a_stale_removal_shows_the_clash(client, people, record):
    client.force_login(people["bob"])
    response = client.post(_remove(record), {"version": "0"})
    assert response.status_code == 409
    assert _actions(record) == [KEY]


@pytest.mark.parametrize(
    ("error", "status", "shown"),
    [
        (Invalid("That action is not in the record"), 400, True),
        (Conflict("This record is authorised, not held"), 409, True),
        (NotAllowed("Only the chair changes the record"), 403, False),
        (NotFound("No such record"), 404, False),
    ],
)
def test_every_refusal_of_a_removal_is_a_4xx(
    client, people, record, monkeypatch, error, status, shown
):
    """What the service refuses (a race the page could not see) answers 4xx, not 500."""

    def refuse(**kwargs):
        raise error

    monkeypatch.setattr(services, "record_action_remove", refuse)
    client.force_login(people["bob"])
    before = AuditEntry.objects.filter(action="change").count()
    response = client.post(
        _remove(record), {"version": str(entry_version(record, RecordSection.ACTIONS))}
    )
    assert response.status_code == status
    if shown:  # on the page, in the error summary, with "Error:" in the title
        html = response.content.decode()
        assert "govuk-error-summary" in html
        assert error.message in html
        assert "<title>Error: Remove this action?" in html
    assert _actions(record) == [KEY]
    assert AuditEntry.objects.filter(action="change").count() == before


def test_removing_from_a_record_authorised_meanwhile_is_a_403(client, people, record):
    client.force_login(people["bob"])
    version = entry_version(record, RecordSection.ACTIONS)
    fill(record, people, Decision.CHILD_IN_NEED, skip=[RecordSection.ACTIONS])
    services.record_authorise(record=record, by=people["bob"], now=AFTER)
    assert client.post(_remove(record), {"version": str(version)}).status_code == 403
    assert _actions(record) == [KEY]


def test_removing_an_action_removed_meanwhile_is_a_404(client, people, record):
    client.force_login(people["bob"])
    version = entry_version(record, RecordSection.ACTIONS)
    services.record_action_remove(
        record=record, key=KEY, expected_version=version, by=people["bob"], now=AFTER
    )
    assert client.post(_remove(record), {"version": str(version)}).status_code == 404
