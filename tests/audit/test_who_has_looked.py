"""Looking is recorded: the child page, the list, the admin; and the child page shows who looked."""

from __future__ import annotations

import re

import pytest

from convene.audit.models import Action, AuditEntry
from convene.audit.selectors import audit_viewers_of
from convene.people.factories import ChildFactory

pytestmark = pytest.mark.django_db


def test_opening_a_childs_record_is_recorded(client, people, child):
    client.force_login(people["alice"])
    client.get(f"/children/{child.pk}/", REMOTE_ADDR="198.51.100.4")
    entry = AuditEntry.objects.get(action=Action.VIEW)
    assert entry.actor == people["alice"]
    assert entry.child_id == child.pk
    assert (entry.object_type, entry.object_id) == ("people.child", str(child.pk))
    assert entry.remote_addr == "198.51.100.4"


def test_a_refused_look_is_not_recorded_as_a_look(client, people, child):
    client.force_login(people["carol"])
    assert client.get(f"/children/{child.pk}/").status_code == 404
    assert not AuditEntry.objects.filter(action=Action.VIEW).exists()


def test_a_search_is_one_entry_however_many_children_it_shows(client, people, partnership):
    ChildFactory.create_batch(30, partnership=partnership, last_name="Smith")
    client.force_login(people["bob"])
    client.get("/", {"q": "Smith"})
    entries = AuditEntry.objects.filter(action=Action.SEARCH)
    assert entries.count() == 1
    entry = entries.get()
    assert entry.child_id is None
    assert "‘Smith’" in entry.summary
    assert "30 found" in entry.summary


def test_the_child_page_shows_who_has_looked(client, people, child):
    for username in ("bob", "ivy"):
        client.force_login(people[username])
        client.get(f"/children/{child.pk}/")
    client.force_login(people["alice"])
    client.get(f"/children/{child.pk}/")
    html = client.get(f"/children/{child.pk}/looked/").content.decode()
    table = html[html.index("Who has looked at") :]
    assert "Alice Ashworth" in table
    assert "Bob Bennett" in table
    assert "Ivy Irwin" in table
    assert "Riverside Children&#x27;s Social Care" in table
    # Newest first: alice (this view) before ivy before bob.
    assert table.index("Alice Ashworth") < table.index("Ivy Irwin") < table.index("Bob Bennett")


def test_who_has_looked_is_about_this_child_only(people, child, partnership):
    from convene.audit.services import audit_record

    other = ChildFactory(partnership=partnership)
    audit_record(actor=people["bob"], action=Action.VIEW, obj=other, summary="Viewed")
    audit_record(actor=people["alice"], action=Action.VIEW, obj=child, summary="Viewed")
    audit_record(actor=people["alice"], action=Action.SEARCH, summary="Searched")
    assert [e.actor_username for e in audit_viewers_of(child=child)] == ["alice"]


def test_the_child_page_does_not_grow_queries_with_its_viewers(
    client, people, child, django_assert_max_num_queries
):
    from convene.audit.services import audit_record

    for _ in range(40):
        audit_record(actor=people["bob"], action=Action.VIEW, obj=child, summary="Viewed")
    client.force_login(people["alice"])
    # The chronology adds one query per kind of record (tests/allocation/test_child_story.py
    # checks it stays constant as the case grows).
    with django_assert_max_num_queries(40):
        client.get(f"/children/{child.pk}/")


def test_admin_views_and_changes_of_a_child_are_recorded(client, people, child):
    client.force_login(people["admin"])
    client.get("/admin/people/child/", {"q": "Smith"})
    form = client.get(f"/admin/people/child/{child.pk}/change/").content.decode()
    search = AuditEntry.objects.get(action=Action.SEARCH)
    assert "‘Smith’ in the administration pages" in search.summary
    view = AuditEntry.objects.get(action=Action.VIEW)
    assert view.child_id == child.pk
    assert view.actor == people["admin"]
    assert "administration pages" in view.summary
    response = client.post(
        f"/admin/people/child/{child.pk}/change/",
        {
            "partnership": child.partnership_id,
            "first_name": "Annie",
            "last_name": child.last_name,
            "date_of_birth": child.date_of_birth.isoformat(),
            "sex": child.sex,
            "first_language": "English",
            "legal_status": child.legal_status,
            "nhs_number": child.nhs_number,
            **{name: "0" for name in re.findall(r'name="([^"]+-(?:TOTAL|INITIAL)_FORMS)"', form)},
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    change = AuditEntry.objects.get(action=Action.CHANGE)
    assert change.child_id == child.pk


def test_who_has_looked_names_what_was_looked_at_without_growing_queries(
    people, child, partnership, django_assert_max_num_queries
):
    """One query per kind of record, however many entries; a vanished record keeps its kind."""
    from convene.audit.labels import audit_object_labels
    from convene.audit.selectors import audit_looks_at
    from convene.audit.services import audit_record
    from convene.clocks.models import Escalation

    for _ in range(10):
        audit_record(actor=people["bob"], action=Action.VIEW, obj=child, summary="Viewed")
    ghost = Escalation(pk=987654)  # never saved: the log outlives what it names
    entry = audit_record(
        actor=people["bob"], action=Action.VIEW, obj=ghost, child=child, summary="x"
    )
    # The kinds, alice's roles, her partnerships' ids (read once, as values: issue 15,
    # ``partnership_ids_of``), a content type (then cached), the entries (filtered by
    # what alice may see, in the same query), the children's labels.
    with django_assert_max_num_queries(6):
        looks = audit_looks_at(child=child, user=people["alice"], limit=50)
    # A vanished record cannot be shown to be one the reader may see: it is left out...
    assert [look.what for look in looks] == ["The child's details"] * 10
    # ...and the label still says what kind of thing it was, for the admin's log.
    assert audit_object_labels([entry]) == {("clocks.escalation", "987654"): "Escalation"}
    assert audit_object_labels([]) == {}


def test_the_child_page_links_to_who_has_looked_and_reads_no_looks_itself(client, people, child):
    """Issue 18: the table moved to /children/<pk>/looked/; the child page only links to it
    and only writes its own look (the INSERT, after reading the chain's last hash)."""
    from django.db import connection

    from tests.queries import CaptureQueriesContext

    client.force_login(people["alice"])
    with CaptureQueriesContext(connection) as captured:
        html = client.get(f"/children/{child.pk}/").content.decode()
    audit_reads = [
        q["sql"]
        for q in captured.captured_queries
        if "audit_auditentry" in q["sql"]
        and not q["sql"].lstrip().upper().startswith("INSERT")
        and '"audit_auditentry"."hash" AS "hash"' not in q["sql"]  # the chain, for the write
    ]
    assert audit_reads == []
    assert f"/children/{child.pk}/looked/" in html
    assert "Times</th>" not in html
