"""A whole case from referral to confirmed record leaves one unbroken audit chain.

Pages, the API and the services all write to the same log; afterwards
``convene audit verify`` finds the chain intact, and the child's page lists the
people who looked at and changed the child's referral, discussion and record.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from convene.audit.models import Action, AuditEntry
from convene.policy.vocab import Decision
from convene.records import services
from tests.api.conftest import bearer
from tests.records.conftest import AFTER, fill

pytestmark = pytest.mark.django_db


def test_a_full_journey_keeps_the_chain_intact(client, people, tokens, make_record):
    record = make_record()
    discussion = record.discussion
    referral = discussion.referral
    child = referral.children.get()
    client.force_login(people["bob"])
    client.get(f"/referrals/{referral.pk}/")
    client.get(f"/discussions/{discussion.pk}/")
    client.get(f"/discussions/{discussion.pk}/record/")
    fill(record, people, Decision.S47_JOINT)
    services.record_authorise(record=record, by=people["bob"], now=AFTER)
    services.record_distribute(record=record, by=people["bob"], now=AFTER)
    client.get(f"/discussions/{discussion.pk}/record/versions/1/pdf/")
    client.get(f"/api/records/{discussion.pk}/versions/1", headers=bearer(tokens["carol"]))
    for name in ("alice", "carol", "dev", "erin"):
        services.record_confirm(record=record, accurate=True, by=people[name], now=AFTER)

    out = StringIO()
    call_command("audit", "verify", stdout=out)
    count = AuditEntry.objects.count()
    assert f"Audit chain intact: {count} entries" in out.getvalue()
    about_child = AuditEntry.objects.filter(child=child)
    kinds = set(about_child.values_list("object_type", flat=True))
    assert kinds >= {
        "referrals.referral",
        "discussions.discussion",
        "records.record",
        "records.recordversion",
    }
    assert set(about_child.values_list("action", flat=True)) >= {
        Action.CREATE,
        Action.CHANGE,
        Action.VIEW,
        Action.EXPORT,
        Action.DOWNLOAD,
    }
    client.force_login(people["alice"])
    client.get(f"/children/{child.pk}/")
    html = client.get(f"/children/{child.pk}/looked/").content.decode()
    table = html[html.index("Who has looked at") :]
    for name in ("Tom Turner", "Bob Bennett", "Carol Clarke", "Alice Ashworth"):
        assert name in table


def test_who_has_looked_says_which_record_was_looked_at(client, people, make_record):
    """Each row names the record: the referral, the discussion, the record and its version."""
    record = make_record()
    discussion = record.discussion
    referral = discussion.referral
    child = referral.children.get()
    client.force_login(people["bob"])
    client.get(f"/referrals/{referral.pk}/")
    client.get(f"/discussions/{discussion.pk}/")
    fill(record, people, Decision.S47_JOINT)
    services.record_authorise(record=record, by=people["bob"], now=AFTER)
    client.get(f"/discussions/{discussion.pk}/record/versions/1/")
    client.force_login(people["alice"])
    client.get(f"/children/{child.pk}/")
    html = client.get(f"/children/{child.pk}/looked/").content.decode()
    table = html[html.index("Who has looked at") :]
    kind = discussion.get_kind_display()
    for label in (
        f"Referral {referral.reference}",
        f"{kind} {discussion.reference}",
        f"Record of {kind.lower()} {discussion.reference}, version 1",
        "The child&#x27;s details",
    ):
        assert f'<td class="govuk-table__cell">{label}</td>' in table, label
