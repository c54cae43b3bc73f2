"""A part saved incomplete says so on the next page, with what is missing, before the check
page refuses to authorise (issue 18)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from convene.policy.vocab import RecordSection
from convene.records.incomplete import incomplete_items
from tests.records.conftest import entry_content

pytestmark = pytest.mark.django_db


def _url(name, record, *args):
    return reverse(f"records:{name}", args=[record.discussion_id, *args])


def _banner(html: str) -> str:
    start = html.index('aria-labelledby="incomplete-title"')
    return html[start : html.index("</ul>", start)]


def test_R003_3_an_analysis_saved_half_done_lists_the_questions_still_to_answer(
    client, people, make_record
):
    record = make_record()
    client.force_login(people["bob"])
    response = client.post(
        _url("part", record, "analysis"),
        {
            "version": "0",
            "harm_attributable": "Yes: bruising consistent with the account",
            "views_child": "Wants to stay with gran",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == _url("task-list", record)
    banner = _banner(response.content.decode())
    assert "Analysis is saved but not complete" in banner
    for question in (
        "What is the evidence that the harm is likely to continue?",
        "What protective factors are in place, or could be used?",
        "What do the history and family context tell us?",
    ):
        assert question in banner
    assert "Is the harm attributable" not in banner
    assert "other interventions" not in banner  # not required
    assert entry_content(record, RecordSection.ANALYSIS)["views_child"]
    # Shown once: the next page has no banner.
    html = client.get(_url("task-list", record)).content.decode()
    assert 'aria-labelledby="incomplete-title"' not in html


def test_a_part_saved_complete_shows_no_banner(client, people, make_record):
    record = make_record()
    client.force_login(people["bob"])
    response = client.post(
        _url("part", record, "introduction"),
        {"version": "0", "reason": "Bruising", "child_background": "Lives with gran"},
        follow=True,
    )
    assert 'aria-labelledby="incomplete-title"' not in response.content.decode()


def test_a_part_carrying_another_section_names_the_one_missing():
    """The decision part carries its reasons: a decision without them lacks them."""
    contents = {RecordSection.DECISION: {"decision": "no_further_action", "reasons": ""}}
    assert incomplete_items(RecordSection.DECISION, contents) == ["Reasons for the decision"]
    assert incomplete_items(RecordSection.ANALYSIS, {})[0].startswith("Is the harm attributable")
