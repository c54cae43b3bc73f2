import re

import pytest
from django.core.management import CommandError, call_command

from convene.people import nhs_number, personas
from convene.people.models import Child, ChildLink, FamilyRelationship, Professional

pytestmark = pytest.mark.django_db


def _password(out: str) -> str:
    found = re.search(r"^Password for every demo sign-in: (\S+)$", out, re.MULTILINE)
    assert found, out
    return found.group(1)


def test_demo_builds_a_synthetic_partnership_and_prints_sign_ins(capsys):
    call_command("demo", children=120, history=0)
    out = capsys.readouterr().out
    assert "120 children created" in out
    for persona in personas.PERSONAS:
        assert persona.username in out
    assert "Password for every demo sign-in:" in out
    assert Child.objects.count() == 120
    born = Child.objects.exclude(nhs_number="")
    assert all(c.nhs_number.startswith("999") for c in born)
    assert all(nhs_number.normalise(c.nhs_number) == c.nhs_number for c in born)
    assert ChildLink.objects.exists()  # siblings are linked
    assert FamilyRelationship.objects.count() >= 120
    assert Professional.objects.get(username="alice").check_password(_password(out))


def test_a_second_run_adds_no_children_and_sets_a_new_password(capsys):
    call_command("demo", children=30, history=0)
    first = _password(capsys.readouterr().out)
    call_command("demo", children=30, history=0)
    second_out = capsys.readouterr().out
    assert "0 children created" in second_out
    assert Child.objects.count() == 30
    assert first != _password(second_out)


def test_demo_refuses_a_negative_count():
    with pytest.raises(CommandError, match="--children must be between"):
        call_command("demo", children=-1)
    assert not Child.objects.exists()


def test_the_links_between_children_and_adults_read_back_as_written():
    """They are inserted as plain rows (convene.people.demo._insert_rows), not as models."""
    call_command("demo", children=200, history=0, quiet_logins=True)
    links = list(ChildLink.objects.select_related("from_child", "to_child"))
    assert links
    pairs = {(link.from_child_id, link.to_child_id) for link in links}
    for link in links:
        assert link.kind == ChildLink.Kind.SIBLING
        assert link.from_child.last_name == link.to_child.last_name
        assert (link.to_child_id, link.from_child_id) in pairs
    relationships = list(FamilyRelationship.objects.select_related("child", "family_member"))
    assert {r.child_id for r in relationships} == set(Child.objects.values_list("pk", flat=True))
    mother = FamilyRelationship.Relationship.MOTHER
    for found in relationships:
        assert found.relationship in {mother, FamilyRelationship.Relationship.FATHER}
        assert found.parental_responsibility is True
        assert found.lives_with_child is (found.relationship == mother)
        assert found.family_member.last_name == found.child.last_name
    assert any(r.alleged_perpetrator is True for r in relationships)
    assert any(r.alleged_perpetrator is False for r in relationships)
