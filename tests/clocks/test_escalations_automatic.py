"""A breached clock escalates automatically, to the level each pack names (R004.8)."""

from datetime import date, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from convene.clocks import escalations, parties
from convene.clocks.escalation_sweep import escalations_raise_due
from convene.clocks.escalations import NOTICE_RAISED, EscalationError
from convene.clocks.models import Clock, Escalation
from convene.clocks.parties import PartyMembers
from convene.clocks.services import clock_meet, clock_waive, clocks_sweep
from convene.clocks.sweep import SweepIncomplete, sweep_run
from convene.people.factories import ChildFactory
from convene.people.models import Child
from convene.policy.vocab import ClockKind, Party
from convene.reminders.models import Delivery
from convene.workdays import LONDON, end_of_day, get_calendar
from tests.clocks.helpers import make_clock

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)
FRIDAY_END = end_of_day(date(2026, 12, 4))


def addressed(escalation: Escalation) -> set[str]:
    return {p.username for p in escalation.addressed_to.all()}


def automatic(clock: Clock) -> list[Escalation]:
    return list(clock.escalations.filter(direction="automatic").order_by("level"))


@pytest.mark.parametrize(
    ("policy", "kind", "rule", "first", "unresolved", "after", "second"),
    [
        ("england", ClockKind.CONVENE, "england.escalation.convene", {"bob"}, [], 1, {"hana"}),
        ("england", ClockKind.ICPC, "england.escalation.follow_through", {"bob"}, [], 2, {"hana"}),
        # Nobody can be found for the action's owner without the actions app's
        # resolver: the partnership admin hears instead, and the party is recorded.
        (
            "england",
            ClockKind.ACTION_DUE,
            "england.escalation.actions",
            {"admin"},
            ["action_owner_agency"],
            1,
            {"bob"},
        ),
        (
            "halton",
            ClockKind.CONVENE,
            "halton.escalation.convene",
            {"bob"},
            ["invited_agencies"],
            1,
            {"hana"},
        ),
        (
            "halton",
            ClockKind.ACTION_DUE,
            "halton.escalation.partner_actions",
            {"admin"},
            ["action_owner_agency"],
            1,
            {"bob"},
        ),
        (
            "gloucestershire",
            ClockKind.CONVENE,
            "england.escalation.convene",
            {"bob"},
            [],
            1,
            {"hana"},
        ),
        (
            "warwickshire",
            ClockKind.S47_VISIT,
            "england.escalation.follow_through",
            {"bob"},
            [],
            2,
            {"hana"},
        ),
    ],
)
def test_R004_8_breach_escalates_at_the_level_each_pack_names(
    partnership, people, policy, kind, rule, first, unresolved, after, second
):
    clock = make_clock(
        partnership, kind=kind, policy_id=policy, started_at=MONDAY, due_at=FRIDAY_END
    )
    assert sweep_run(now=FRIDAY_END, send=False)["escalations"] == 0  # not late yet

    sweep_run(now=FRIDAY_END + SECOND, send=False)
    clock.refresh_from_db()
    assert clock.state == Clock.State.BREACHED
    [level_one] = automatic(clock)
    assert (level_one.level, level_one.rule_id) == (1, rule)
    assert addressed(level_one) == first
    assert level_one.unresolved == unresolved
    assert level_one.how_late.startswith("overdue by")
    assert "R004.8" in level_one.citation
    assert level_one.raised_by is None
    assert level_one.subject == clock.subject

    # The next level waits until `after` whole working days after the breach have passed.
    calendar = get_calendar()
    last_quiet = end_of_day(calendar.add_working_days(date(2026, 12, 4), after))
    for now in (datetime(2026, 12, 6, 12, tzinfo=LONDON), last_quiet):
        sweep_run(now=now, send=False)
        assert len(automatic(clock)) == 1, now
    sweep_run(now=last_quiet + SECOND, send=False)
    level_one_again, level_two = automatic(clock)
    assert level_one_again == level_one
    assert (level_two.level, level_two.rule_id) == (2, rule)
    assert addressed(level_two) == second


