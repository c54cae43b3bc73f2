"""The status and timescale tags of lists and pages (``convening`` and ``followup`` template
tags): written in Python, one per row, with the HTML of a GOV.UK tag and the label escaped."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from django.template import Context, Template
from django.utils import timezone

from convene.followup.templatetags.followup import due_tag
from convene.referrals.templatetags.convening import govuk_tag, rag_tag, status_tag


def _render(text: str, **context: object) -> str:
    return Template("{% load convening followup %}" + text).render(Context(context))


def test_a_tag_is_a_govuk_tag_with_its_label_escaped():
    assert govuk_tag("On <track>", "govuk-tag--green") == (
        '<strong class="govuk-tag govuk-tag--green">On &lt;track&gt;</strong>'
    )


def test_the_timescale_tag_says_where_a_deadline_stands_and_nothing_without_one():
    now = timezone.now()
    assert rag_tag(now - timedelta(hours=1), now) == (
        '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'
    )
    assert "Met late" in rag_tag(now - timedelta(hours=2), now, met_at=now - timedelta(hours=1))
    assert rag_tag(None, now) == ""
    rendered = _render("[{% rag_tag due now %}]", due=now + timedelta(days=3), now=now)
    assert rendered == '[<strong class="govuk-tag govuk-tag--green">On track</strong>]'


def test_a_status_and_a_due_tag_render_in_templates():
    assert (
        status_tag("closed", "Closed")
        == '<strong class="govuk-tag govuk-tag--grey">Closed</strong>'
    )
    now = timezone.now()
    overdue = SimpleNamespace(status="open", overdue=True)
    assert due_tag(overdue, now) == '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'
    undated = SimpleNamespace(status="open", due_at=None)
    assert _render("{% due_tag row now %}", row=undated, now=now) == (
        '<strong class="govuk-tag govuk-tag--blue">Open</strong>'
    )
