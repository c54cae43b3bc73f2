"""Every form reports all its mistakes at once (issue 18): one submit, every error listed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from convene.core.errors import Invalid
from convene.discussions.models import Discussion, Invitation
from convene.discussions.services import discussion_create
from convene.people.factories import FamilyMemberFactory
from tests.convening import NOW
from tests.discussions.test_discussion_pages import _convene_data

pytestmark = pytest.mark.django_db


def test_the_service_reports_every_mistake_with_its_field(accepted_for, people, partnership):
    referral = accepted_for()
    mother = FamilyMemberFactory(partnership=partnership)
    with pytest.raises(Invalid) as caught:
        discussion_create(
            referral=referral,
            children=list(referral.children.all()),
            kind="tea_party",
            chair=people["bob"],
            invitees=[people["carol"], mother],
            starts_at=NOW - timedelta(hours=1),
            ends_at=NOW - timedelta(hours=2),
            venue="",
            virtual_link="not a link",
            by=people["bob"],
            now=NOW,
        )
    found = {(problem.field, problem.message.split(":")[0]) for problem in caught.value.problems}
    assert found >= {
        ("kind", "Select a strategy discussion or a strategy meeting"),
        ("starts_at", "The start must be in the future"),
        ("ends_at", "The end must be after the start"),
        ("virtual_link", "Enter the virtual meeting link as a web address, like https"),
        ("invitees", f"{mother} is a family member"),
    }
    assert Discussion.objects.count() == 0
    assert Invitation.objects.count() == 0


def test_the_convene_page_lists_every_mistake_in_one_submit(client, people, accepted_for):
    referral = accepted_for(now=timezone.now(), received_at=timezone.now() - timedelta(hours=1))
    yesterday = timezone.localdate() - timedelta(days=1)
    client.force_login(people["bob"])
    response = client.post(
        f"/discussions/new/{referral.pk}/",
        _convene_data(
            referral,
            people,
            kind="",
            children=[],
            end_time="09:00",
            virtual_link="meet dot example",
            **{"date-day": yesterday.day, "date-month": yesterday.month},
        ),
    )
    html = response.content.decode()
    summary = html[
        html.index("govuk-error-summary") : html.index("</ul>", html.index("govuk-error-summary"))
    ]
    for message, field in [
        ("Select a strategy discussion or a strategy meeting", "#id_kind"),
        ("Select at least one child to discuss", "#id_children"),
        ("The start must be in the future", "#id_date"),
        ("The end must be after the start", "#id_end_time"),
        ("Enter the virtual meeting link as a web address", "#id_virtual_link"),
    ]:
        assert message in summary
        assert f'href="{field}' in summary
    assert summary.count("<li>") == 5
    assert Discussion.objects.count() == 0


def test_the_schedule_page_lists_every_mistake_in_one_submit(client, people, accepted_for):
    referral = accepted_for(now=timezone.now(), received_at=timezone.now() - timedelta(hours=1))
    discussion = discussion_create(
        referral=referral,
        children=list(referral.children.all()),
        kind="strategy_discussion",
        chair=None,
        invitees=[people["erin"]],
        by=people["bob"],
        now=timezone.now(),
    )
    client.force_login(people["bob"])
    yesterday = timezone.localdate() - timedelta(days=1)
    html = client.post(
        f"/discussions/{discussion.pk}/reschedule/",
        {
            "version": discussion.version,
            "date-day": yesterday.day,
            "date-month": yesterday.month,
            "date-year": yesterday.year,
            "start_time": "10:00",
            "end_time": "09:00",
            "venue": "",
            "virtual_link": "",
            "chair": people["bob"].pk,
        },
    ).content.decode()
    for message in (
        "The start must be in the future",
        "The end must be after the start",
        "Enter a venue or a link to the virtual meeting",
    ):
        assert message in html
    discussion.refresh_from_db()
    assert discussion.state == Discussion.State.REQUESTED


def test_people_are_found_by_name_agency_or_role_without_javascript_too(
    client, people, accepted_for
):
    referral = accepted_for(now=timezone.now(), received_at=timezone.now() - timedelta(hours=1))
    client.force_login(people["bob"])
    html = client.get(f"/discussions/new/{referral.pk}/").content.decode()
    # The chair is a plain select the browser script turns into a search box.
    start = html.index('<select class="govuk-select" id="id_chair"')
    chair = html[start : html.index("</select>", start)]
    assert 'data-convene-autocomplete="true"' in chair
    # Only those the pack lets chair, each with job and agency to type.
    assert "Bob Bennett, Team manager, Riverside Children" in chair
    assert "Carol Clarke" not in chair
    # "Find someone to invite" is hidden until the script shows it; the boxes do the work.
    start = html.index("data-convene-person-finder")
    finder = html[start : html.index("</select>", start)]
    assert "hidden" in finder[:60]
    assert "Carol Clarke, Detective constable, Shire Constabulary" in finder
    assert 'name="invitees"' not in finder
    assert html.count('name="invitees"') >= 4
