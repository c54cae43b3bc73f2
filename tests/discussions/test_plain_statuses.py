"""Statuses never contradict each other (issue 18): a held discussion says when it was held;
"No legal order", never "Legal status: None"."""

from __future__ import annotations

import pytest

from convene.people.vocab import LegalStatus
from tests.records.conftest import make_record  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def test_a_held_discussion_shows_when_it_was_held(client, people, make_record):  # noqa: F811
    record = make_record()
    client.force_login(people["bob"])
    html = client.get(f"/discussions/{record.discussion_id}/").content.decode()
    assert ">Held</dt>" in html
    assert ">Planned for</dt>" in html


def test_no_legal_order_reads_as_words(client, people, make_record):  # noqa: F811
    assert LegalStatus.NONE.label == "No legal order"
    record = make_record()
    child = record.discussion.children.get()
    client.force_login(people["bob"])
    html = client.get(f"/children/{child.pk}/").content.decode()
    assert "No legal order" in html
    assert ">None<" not in html