def test_R004_8_the_second_level_waits_out_the_christmas_bank_holidays(partnership, people):
    clock = make_clock(
        partnership,
        policy_id="england",
        started_at=datetime(2026, 12, 21, 9, tzinfo=LONDON),
        due_at=end_of_day(date(2026, 12, 24)),
    )
    sweep_run(now=datetime(2026, 12, 25, 0, 0, 1, tzinfo=LONDON), send=False)
    assert len(automatic(clock)) == 1
    # 25 and 28 December are bank holidays: one working day later is the 29th.
    sweep_run(now=end_of_day(date(2026, 12, 29)), send=False)
    assert len(automatic(clock)) == 1
    sweep_run(now=end_of_day(date(2026, 12, 29)) + SECOND, send=False)
    assert [e.level for e in automatic(clock)] == [1, 2]


def test_sweeping_twice_raises_and_tells_nobody_twice(partnership, people):
    clock = make_clock(partnership, policy_id="england", started_at=MONDAY, due_at=FRIDAY_END)
    late = datetime(2026, 12, 9, 9, tzinfo=LONDON)  # both levels due at once
    first = sweep_run(now=late, send=False)
    deliveries = Delivery.objects.count()
    second = sweep_run(now=late, send=False)
    third = sweep_run(now=late + timedelta(hours=1), send=False)
    assert first["escalations"] == 2
    assert second == third == {"breached": 0, "escalations": 0, "reminders": 0}
    assert [e.level for e in automatic(clock)] == [1, 2]
    assert Delivery.objects.count() == deliveries


def test_each_escalation_tells_its_people_in_app_and_by_email_without_names(partnership, people):
    child = ChildFactory(partnership=partnership, first_name="Zelda", last_name="Quartermaine")
    clock = make_clock(
        partnership, policy_id="england", subject=child, started_at=MONDAY, due_at=FRIDAY_END
    )
    sweep_run(now=FRIDAY_END + SECOND, send=False)
    [escalation] = automatic(clock)
    notices = Delivery.objects.filter(object_id_filter(escalation), kind=NOTICE_RAISED)
    assert {(d.channel, d.recipient.username) for d in notices} == {
        ("in_app", "bob"),
        ("email", "bob"),
    }
    email = notices.get(channel="email")
    assert email.to_address == people["bob"].email
    assert "What is late: Strategy discussion or meeting held" in email.body
    assert f"/escalations/{escalation.pk}/" in email.body
    for delivery in Delivery.objects.all():
        assert "Quartermaine" not in delivery.subject + delivery.body


def object_id_filter(escalation):
    return Q(source_type=ContentType.objects.get_for_model(Escalation), source_id=escalation.pk)


def test_a_clock_met_late_escalates_no_further(partnership, people):
    clock = make_clock(partnership, policy_id="england", started_at=MONDAY, due_at=FRIDAY_END)
    sweep_run(now=FRIDAY_END + SECOND, send=False)
    clock_meet(clock=clock, at=datetime(2026, 12, 7, 10, tzinfo=LONDON), by=people["bob"])
    sweep_run(now=datetime(2026, 12, 10, 9, tzinfo=LONDON), send=False)
    assert [e.level for e in automatic(clock)] == [1]


def test_a_waived_clock_never_escalates(partnership, people):
    clock = make_clock(partnership, policy_id="england", started_at=MONDAY, due_at=FRIDAY_END)
    clock_waive(clock=clock, reason="Child moved away", at=MONDAY, by=people["bob"])
    sweep_run(now=datetime(2026, 12, 10, 9, tzinfo=LONDON), send=False)
    assert not Escalation.objects.exists()


