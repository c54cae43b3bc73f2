"""`convene policy check` and `convene policy explain`: the management command."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from convene.policy.loader import PACKS_DIR

FACTS = {
    "received_at": "2026-03-07T10:15:00+00:00",
    "significant_harm_suspected": True,
    "immediate_risk": True,
    "categories": ["serious_physical_injury"],
    "events": {"s47_decided": "2026-03-07T20:00:00+00:00"},
}


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("policy", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def facts_file(tmp_path):
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(FACTS), encoding="utf-8")
    return path


def test_check_the_shipped_packs():
    out, err = run("check")
    assert err == ""
    assert out.count("ok: ") == 5
    out, _ = run("check", str(PACKS_DIR / "halton.toml"))
    assert out.strip() == f"ok: {PACKS_DIR / 'halton.toml'}"


def test_check_prints_every_problem_and_fails(fixtures_dir):
    out, err = StringIO(), StringIO()
    bad = fixtures_dir / "bad" / "many_problems.toml"
    good = PACKS_DIR / "england.toml"
    with pytest.raises(CommandError, match=r"8 problem\(s\) in 1 of 2 file\(s\)") as raised:
        call_command("policy", "check", str(bad), str(good), stdout=out, stderr=err)
    assert raised.value.returncode == 1
    lines = err.getvalue().splitlines()
    assert len(lines) == 8
    assert all(line.startswith("tests/policy/fixtures/bad/many_problems.toml: ") for line in lines)
    assert "rule many_problems.convene: amount: a same_day timescale takes amount = 0" in (
        err.getvalue()
    )
    assert out.getvalue().strip() == f"ok: {good}"


def test_R004_1_explain_as_text(facts_file):
    out, _ = run("explain", "halton", "--facts", str(facts_file), "--at", "2026-03-08T09:00:00Z")
    assert "Pathway recommended: strategy_discussion" in out
    assert "convene: due 2026-03-07T23:59:59+00:00 OVERDUE  [halton.convene.immediate_risk]" in out
    assert "cites R004.1, R004.2: Halton local procedures" in out


def test_R003_8_explain_as_json(facts_file):
    out, _ = run("explain", "warwickshire", "--facts", str(facts_file), "--json")
    data = json.loads(out)
    assert data["recommendation"]["pathway"] == "strategy_meeting"
    [visit] = [d for d in data["deadlines"] if d["clock"] == "s47_visit"]
    assert visit["due_at"] == "2026-03-08T20:00:00+00:00"
    assert visit["citation"]["requirements"] == ["R003.8"]


def test_explain_a_pack_file(facts_file, fixtures_dir):
    path = fixtures_dir / "good" / "halton_variant.toml"
    out, _ = run("explain", str(path), "--facts", str(facts_file), "--json")
    assert json.loads(out)["policy"]["id"] == "halton_variant"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["explain", "atlantis"], "no policy pack 'atlantis'"),
        (["explain", "halton", "--at", "tomorrow"], "not an ISO 8601 date-time"),
        (["explain", "halton", "--at", "2026-03-08T09:00"], "needs a UTC offset"),
    ],
)
def test_explain_refuses_bad_arguments(facts_file, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args, "--facts", str(facts_file))


def test_explain_reports_bad_facts(tmp_path):
    path = tmp_path / "facts.json"
    path.write_text(json.dumps({"received_at": "2026-03-07", "colour": "blue"}), encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        run("explain", "halton", "--facts", str(path))
    message = str(raised.value)
    assert "colour: unknown key" in message
    assert "significant_harm_suspected: Field required" in message


def test_explain_reports_a_missing_facts_file(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run("explain", "halton", "--facts", str(tmp_path / "nope.json"))


def test_R004_6_R002_1_explain_missing_episode_with_immediate_risk(tmp_path):
    # Issue 11: the strategy discussion and its same-day timescale stand, and the
    # explanation also advises the trigger meeting for the missing episode.
    path = tmp_path / "facts.json"
    facts = {**FACTS, "categories": ["missing_episode"], "events": {}}
    path.write_text(json.dumps(facts), encoding="utf-8")
    out, _ = run("explain", "halton", "--facts", str(path))
    assert "Pathway recommended: strategy_discussion" in out
    assert "convene: due 2026-03-07T23:59:59+00:00  [halton.convene.immediate_risk]" in out
    assert "Also advised (trigger_meeting): " in out
    assert "[halton.advice.missing_trigger_meeting]" in out
    data = json.loads(run("explain", "halton", "--facts", str(path), "--json")[0])
    assert [a["rule_id"] for a in data["advice"]] == ["halton.advice.missing_trigger_meeting"]
    alone = {**facts, "immediate_risk": False}
    path.write_text(json.dumps(alone), encoding="utf-8")
    out, _ = run("explain", "halton", "--facts", str(path))
    assert "Pathway recommended: trigger_meeting" in out
    assert "Also advised" not in out


def test_R002_2_explain_shows_the_triage_clock_a_convene_default(tmp_path):
    path = tmp_path / "facts.json"
    facts = {**FACTS, "immediate_risk": False, "categories": ["physical"], "events": {}}
    path.write_text(json.dumps(facts), encoding="utf-8")
    out, _ = run("explain", "halton", "--facts", str(path))
    assert "triage: due 2026-03-09T23:59:59+00:00  [england.triage] (governs)" in out
    assert "basis default" in out


def test_R000_1_R004_7_explain_shows_the_reasons_asked_and_interpretations(tmp_path):
    path = tmp_path / "facts.json"
    facts = {**FACTS, "categories": ["cse"], "aged_18_or_over": True, "events": {}}
    path.write_text(json.dumps(facts), encoding="utf-8")
    out, _ = run("explain", "halton", "--facts", str(path))
    assert "Reason to record before deciding: Why go on with a strategy discussion" in out
    assert "[england.reason.aged_18_or_over]" in out
    assert "[halton.reason.exploitation_not_screened]" in out
    # A local reading of the guidance is shown with the rule (issue 11, point 8).
    assert "    reading: The procedure says these follow 'locally determined timescales'" in out
