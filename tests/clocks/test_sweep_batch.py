"""A sweep batch escalates its clocks in one transaction, written in bulk (issue 15).

The batch (``convene.clocks.escalations.batch``) and the one-clock-at-a-time path it
falls back to must write the same rows: the escalations, who they are addressed to,
the notices and the audit entries (R004.8), the reminders (R004.3), and the clocks'
cursors. If the batch fails, its clocks are taken one at a time, so one bad clock
holds up no other.
"""

import re
from datetime import date, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.urls import reverse

from convene.audit.models import AuditEntry
from convene.audit.selectors import audit_chain_verify
from convene.clocks import escalation_sweep
from convene.clocks import reminders as clock_reminders
from convene.clocks.escalation_sweep import escalations_raise_due
from convene.clocks.escalations import batch as batch_module
from convene.clocks.models import Clock, Escalation
from convene.clocks.reminders import clock_reminders_decide
from convene.clocks.services import clocks_sweep
from convene.people.models import Partnership
from convene.policy.vocab import ClockKind
from convene.reminders.models import Delivery
from convene.workdays import LONDON, end_of_day
from tests.clocks.helpers import make_clock
from tests.queries import CaptureQueriesContext

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)
FRIDAY_END = end_of_day(date(2026, 12, 4))
LATE = FRIDAY_END + SECOND
# Far enough on that every level of every pack's rule is due.
MONTH_LATER = FRIDAY_END + timedelta(days=40)


def _mixed_clocks(partnership: Partnership) -> list[Clock]:
    """Clocks of several packs and kinds: roles, parties nobody answers to, admins told."""
    clocks = [
        make_clock(partnership, policy_id=policy, kind=kind, started_at=MONDAY, due_at=FRIDAY_END)
        for policy, kind in [
            ("england", ClockKind.CONVENE),
            ("england", ClockKind.ICPC),
            ("england", ClockKind.ACTION_DUE),
            ("halton", ClockKind.CONVENE),
            ("halton", ClockKind.ACTION_DUE),
            ("gloucestershire", ClockKind.CONVENE),
        ]
    ]
    clocks_sweep(now=LATE)
    return clocks


def _snapshot(since: int) -> dict[str, object]:
    """What the sweep wrote, with ids it allocated named by (clock, level) instead."""
    names = {e.pk: f"clock {e.clock_id} level {e.level}" for e in Escalation.objects.all()}

    def plain(text: str) -> str:
        for pk, name in names.items():
            text = text.replace(reverse("clocks:escalation-detail", args=[pk]), f"<{name}>")
        return re.sub(r"escalation (\d+)\)", lambda m: f"escalation <{names[int(m[1])]}>)", text)

    escalations = sorted(
        (
            names[e.pk],
            e.rule_id,
            e.citation,
            e.raised_at,
            e.what_is_late,
            e.how_late,
            e.responsible,
            tuple(e.addressed_roles),
            tuple(e.addressed_parties),
            tuple(e.unresolved),
            tuple(sorted(e.addressed_to.values_list("pk", flat=True))),
            tuple(sorted(e.addressed_agencies.values_list("pk", flat=True))),
        )
        for e in Escalation.objects.all()
    )
    deliveries = sorted(
        (
            names[d.source_id],
            d.kind,
            d.channel,
            d.recipient_key,
            d.recipient_id,
            d.recipient_agency_id,
            d.to_address,
            d.subject,
            plain(d.body),
            plain(d.link),
            d.state,
            d.sent_at,
            d.next_attempt_at,
            d.decided_at,
        )
        for d in Delivery.objects.filter(source_type__model="escalation")
    )
    audit = [
        (
            a.actor_username,
            a.action,
            a.object_type,
            names[int(a.object_id)],
            a.child_id,
            plain(a.summary),
        )
        for a in AuditEntry.objects.filter(sequence__gt=since).order_by("sequence")
    ]
    cursors = sorted(Clock.objects.values_list("pk", "escalate_at", "state"))
    return {
        "escalations": escalations,
        "deliveries": deliveries,
        "audit": audit,
        "cursors": cursors,
    }


def _sweep_and_look(now: datetime) -> dict[str, object]:
    since = AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    with transaction.atomic():
        escalations_raise_due(now=now)
        seen = _snapshot(since)
        assert audit_chain_verify().intact
        transaction.set_rollback(True)  # the other path starts from the same rows
    return seen


def _one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(**kwargs: object) -> None:
        raise RuntimeError("batch refused (test)")

    monkeypatch.setattr(escalation_sweep, "clocks_escalate_batch", refused)


