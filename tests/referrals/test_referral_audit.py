"""Every change to a referral, and every look at one, is in the audit log (issue 7).

One entry per child on the referral, naming who, what, which referral and the
client's address; a refused change writes none, and an entry written before a
later failure is rolled back with the change it records.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from ninja.testing import TestClient

from convene.audit.context import AuditContext
from convene.audit.models import Action, AuditEntry
from convene.core.errors import NotAllowed, StaleVersion
from convene.people.factories import ChildFactory
from convene.referrals import auditing as services
from convene.referrals.api import router
from convene.referrals.models import Referral
from convene.referrals.services import (
    NewChild,
    RiskFacts,
    referral_accept,
    referral_close,
    referral_override,
    referral_triage,
    referral_update_facts,
)
from tests.api.conftest import bearer
from tests.convening import NOW

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.23"


@pytest.fixture
def context_from(rf):
    return AuditContext.from_request(rf.post("/", REMOTE_ADDR=ADDRESS))


@pytest.fixture
def two_children(partnership, agencies):
    return [ChildFactory(partnership=partnership, setting=agencies["primary"]) for _ in range(2)]


def entries_about(obj, action=None):
    found = AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("sequence")
    return found.filter(action=action) if action else found


def test_recording_a_referral_writes_one_entry_per_child(
    referral_for, people, two_children, context_from
):
    referral = referral_for(
        children=two_children,
        new_children=[NewChild(last_name="Baby", expected_date_of_delivery=date(2026, 6, 1))],
        context=context_from,
    )
    created = list(entries_about(referral, Action.CREATE))
    assert len(created) == 3
    unborn = referral.children.get(date_of_birth__isnull=True)
    assert {e.child_id for e in created} == {c.pk for c in [*two_children, unborn]}
    for entry in created:
        assert entry.actor == people["tom"]
        assert entry.remote_addr == ADDRESS
        assert f"Recorded the referral (referral {referral.reference})" == entry.summary
    # The unborn baby's own record was created by the referral too.
    child_entry = entries_about(unborn, Action.CREATE).get()
    assert child_entry.child_id == unborn.pk
    assert referral.reference in child_entry.summary


def test_accept_override_triage_update_and_close_are_each_recorded(
    referral_for, people, two_children, context_from
):
    first = referral_for(children=two_children)
    referral_triage(referral=first, by=people["tom"], now=NOW, context=context_from)
    first = referral_update_facts(
        referral=first,
        categories=["physical", "neglect"],
        facts=RiskFacts(significant_harm_suspected=True),
        by=people["tom"],
        now=NOW,
        expected_version=Referral.objects.get(pk=first.pk).version,
        context=context_from,
    )
    first = referral_accept(
        referral=first,
        by=people["bob"],
        now=NOW,
        expected_version=first.version,
        context=context_from,
    )
    referral_close(referral=first, reason="Child moved away", by=people["bob"], now=NOW)
    second = referral_for(children=[two_children[0]])
    referral_override(
        referral=second,
        pathway="strategy_meeting",
        reason="Several agencies involved",
        by=people["hana"],
        now=NOW,
        expected_version=second.version,
        context=context_from,
    )
    summaries = [
        (e.actor.username, e.summary.split(" (referral")[0])
        for e in entries_about(first, Action.CHANGE)
        if e.child_id == two_children[0].pk
    ]
    assert summaries == [
        ("tom", "Triaged again under the policy as it is now"),
        ("tom", "Corrected the concerns and risk answers"),
        ("bob", "Accepted the recommended pathway: Strategy discussion"),
        ("bob", "Closed: the strategy discussion is no longer needed"),
    ]
    # Two children each, and one for the allocation the triage made (issue 18).
    assert entries_about(first, Action.CHANGE).count() == 9
    override = entries_about(second, Action.CHANGE).get()
    assert override.summary.startswith("Overrode the pathway: Strategy meeting")
    assert override.remote_addr == ADDRESS
    # The reason typed by the manager stays in the referral, not in the log.
    assert "Several agencies" not in override.summary


def test_a_refused_change_writes_no_entry(referral_for, people, two_children):
    referral = referral_for(children=two_children)
    before = AuditEntry.objects.count()
    with pytest.raises(NotAllowed):
        referral_accept(
            referral=referral, by=people["alice"], now=NOW, expected_version=referral.version
        )
    with pytest.raises(StaleVersion):
        referral_accept(referral=referral, by=people["bob"], now=NOW, expected_version=99)
    assert AuditEntry.objects.count() == before


def test_an_entry_is_rolled_back_with_a_change_that_fails_after_it(
    referral_for, people, two_children, monkeypatch
):
    """The entry is in the change's transaction: a failure after it takes both away."""
    referral = referral_for(children=two_children)
    before = AuditEntry.objects.count()
    real = services.audit_record_children

    def audit_then_fail(**kwargs):
        real(**kwargs)
        assert AuditEntry.objects.count() > before  # written, inside the transaction
        raise RuntimeError("something after the entry failed")

    monkeypatch.setattr(services, "audit_record_children", audit_then_fail)
    with pytest.raises(RuntimeError):
        referral_accept(
            referral=referral, by=people["bob"], now=NOW, expected_version=referral.version
        )
    assert AuditEntry.objects.count() == before
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.AWAITING_TRIAGE


