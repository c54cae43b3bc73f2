"""Every rule of every shipped pack is exercised by a test named with its requirement ids.

The tests are read, not run: a rule counts as exercised by a test function
whose body names the rule id (the pack tests assert which rule produced each
answer) and whose name carries one of the rule's requirement ids, e.g.
``test_R004_1_...`` for a rule citing R004.1.
"""

import ast
import re
from pathlib import Path

import pytest

from convene.policy.loader import available_packs, load_pack

HERE = Path(__file__).parent
REQUIREMENTS = HERE.parents[2] / "shared" / "REQUIREMENTS.md"


def _tests_naming_rules() -> dict[str, set[str]]:
    """rule id -> names of the test functions whose body mentions it."""
    found: dict[str, set[str]] = {}
    for path in HERE.glob("test_*.py"):
        if path.name == Path(__file__).name:
            continue
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                body = ast.get_source_segment(source, node) or ""
                for rule_id in re.findall(r"[\"']([a-z0-9_]+(?:\.[a-z0-9_]+)+)[\"']", body):
                    found.setdefault(rule_id, set()).add(node.name)
    return found


TESTS = _tests_naming_rules()
RULES = sorted(
    {
        (rule.id, rule.source.requirements)
        for pack in available_packs()
        for rule in load_pack(pack).rules
    }
)


@pytest.mark.parametrize(("rule_id", "requirements"), RULES, ids=[r for r, _ in RULES])
def test_every_rule_is_exercised_by_a_test_named_with_its_requirements(rule_id, requirements):
    tests = TESTS.get(rule_id, set())
    assert tests, f"no test names {rule_id}"
    markers = {requirement.replace(".", "_") for requirement in requirements}
    named = {test for test in tests if any(re.search(rf"{m}(?!\d)", test) for m in markers)}
    assert named, f"{rule_id} is tested only by {sorted(tests)}, none named with {sorted(markers)}"


@pytest.mark.skipif(
    not REQUIREMENTS.is_file(), reason="shared/REQUIREMENTS.md is not beside the repo"
)
def test_every_cited_requirement_exists():
    known = set(re.findall(r"^- (R\d{3}\.\d+) ", REQUIREMENTS.read_text(encoding="utf-8"), re.M))
    cited = {req for _, requirements in RULES for req in requirements}
    assert cited - known == set()
