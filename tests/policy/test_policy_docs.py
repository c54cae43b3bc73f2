"""The examples in docs/policy.md are real: they parse, validate and explain."""

import re
import tomllib
from pathlib import Path

from pydantic import TypeAdapter

from convene.policy.explanation import explain
from convene.policy.facts import parse_facts_document
from convene.policy.loader import load_pack
from convene.policy.schema import Rule
from convene.policy.vocab import ClockKind, Decision, Pathway, RecordSection, StartEvent

DOC = (Path(__file__).parents[2] / "docs" / "policy.md").read_text(encoding="utf-8")


def blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", DOC, re.S)


def test_the_facts_example_parses_and_explains():
    [example] = blocks("json")
    document = parse_facts_document(example)
    explanation = explain(load_pack("halton"), document.facts, events=document.events)
    assert explanation.recommendation.pathway is Pathway.STRATEGY_DISCUSSION
    assert {d.clock for d in explanation.deadlines} >= {ClockKind.CONVENE, ClockKind.ICPC}


def test_the_rule_example_is_a_valid_rule():
    [example] = blocks("toml")
    [rule] = tomllib.loads(example)["rules"]
    assert TypeAdapter(Rule).validate_python(rule).id == "halton.convene.standard"


def test_the_vocabulary_table_lists_every_value():
    for enum in (Pathway, Decision, RecordSection, ClockKind, StartEvent):
        [row] = [line for line in DOC.splitlines() if line.startswith(f"| `{enum.__name__}` |")]
        assert re.findall(r"`([a-z0-9_]+)`", row.split("|")[2]) == [str(v) for v in enum]