@pytest.mark.parametrize("now", [LATE, MONTH_LATER], ids=["first level", "every level"])
def test_R004_8_the_batch_writes_what_one_clock_at_a_time_writes(
    partnership, people, monkeypatch, now
):
    _mixed_clocks(partnership)
    if now == MONTH_LATER:
        escalations_raise_due(now=LATE)  # level 1 raised before: the batch reads what it has
    batched = _sweep_and_look(now)
    _one_at_a_time(monkeypatch)
    single = _sweep_and_look(now)

    assert batched["escalations"], "the sweep raised nothing: the comparison proves nothing"
    assert batched["audit"]
    assert {row[2] for row in batched["deliveries"]} == set(Delivery.Channel.values)
    assert batched == single


def test_a_failed_batch_falls_back_to_one_clock_at_a_time(partnership, people, monkeypatch, caplog):
    clocks = _mixed_clocks(partnership)
    real = batch_module._write
    calls = []

    def broken(drafts, **kwargs):
        calls.append(len(drafts))
        real(drafts, **kwargs)  # written, then the batch fails: all of it must roll back
        raise RuntimeError("injected failure")

    monkeypatch.setattr(batch_module, "_write", broken)
    raised = escalations_raise_due(now=LATE)

    assert calls == [len(clocks)]
    assert "could not be escalated together" in caplog.text
    assert sorted(e.clock_id for e in raised) == sorted(c.pk for c in clocks)
    # Each level once: nothing of the failed batch was left behind.
    assert Escalation.objects.count() == len(clocks)
    assert AuditEntry.objects.filter(object_type="clocks.escalation").count() == len(clocks)
    assert audit_chain_verify().intact
    assert escalations_raise_due(now=LATE) == []


def test_one_bad_clock_in_a_batch_holds_up_no_other(partnership, people, monkeypatch):
    good, bad = (make_clock(partnership, started_at=MONDAY, due_at=FRIDAY_END) for _ in range(2))
    clocks_sweep(now=LATE)
    real = batch_module.automatic._automatic_create

    def broken(*, clock, **kwargs):
        if clock.pk == bad.pk:
            raise RuntimeError("corrupt subject")
        return real(clock=clock, **kwargs)

    monkeypatch.setattr(batch_module.automatic, "_automatic_create", broken)
    failed = []
    raised = escalations_raise_due(now=LATE, on_error=lambda pk, error: failed.append(pk))

    assert [e.clock_id for e in raised] == [good.pk]
    assert failed == [bad.pk]
    bad.refresh_from_db()
    assert bad.escalate_at is not None
    assert bad.escalate_at <= LATE


def _queries_to_escalate(partnership: Partnership, count: int) -> int:
    clocks = [make_clock(partnership, started_at=MONDAY, due_at=FRIDAY_END) for _ in range(count)]
    Clock.objects.filter(pk__in=[c.pk for c in clocks]).update(
        state=Clock.State.BREACHED, breached_at=LATE
    )
    with CaptureQueriesContext(connection) as queries:
        raised = escalations_raise_due(now=LATE)
    assert len(raised) == count
    return len(queries)


def test_a_batch_costs_the_same_queries_for_5_or_25_clocks(partnership, people):
    # R004.8: every escalation is still raised, addressed, told and audited; the writes
    # are one bulk statement each for the batch, not one per clock.
    few = _queries_to_escalate(partnership, 5)
    many = _queries_to_escalate(partnership, 25)
    assert many == few
    assert few <= 25


def _reminders_and_look(now: datetime) -> dict[str, object]:
    with transaction.atomic():
        added = clock_reminders_decide(now=now)
        seen = {
            "added": added,
            "deliveries": sorted(
                Delivery.objects.filter(source_type__model="clock").values_list(
                    "source_id",
                    "kind",
                    "channel",
                    "recipient_key",
                    "recipient_id",
                    "recipient_agency_id",
                    "to_address",
                    "subject",
                    "body",
                    "link",
                    "state",
                    "sent_at",
                    "next_attempt_at",
                    "decided_at",
                )
            ),
            "cursors": sorted(Clock.objects.values_list("pk", "remind_at")),
        }
        transaction.set_rollback(True)
    return seen


def test_R004_3_reminders_of_a_batch_are_those_of_one_clock_at_a_time(
    partnership, people, monkeypatch
):
    clocks = _mixed_clocks(partnership)
    # Some reminded before: the batch leaves what was decided and decides the rest.
    clock_reminders_decide(now=FRIDAY_END - timedelta(hours=30))
    batched = _reminders_and_look(LATE)

    def refused() -> None:
        raise RuntimeError("batch refused (test)")

    monkeypatch.setattr(clock_reminders, "wide_inserts", refused)
    single = _reminders_and_look(LATE)

    assert batched["added"] > len(clocks)
    assert batched == single
