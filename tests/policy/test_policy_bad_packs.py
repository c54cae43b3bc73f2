"""Bad policy files give clear errors naming the file, the rule id and the key; none loads."""

import pytest

from convene.policy.errors import PolicyError, PolicyInvalid
from convene.policy.loader import check_file, load_pack_file


def problems(fixtures_dir, name):
    path = fixtures_dir / "bad" / f"{name}.toml"
    with pytest.raises(PolicyInvalid) as raised:
        load_pack_file(path)
    # check (the command) and load report exactly the same problems.
    assert list(raised.value.errors) == check_file(path)
    return raised.value.errors


def only(errors) -> PolicyError:
    assert len(errors) == 1, errors
    return errors[0]


def test_unknown_key_is_named_with_a_suggestion(fixtures_dir):
    errors = problems(fixtures_dir, "unknown_key")
    found = {(e.rule_id, e.key): e.message for e in errors}
    assert found[("unknown_key.convene", "amout")] == "unknown key (did you mean 'amount'?)"
    assert found[(None, "extnds")] == "unknown key"
    assert all(e.file == "tests/policy/fixtures/bad/unknown_key.toml" for e in errors)


def test_unknown_role(fixtures_dir):
    error = only(problems(fixtures_dir, "unknown_role"))
    assert (error.rule_id, error.key) == ("unknown_role.attendance", "roles[1]")
    assert error.message.startswith("unknown value 'wizard'; expected one of: 'triage_advisor'")
    assert str(error).startswith(
        "tests/policy/fixtures/bad/unknown_role.toml: rule unknown_role.attendance: roles[1]: "
    )


def test_negative_amount(fixtures_dir):
    error = only(problems(fixtures_dir, "negative_amount"))
    assert (error.rule_id, error.key) == ("negative_amount.convene", "amount")
    assert error.message == "must be 0 or more, got -1"


def test_overlapping_versions(fixtures_dir):
    error = only(problems(fixtures_dir, "overlapping_versions"))
    assert (error.rule_id, error.key) == ("overlapping_versions.visit", "effective_from")
    assert "overlaps the version in force from 2025-01-01 to no end" in error.message


@pytest.mark.parametrize(("start", "other"), [("cycle_a", "cycle_b"), ("cycle_b", "cycle_a")])
def test_a_cycle_of_extends(fixtures_dir, start, other):
    error = only(problems(fixtures_dir, start))
    assert error.file.endswith(f"{other}.toml")
    assert error.key == "extends"
    assert error.message == f"cycle: {start} → {other} → {start}"


def test_unknown_extends(fixtures_dir):
    error = only(problems(fixtures_dir, "unknown_extends"))
    assert (error.rule_id, error.key) == (None, "extends")
    assert error.message.startswith("no pack 'nowhere': looked for nowhere.toml in ")


def test_unknown_include(fixtures_dir):
    error = only(problems(fixtures_dir, "unknown_include"))
    assert (error.key, error.message.split(":")[0]) == ("include", "no standard 'qs1999'")


def test_bad_unit(fixtures_dir):
    error = only(problems(fixtures_dir, "bad_unit"))
    assert (error.rule_id, error.key) == ("bad_unit.visit", "unit")
    assert "'fortnights'" in error.message
    assert "'working_days'" in error.message


def test_bad_date(fixtures_dir):
    error = only(problems(fixtures_dir, "bad_date"))
    assert (error.rule_id, error.key) == ("bad_date.visit", "effective_from")
    assert error.message == "not a date: '2026-13-01' (write it as 2026-04-01)"


def test_not_toml_names_the_line(fixtures_dir):
    error = only(problems(fixtures_dir, "not_toml"))
    assert error.rule_id is None
    assert "line 4" in error.message