# --- looking -----------------------------------------------------------------------------


def test_the_referral_page_the_triage_page_and_the_list_are_recorded(
    client, people, referral_for, two_children
):
    referral = referral_for(children=two_children)
    client.force_login(people["bob"])
    client.get(f"/referrals/{referral.pk}/", REMOTE_ADDR=ADDRESS)
    client.get(f"/referrals/{referral.pk}/triage/", REMOTE_ADDR=ADDRESS)
    client.get("/referrals/", {"status": "awaiting_triage"})
    views = list(entries_about(referral, Action.VIEW))
    assert [(e.child_id, e.actor.username, e.remote_addr) for e in views] == [
        (two_children[0].pk, "bob", ADDRESS),
        (two_children[1].pk, "bob", ADDRESS),
        (two_children[0].pk, "bob", ADDRESS),
        (two_children[1].pk, "bob", ADDRESS),
    ]
    assert "the triage" in views[-1].summary
    listed = AuditEntry.objects.get(action=Action.SEARCH)
    assert listed.child_id is None
    assert listed.summary == "Listed referrals (status awaiting_triage), page 1: 1 found"


def test_a_referral_you_may_not_see_is_not_recorded_as_a_look(client, people, referral_for):
    referral = referral_for()
    client.force_login(people["carol"])
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert not entries_about(referral, Action.VIEW).exists()


def test_the_child_page_shows_who_looked_at_the_childs_referral(
    client, people, referral_for, two_children
):
    referral = referral_for(children=two_children)
    client.force_login(people["hana"])
    client.get(f"/referrals/{referral.pk}/")
    client.force_login(people["alice"])
    html = client.get(f"/children/{two_children[1].pk}/looked/").content.decode()
    table = html[html.index("Who has looked at") :]
    assert "Hana Hughes" in table  # looked at the referral
    assert "Tom Turner" in table  # recorded it


def test_api_reads_and_writes_are_recorded_with_the_token(
    client, people, tokens, referral_for, two_children
):
    referral = referral_for(children=two_children)
    client.get(f"/api/referrals/{referral.pk}", headers=bearer(tokens["bob"]), REMOTE_ADDR=ADDRESS)
    client.get(f"/api/referrals/{referral.pk}/triage", headers=bearer(tokens["bob"]))
    client.get("/api/referrals/", headers=bearer(tokens["bob"]))
    accepted = client.post(
        f"/api/referrals/{referral.pk}/accept",
        {"expected_version": referral.version},
        content_type="application/json",
        headers=bearer(tokens["bob"]),
        REMOTE_ADDR=ADDRESS,
    )
    assert accepted.status_code == 200
    views = entries_about(referral, Action.VIEW)
    assert views.count() == 4
    first = views.first()
    assert first.remote_addr == ADDRESS
    assert first.summary == (
        f"Viewed the record of referral {referral.reference} "
        "through the API (token ‘bob's case system’)"
    )
    assert AuditEntry.objects.get(action=Action.SEARCH).summary.startswith("Listed referrals")
    change = entries_about(referral, Action.CHANGE).first()
    assert change.actor == people["bob"]
    assert change.remote_addr == ADDRESS
    assert change.summary.endswith("through the API (token ‘bob's case system’)")


