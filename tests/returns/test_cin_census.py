# ruff: noqa: S314 - parses only the XML this test has just generated
"""The CIN census XML (issue 13), validated with the DfE's rules as Data to Insight publish
them (``csc-validator-be-cin``, the current year's ruleset): no rule about S47 enquiries or
the ICPC fails."""

from __future__ import annotations

import importlib
import inspect
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import pytest
from cin_validator import cin_validator
from django.core.management import call_command
from django.utils.text import slugify

from convene.followup.conferences import services
from convene.followup.conferences.services import icpc_confirm, icpc_held, icpc_set_date
from convene.returns.cin import CensusYear
from tests.followup.conftest import london, outcome, visit

pytestmark = pytest.mark.django_db

RULESET = "cin2026_27"  # the census year ending 31 March 2027
# Fails only because the council's case system supplies the assessment (docs/returns.md).
CASE_SYSTEM_ONLY = {"2991Q"}
S47_FIELDS = ("Section47", "DateOfInitialCPC", "S47ActualStartDate", "ICPCnotRequired")


def s47_rules() -> set[str]:
    """Every rule of the ruleset that reads the Section 47 module or the ICPC date."""
    registry = importlib.import_module(f"cin_validator.rules.{RULESET}").registry
    found = set()
    for _, rule in registry.items():
        source = Path(inspect.getsourcefile(rule.func) or "").read_text()
        if any(word in source for word in S47_FIELDS):
            found.add(str(rule.code))
    return found


def validate(xml: bytes) -> set[str]:
    root = ET.fromstring(xml)
    data = cin_validator.process_data(cin_validator.convert_data(root))
    registry = importlib.import_module(f"cin_validator.rules.{RULESET}").registry
    result = cin_validator.CinValidator(data, registry)
    failed = {str(c) for c in result.full_issue_df["rule_code"]}
    failed |= {str(c) for c in result.multichild_issues.get("rule_code", [])}
    return failed


@pytest.fixture
def partnership_year(enquiry, people, partnership):
    """Three children: one to an ICPC held in time, one concluded with no ICPC needed, one
    S47 started in the last fortnight of the year (open, not yet drifting)."""
    held = london(2026, 5, 6, 13, 0)
    a = visit(
        enquiry(held_at=held, legal_status="child_in_need"), people, at=held + timedelta(hours=3)
    )
    a = outcome(a, people, "significant_harm", now=held + timedelta(days=5))
    assert a.icpc is not None
    icpc = icpc_confirm(icpc=a.icpc, by=people["hana"], now=held + timedelta(days=6))
    icpc = icpc_set_date(
        icpc=icpc,
        conference_at=london(2026, 5, 20, 10, 0),
        venue="Riverside House",
        by=people["alice"],
        now=held + timedelta(days=6),
    )
    icpc_held(
        icpc=icpc,
        held_at=london(2026, 5, 20, 10, 0),
        by=people["alice"],
        now=london(2026, 5, 20, 12),
    )
    held_b = london(2026, 6, 10, 13, 0)
    b = visit(enquiry(held_at=held_b), people, at=held_b + timedelta(hours=3))
    outcome(b, people, "child_in_need_plan", now=held_b + timedelta(days=7))
    enquiry(held_at=london(2027, 3, 17, 13, 0))
    return partnership


def test_census_passes_every_s47_and_icpc_rule(partnership_year, tmp_path):
    out = tmp_path / "cin.xml"
    call_command(
        "returns",
        "cin-census",
        "--partnership",
        slugify(partnership_year.name),
        "--year",
        "2027",
        "--output",
        str(out),
    )
    xml = out.read_bytes()
    root = ET.fromstring(xml)
    assert len(root.findall("Children/Child")) == 3
    s47s = root.findall(".//Section47")
    assert [s.findtext("S47ActualStartDate") for s in s47s] == [
        "2026-05-06",
        "2026-06-10",
        "2027-03-17",
    ]
    assert [s.findtext("DateOfInitialCPC") for s in s47s] == ["2026-05-20", None, None]
    assert [s.findtext("ICPCnotRequired") for s in s47s] == ["0", "1", "0"]
    # 15 working days from Wednesday 6 May 2026, skipping the Spring bank holiday (25 May).
    assert s47s[0].findtext("InitialCPCtarget") == "2026-05-28"
    rules = s47_rules()
    assert {
        "8615",
        "2889",
        "1104",
        "8675Q",
        "8740",
        "8839",
        "8890",
        "8868",
        "8870Q",
        "8875",
        "2884",
    } <= rules
    failed = validate(xml)
    assert (failed & rules) - CASE_SYSTEM_ONLY == set(), failed


def test_census_year_leaves_out_what_concluded_before_it(partnership_year):
    from django.utils import timezone

    from convene.returns.cin import census_xml

    xml = census_xml(partnership=partnership_year, year=CensusYear(2028), now=timezone.now())
    # Only the S47 still open on 1 April 2027 is in the next year's return.
    starts = [s.findtext("S47ActualStartDate") for s in ET.fromstring(xml).iter("Section47")]
    assert starts == ["2027-03-17"]


def test_annex_a_list_5(partnership_year, tmp_path, people):
    from openpyxl import load_workbook

    from convene.followup.models import Icpc
    from convene.returns.annex_a import COLUMNS, annex_a_rows

    # Blank until the conference's outcome is recorded; then the child's answer.
    def plan_column() -> list[object]:
        rows = annex_a_rows(
            partnership=partnership_year, start=date(2026, 4, 1), end=date(2026, 12, 31)
        )
        return [row[9] for row in rows]

    assert plan_column() == [None, None]
    icpc = Icpc.objects.get()
    (child_enquiry,) = icpc.enquiries.all()
    services.icpc_outcome_record(
        icpc=icpc, plans={child_enquiry.pk: True}, by=people["alice"], now=london(2026, 5, 20, 13)
    )
    assert plan_column() == ["Yes", None]

    out = tmp_path / "annex.xlsx"
    call_command(
        "returns",
        "annex-a",
        "--partnership",
        str(partnership_year.pk),
        "--from",
        "2026-04-01",
        "--to",
        "2026-12-31",
        "--output",
        str(out),
    )
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert len(rows) == 3  # the March 2027 enquiry is outside the period
    first, second = rows[1], rows[2]
    assert first[6].date().isoformat() == "2026-05-06"
    assert (first[7], first[8].date().isoformat()) == ("No", "2026-05-20")
    assert (second[7], second[8]) == ("Yes", None)
    assert (first[10], first[11]) == (1, 0)  # the ICPC was after the S47 started
    assert (first[9], second[9]) == ("Yes", None)  # a plan; no conference for the second
    # Allocated team and worker, from allocation: triaged by bob, who is in no team here.
    assert (first[12], first[13]) == (None, "Bob Bennett")
