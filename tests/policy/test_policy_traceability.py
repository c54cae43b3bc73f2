"""docs/traceability.md is generated; it must match what the generator writes today."""

import pytest

from convene.policy import traceability

SAMPLE = """# Requirements catalogue

## 004 — Halton local procedures
- R004.1 Same day as the referral.
- R004.3 All other cases: no later than 3 days after the request.
- R004.10 A made-up requirement nobody carries.
"""


@pytest.mark.skipif(
    not traceability.REQUIREMENTS.is_file(),
    reason="shared/REQUIREMENTS.md is not beside the repository",
)
def test_the_committed_traceability_is_up_to_date():
    requirements = traceability.parse_requirements(
        traceability.REQUIREMENTS.read_text(encoding="utf-8")
    )
    expected = traceability.render(requirements)
    assert traceability.OUTPUT.read_text(encoding="utf-8") == expected, (
        "docs/traceability.md is out of date: run python -m convene.policy.traceability"
    )


def test_rules_code_and_tests_are_found_for_each_id():
    requirements = traceability.parse_requirements(SAMPLE)
    assert [r.id for r in requirements] == ["R004.1", "R004.3", "R004.10"]
    rows = {row.requirement.id: row for row in traceability.rows(requirements)}
    assert "halton.convene.standard" in rows["R004.3"].rules
    assert "convene/policy/facts.py" in rows["R004.1"].code
    assert any("test_R004_3_" in test for test in rows["R004.3"].tests)
    # R004.1 must not pick up R004.10, nor the other way round.
    assert rows["R004.10"].rules == rows["R004.10"].code == rows["R004.10"].tests == ()
    # Issue 11: plainly fully, partly or not carried, and why.
    assert rows["R004.10"].status == "not carried"
    assert rows["R004.10"].why == "No pack rule or code cites it; no test is named with it"
    assert rows["R004.1"].status == "fully carried"
    assert rows["R004.1"].why == ""


def test_the_document_lists_what_is_not_yet_carried():
    text = traceability.render(traceability.parse_requirements(SAMPLE))
    assert "## 004 — Halton local procedures" in text
    assert (
        "- **R004.10** (not carried): No pack rule or code cites it; no test is named with it"
        in text
    )
    assert "3 requirements: 2 fully carried, 0 partly carried, 1 not carried." in text
    assert "| Status | Why not fully |" in text


def test_R004_7_a_requirement_carried_in_part_says_why():
    sample = "## 004 — Halton\n- R004.7 Exploitation: a screening tool is completed.\n"
    [row] = traceability.rows(traceability.parse_requirements(sample))
    assert row.status == "partly carried"
    assert row.why.startswith("Policy carries 'every HIGH rating")
