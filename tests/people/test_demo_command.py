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
