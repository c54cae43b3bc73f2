import pytest
from django.core.management import call_command

from convene.allocation.models import Allocation, Team

pytestmark = pytest.mark.django_db


def test_demo_has_teams_and_allocated_cases(capsys):
    call_command("demo", children=30, history=0)
    assert Team.objects.filter(name="Duty and assessment team", members__username="alice").exists()
    open_rows = Allocation.objects.filter(ended_at__isnull=True)
    assert open_rows.filter(social_worker__username="alice").exists()
    # Re-allocated from the triaging manager: the history keeps who held it before.
    assert Allocation.objects.filter(ended_at__isnull=False, social_worker__username="bob").exists()
