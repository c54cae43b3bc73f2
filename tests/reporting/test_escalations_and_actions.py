"""Escalations by direction and level with the time to resolve them, and actions overdue, each
against hand-counted fixtures (issue 13); a partner agency sees its own agency's actions only.

Escalations raised in April 2026 (London), all at level 1:
* police to social care, 1 April 10:00, resolved 3 April 10:00 (2.0 days);
* police to social care, 8 April 10:00, resolved 9 April 10:00 (1.0 day);
* social care to the police, 14 April 10:00, still open;
* police to social care, 31 March 23:30 BST: the evening before the period, not counted.
Police to social care: raised 2, resolved 2, open 0, median 1.5 days. Social care to the
police: raised 1, resolved 0, open 1, no time to resolve.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from convene.clocks.escalations import escalation_raise, escalation_resolve
from convene.clocks.models import Escalation
from convene.records.models import Action
from convene.reporting.access import report_scope
from convene.reporting.periods import Period
from convene.reporting.selectors import escalations_summary, overdue_actions
from tests.followup.conftest import london

pytestmark = pytest.mark.django_db

APRIL = Period(date(2026, 4, 1), date(2026, 5, 1), "April 2026")
LABELS = dict(Escalation.Direction.choices)


def _raise(people, partnership, *, at, police_raises: bool, agencies) -> Escalation:
    return escalation_raise(
        by=people["carol"] if police_raises else people["bob"],
        partnership=partnership,
        direction=Escalation.Direction.PARTNER_TO_SOCIAL_CARE
        if police_raises
        else Escalation.Direction.SOCIAL_CARE_TO_PARTNER,
        agency=None if police_raises else agencies["police"],
        what_is_late="Record not yet received" if police_raises else "Police checks not shared",
        details="Agreed at the strategy discussion",
        now=at,
    )


def test_escalations_hand_counted(people, partnership, agencies):
    for raised, resolved in (
        (london(2026, 4, 1, 10), london(2026, 4, 3, 10)),
        (london(2026, 4, 8, 10), london(2026, 4, 9, 10)),
    ):
        escalation = _raise(people, partnership, at=raised, police_raises=True, agencies=agencies)
        escalation_resolve(
            escalation=escalation, by=people["bob"], outcome="Sent the same day", now=resolved
        )
    _raise(people, partnership, at=london(2026, 4, 14, 10), police_raises=False, agencies=agencies)
    _raise(
        people, partnership, at=london(2026, 3, 31, 23, 30), police_raises=True, agencies=agencies
    )
    rows = {
        row.direction: row
        for row in escalations_summary(scope=report_scope(user=people["hana"]), period=APRIL)
    }
    partner = rows[str(LABELS[Escalation.Direction.PARTNER_TO_SOCIAL_CARE])]
    social_care = rows[str(LABELS[Escalation.Direction.SOCIAL_CARE_TO_PARTNER])]
    assert (partner.level, partner.raised, partner.resolved, partner.open) == (1, 2, 2, 0)
    assert partner.median_days_to_resolve == 1.5
    assert (social_care.raised, social_care.resolved, social_care.open) == (1, 0, 1)
    assert social_care.median_days_to_resolve is None


@pytest.fixture
def actions(s47_decision, agencies):
    """Two records of 4 March 2026, each with one action due by 5 March: the police's, and
    a person's of social care."""
    police = s47_decision(action_owner=("agency", agencies["police"].pk))
    person = s47_decision()
    return (
        Action.objects.get(record=police.record, kind="agreed"),
        Action.objects.get(record=person.record, kind="agreed"),
    )


def test_overdue_actions_hand_counted_and_a_partner_sees_their_own(
    client, people, partnership, actions
):
    police_action, other = actions
    # Carol's police force serves two partnerships: she chooses this one.
    chosen = {"partnership": str(partnership.pk)}
    today = date(2026, 3, 10)
    whole = overdue_actions(user=people["bob"], scope=report_scope(user=people["bob"]), today=today)
    assert set(whole) == {police_action, other}
    # The day it is due, it is not yet overdue.
    assert not overdue_actions(
        user=people["bob"], scope=report_scope(user=people["bob"]), today=date(2026, 3, 5)
    ).exists()
    carol = report_scope(user=people["carol"], partnership_id=chosen["partnership"])
    assert list(overdue_actions(user=people["carol"], scope=carol, today=today)) == [police_action]
    client.force_login(people["carol"])
    with time_machine.travel(london(2026, 3, 10, 9), tick=False):
        page = client.get(reverse("reporting:drift"), chosen).content.decode()
        download = client.get(reverse("reporting:download", args=["actions", "csv"]), chosen)
    assert reverse("discussions:detail", args=[police_action.record.discussion_id]) in page
    assert reverse("discussions:detail", args=[other.record.discussion_id]) not in page
    assert reverse("reporting:download", args=["actions", "csv"]) + "?partnership=" in page
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert len(rows) == 2  # the header and the police's action only
    assert rows[1][1] == police_action.owner_agency.name
