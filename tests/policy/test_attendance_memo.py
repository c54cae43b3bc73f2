"""The engine keeps who must attend per pack for cases the rules cannot tell apart (issue
15: the API's discussion list asks it of every row). Kept answers are the answers."""

from __future__ import annotations

from convene.policy import engine


def test_R001_4_a_kept_answer_is_the_answer_for_the_same_facts_and_rules(england, make_facts):
    morning = make_facts(received_at="2026-01-07T09:00:00+00:00", significant_harm_suspected=True)
    evening = make_facts(received_at="2026-01-07T17:30:00+00:00", significant_harm_suspected=True)
    england.memo.clear()
    first = engine.required_attendance(england, morning)
    assert first == engine._required_attendance(england, morning)
    assert engine.required_attendance(england, evening) == first
    assert len(england.memo) == 1
    # Other facts: their own answer, computed afresh.
    in_care = make_facts(
        received_at="2026-01-07T09:00:00+00:00",
        significant_harm_suspected=True,
        legal_status="child_in_care",
        medical_needed=True,
    )
    assert engine.required_attendance(england, in_care) == engine._required_attendance(
        england, in_care
    )
    assert len(england.memo) == 2
    # A caller may change its list without changing the kept one.
    engine.required_attendance(england, morning).clear()
    assert engine.required_attendance(england, morning) == first


def test_the_kept_answers_are_bounded(england, make_facts, monkeypatch):
    monkeypatch.setattr(engine, "MEMO_MAX", 2)
    england.memo.clear()
    for day in ("2026-01-05", "2026-01-06", "2026-01-07"):
        facts = make_facts(received_at=f"{day}T09:00:00+00:00", significant_harm_suspected=True)
        engine.required_attendance(england, facts)
    assert len(england.memo) <= 2