def test_several_problems_in_one_file_are_all_reported(fixtures_dir):
    errors = problems(fixtures_dir, "many_problems")
    found = {(e.rule_id, e.key) for e in errors}
    assert found == {
        ("many_problems.convene", "amount"),  # same_day with an amount
        ("many_problems.convene", "interpretation"),  # basis default, no reason given
        ("many_problems.convene", "source.document"),  # not in [documents]
        ("elsewhere.attendance", "roles[0]"),
        ("elsewhere.attendance", "source.requirements[0]"),
        ("many_problems.meeting", "priority"),
        ("many_problems.who", "requirement"),
        ("many_problems.mystery", ""),  # unknown kind
    }
    assert str(PolicyInvalid(errors)).startswith("8 problems in policy:\n  ")


def test_replaces_must_name_a_base_rule_of_the_same_kind(fixtures_dir):
    messages = {e.message for e in problems(fixtures_dir, "bad_replaces")}
    assert messages == {
        "no rule 'england.nothing' in the packs it builds on",
        "'england.chair' is a chair rule; a timescale rule cannot replace it",
    }


def test_pathway_priorities_must_differ(fixtures_dir):
    error = only(problems(fixtures_dir, "priority_clash"))
    assert (error.rule_id, error.key) == ("priority_clash.meeting", "priority")
    assert "england.pathway.strategy_discussion" in error.message


def test_one_escalation_rule_per_clock_without_conditions(fixtures_dir):
    found = {e.key: e.message for e in problems(fixtures_dir, "escalation_clash")}
    assert set(found) == {
        "applies_when",
        "clocks",
        "levels[1]",
        "levels[1].after_working_days",
    }
    assert "england.escalation.convene also escalates the convene clock" in found["clocks"]


def test_an_invalid_base_means_the_pack_does_not_load(fixtures_dir):
    error = only(problems(fixtures_dir, "child_of_invalid"))
    assert error.file.endswith("invalid_base.toml")
    assert (error.rule_id, error.key) == ("invalid_base.visit", "amount")


def test_closure_days_must_be_within_the_calendar(fixtures_dir):
    error = only(problems(fixtures_dir, "closure_out_of_range"))
    assert error.key == "closure_days"
    assert "1999-12-24" in error.message


def test_the_id_must_match_the_file_name(fixtures_dir):
    error = only(problems(fixtures_dir, "wrong_name"))
    assert (error.key, error.message) == (
        "id",
        "'right_name' must match the file name 'wrong_name'",
    )


def test_every_bad_fixture_is_refused(fixtures_dir):
    for path in sorted((fixtures_dir / "bad").glob("*.toml")):
        assert check_file(path), f"{path.name} loaded without a problem"


def test_R002_1_R004_1_R004_6_a_pathway_ending_the_duty_to_convene_never_wins_when_urgent(
    fixtures_dir,
):
    # Issue 11: a pathway that ends the duty to convene (trigger meeting, HRPM
    # consideration, no strategy discussion) must not win for a case that a
    # same-day or immediate-risk rule also matches.
    errors = problems(fixtures_dir, "duty_ended_when_urgent")
    found = {(e.rule_id, e.key) for e in errors}
    assert found == {
        ("duty_ended_when_urgent.missing", "applies_when"),
        ("duty_ended_when_urgent.no_review", "applies_when"),
    }
    messages = " ".join(e.message for e in errors)
    assert "england.convene.immediate_risk" in messages
    assert "duty_ended_when_urgent.same_day_injury" in messages
    assert "immediate_risk = True" in messages
    assert all(e.file.endswith("duty_ended_when_urgent.toml") for e in errors)


def test_R002_1_R004_6_a_pathway_keeping_out_urgent_cases_loads(fixtures_dir):
    assert check_file(fixtures_dir / "good" / "duty_kept.toml") == []
    load_pack_file(fixtures_dir / "good" / "duty_kept.toml")


def test_R002_2_a_local_reading_of_the_edition_must_say_how_it_differs(fixtures_dir):
    # Issue 11: where a local pack reads a rule differently from Working Together
    # 2023 (it replaces a baseline rule), its interpretation says so.
    error = only(problems(fixtures_dir, "reading_unsaid"))
    assert (error.rule_id, error.key) == ("reading_unsaid.convene", "interpretation")
    assert error.message.startswith("replaces england.convene.default: say in interpretation")