def test_an_api_write_that_is_refused_writes_nothing(client, tokens, referral_for):
    referral = referral_for()
    before = AuditEntry.objects.count()
    refused = client.post(
        f"/api/referrals/{referral.pk}/accept",
        {"expected_version": referral.version},
        content_type="application/json",
        headers=bearer(tokens["alice"]),  # a social worker does not decide
    )
    assert refused.status_code == 403
    assert AuditEntry.objects.count() == before


def test_a_new_child_without_any_date_is_refused_before_the_database(people, partnership):
    """The bug the fuzzer found: no date of birth nor expected date was a 500 (CHECK failed)."""
    response = TestClient(router).post(
        "",
        json={
            "received_at": (timezone.now() - timedelta(hours=1)).isoformat(),
            "how_received": "phone",
            "referrer": {"name": "Rita", "organisation": "Member of the public", "phone": "1"},
            "account": "Bruising",
            "categories": ["physical"],
            "facts": {"significant_harm_suspected": True},
            "new_children": [{"last_name": "Smith"}],
        },
        user=people["tom"],
    )
    assert response.status_code == 400
    assert "Enter a date of birth or, for an unborn child" in response.json()["detail"]
    assert not Referral.objects.exists()
    assert not AuditEntry.objects.filter(action=Action.CREATE).exists()


def _as_recorded(entry):
    return {
        "actor": entry.actor_id,
        "actor_username": entry.actor_username,
        "action": entry.action,
        "object_type": entry.object_type,
        "child": entry.child_id,
        "remote_addr": entry.remote_addr,
        "summary": entry.summary,
    }


def test_a_decision_through_a_page_and_the_api_is_recorded_as_before(
    client, people, tokens, referral_for, two_children
):
    """Services take an AuditContext, not the request (issue 17): the entries are unchanged."""
    by_page, by_api = referral_for(children=two_children), referral_for(children=two_children)
    assert by_page.recommended_pathway == by_api.recommended_pathway == "strategy_discussion"
    client.force_login(people["bob"])
    page = client.post(
        f"/referrals/{by_page.pk}/triage/",
        {"pathway": "strategy_discussion", "version": str(by_page.version)},
        REMOTE_ADDR=ADDRESS,
    )
    assert page.status_code == 302
    api = client.post(
        f"/api/referrals/{by_api.pk}/accept",
        {"expected_version": by_api.version},
        content_type="application/json",
        headers=bearer(tokens["bob"]),
        REMOTE_ADDR="203.0.113.5",
    )
    assert api.status_code == 200
    bob = {"actor": people["bob"].pk, "actor_username": "bob", "action": "change"}
    children = sorted(child.pk for child in two_children)
    expected = []
    api_channel = " through the API (token ‘bob's case system’)"
    for referral, address, channel in [
        (by_page, ADDRESS, ""),
        (by_api, "203.0.113.5", api_channel),
    ]:
        about = {**bob, "object_type": "referrals.referral", "remote_addr": address}
        decided = (
            f"Accepted the recommended pathway: Strategy discussion (referral {referral.reference})"
        )
        expected += [{**about, "child": pk, "summary": decided + channel} for pk in children]
        # Allocation gives the case its worker on the referral_triaged signal, with the context.
        allocated = f"Allocated {referral.reference} to Bob Bennett{channel}"
        expected.append({**about, "child": None, "summary": allocated})
    recorded = [
        _as_recorded(entry)
        for referral in (by_page, by_api)
        for entry in entries_about(referral, Action.CHANGE)
    ]
    assert recorded == expected