def test_a_subject_resolver_names_the_parties(partnership, people, agencies):
    police = agencies["police"]

    def invited(child, party):
        if party == Party.INVITED_AGENCIES:
            return PartyMembers(professionals=(people["carol"],), agencies=(police,))
        return None

    parties.register_party_resolver(
        Child, invited, responsible=lambda child: PartyMembers(professionals=(people["alice"],))
    )
    try:
        clock = make_clock(partnership, policy_id="halton", started_at=MONDAY, due_at=FRIDAY_END)
        sweep_run(now=FRIDAY_END + SECOND, send=False)
    finally:
        parties.unregister_party_resolver(Child)
    [escalation] = automatic(clock)
    # Carol may not see the child (she is invited to nothing), so she is not told in person
    # (need-to-know, convene.clocks.audience); her force's inbox is, as the rule says.
    assert addressed(escalation) == {"bob"}
    assert list(escalation.addressed_agencies.all()) == [police]
    assert escalation.unresolved == []
    assert escalation.responsible == str(people["alice"])
    assert Delivery.objects.filter(
        object_id_filter(escalation), recipient_agency=police, channel="email"
    ).exists()


def test_family_members_are_never_resolved_whatever_a_resolver_says(partnership, people):
    child = ChildFactory(partnership=partnership)
    parties.register_party_resolver(
        Child, lambda c, p: PartyMembers(professionals=(people["alice"],))
    )
    try:
        assert parties.resolve_party(child, Party.PARENTS_CARERS) is None
        assert parties.resolve_party(child, Party.FAMILY_MEMBERS) is None
        assert parties.resolve_party(child, Party.INVITED_AGENCIES)
    finally:
        parties.unregister_party_resolver(Child)


def test_a_child_setting_resolves_without_any_resolver(partnership, agencies):
    child = ChildFactory(partnership=partnership, setting=agencies["primary"])
    assert parties.resolve_party(child, Party.CHILD_SETTING) == PartyMembers(
        agencies=(agencies["primary"],)
    )
    assert parties.resolve_party(child, Party.INVITED_AGENCIES) is None


def test_a_clock_of_an_unknown_policy_is_reported_not_crashed_on(partnership, people, caplog):
    clock = make_clock(partnership, policy_id="nowhere", started_at=MONDAY, due_at=FRIDAY_END)
    clocks_sweep(now=FRIDAY_END + SECOND)
    assert escalations_raise_due(now=FRIDAY_END + SECOND) == []
    assert "Cannot escalate clocks of policy 'nowhere'" in caplog.text
    clock.refresh_from_db()
    assert clock.state == Clock.State.BREACHED


def test_naive_now_is_refused():
    with pytest.raises(EscalationError, match="time zone"):
        escalations_raise_due(now=datetime(2026, 12, 1, 9))


def test_one_clock_that_fails_holds_up_no_other_and_the_sweep_says_so(
    partnership, people, monkeypatch
):
    good = make_clock(partnership, policy_id="england", started_at=MONDAY, due_at=FRIDAY_END)
    bad = make_clock(partnership, policy_id="england", started_at=MONDAY, due_at=FRIDAY_END)
    real = escalations._automatic_create

    def broken(*, clock, **kwargs):
        if clock.pk == bad.pk:
            raise RuntimeError("corrupt subject")
        return real(clock=clock, **kwargs)

    monkeypatch.setattr(escalations.automatic, "_automatic_create", broken)
    with pytest.raises(SweepIncomplete, match=f"escalate clock {bad.pk}: RuntimeError") as info:
        sweep_run(now=FRIDAY_END + SECOND, send=False)
    assert info.value.report["escalations"] == 1
    assert [e.level for e in automatic(good)] == [1]
    assert automatic(bad) == []
    # Reminders went out for both: the sweep carried on past the failure.
    assert Delivery.objects.filter(kind="overdue", source_id__in=[good.pk, bad.pk]).count() == 8
    with pytest.raises(RuntimeError, match="corrupt subject"):
        escalations_raise_due(now=FRIDAY_END + SECOND)  # strict without on_error
