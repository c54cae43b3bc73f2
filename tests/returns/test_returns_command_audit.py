"""`convene returns` writes a file of children's details: like a download from the Returns
page, each run is one export in the audit log (issue 13, "Who sees what": every download is
audited as an export), by the operating-system account that ran it. A refused run (a last
day before the first) writes no file and no entry."""

from __future__ import annotations

import getpass

import pytest
from django.core.management import CommandError, call_command

from convene.audit.models import Action as AuditAction
from convene.audit.models import AuditEntry
from tests.returns.test_cin_census import partnership_year  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def _exports() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=AuditAction.EXPORT).order_by("sequence"))


def test_each_return_written_is_one_export(partnership_year, tmp_path):  # noqa: F811
    before = len(_exports())
    pk = str(partnership_year.pk)
    census, annex = tmp_path / "cin.xml", tmp_path / "list5.xlsx"
    call_command("returns", "cin-census", "--partnership", pk, "--year", "2027", "--output", census)
    call_command(
        "returns", "annex-a", "--partnership", pk, "--from", "2026-04-01", "--to", "2027-03-31",
        "--output", annex,
    )  # fmt: skip
    new = _exports()[before:]
    assert [(e.actor_id, e.actor_username) for e in new] == [(None, getpass.getuser())] * 2
    assert new[0].summary.startswith("Wrote the Children in need census 2026 to 2027 (XML)")
    assert "3 children" in new[0].summary
    assert str(census) in new[0].summary
    assert new[1].summary.startswith("Wrote Ofsted Annex A, List 5 (XLSX)")
    assert "1 April 2026 to 31 March 2027: 3 rows" in new[1].summary


def test_a_refused_run_writes_nothing(partnership_year, tmp_path):  # noqa: F811
    before = len(_exports())
    out = tmp_path / "list5.xlsx"
    with pytest.raises(CommandError, match="--to must not be before --from"):
        call_command(
            "returns", "annex-a", "--partnership", str(partnership_year.pk),
            "--from", "2027-04-01", "--to", "2027-03-31", "--output", out,
        )  # fmt: skip
    assert not out.exists()
    assert len(_exports()) == before
