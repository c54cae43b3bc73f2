"""The record's pages and PDF in plain words (issue 18): no rule ids, pack keys or ISO dates in
the main text; the citations behind "Why?"; GOV.UK dates. Every /record/ page a test renders
is also checked by the CheckedClient (tests/pagecheck.py)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from convene.policy.vocab import Decision, RecordSection
from convene.records import services
from tests.pagecheck import check_page, plain_words_problems
from tests.records.conftest import AFTER, entry_content, fill

pytestmark = pytest.mark.django_db


def _url(name, record, *args):
    return reverse(f"records:{name}", args=[record.discussion_id, *args])


def test_R002_8_the_distribution_timescale_is_plain_with_its_rule_behind_why(
    client, people, make_record
):
    record = make_record()
    timescale = entry_content(record, RecordSection.RECORD_DISTRIBUTION)["timescale"]
    assert timescale.startswith("To everyone who attended by ")
    assert " March 2026 at " in timescale
    assert plain_words_problems(timescale) == []
    fill(record, people, Decision.S47_JOINT, skip=[RecordSection.S47_PLAN])
    client.force_login(people["bob"])
    html = client.get(_url("check", record)).content.decode()
    assert check_page(html) == []
    assert "Your partnership's procedure requires these" in html
    # The rule is there for those who open "Why?".
    details = html[html.index("Why this timescale") :]
    details = details[details.index("<details") : details.index("</details>")]
    assert "R002.8" in details


def test_the_authorised_pdf_reads_in_plain_words(people, make_record):
    record = make_record()
    fill(record, people, Decision.S47_JOINT)
    version = services.record_authorise(record=record, by=people["bob"], now=AFTER)
    text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(bytes(version.pdf))).pages
    )
    assert plain_words_problems(text) == []
    assert "4 March 2026" in " ".join(text.split())


def test_a_secret_to_type_in_is_not_read_as_a_rule_id():
    # CI once failed when a random authenticator key began "R237".
    page = (
        "<html><head><title>Set up</title></head><body><h1>Set up</h1>"
        "<p>Enter this key: <code>R237 2WJ6 NAMN</code></p></body></html>"
    )
    assert check_page(page) == []
    assert check_page(page.replace("<code>", "<span>").replace("</code>", "</span>")) != []
