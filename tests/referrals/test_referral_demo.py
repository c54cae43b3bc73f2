"""`convene demo` adds synthetic referrals in each state and a scheduled discussion, once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from convene.discussions.models import Discussion
from convene.referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_the_demo_has_referrals_in_each_state_and_a_scheduled_discussion():
    out = StringIO()
    call_command("demo", "--children", "40", "--history", "0", "--quiet-logins", stdout=out)
    assert "6 referrals and 1 strategy discussion added" in out.getvalue()
    states = set(Referral.objects.values_list("status", flat=True))
    assert states == {"awaiting_triage", "triaged", "convening", "closed"}
    assert Referral.objects.filter(decision="overridden").count() == 1
    discussion = Discussion.objects.get()
    assert discussion.state == "scheduled"
    responses = set(discussion.invitations.values_list("response", flat=True))
    assert responses == {"invited", "accepted", "apologies"}

    call_command("demo", "--children", "40", "--history", "0", "--quiet-logins", stdout=StringIO())
    assert Referral.objects.count() == 6  # a second run adds nothing
