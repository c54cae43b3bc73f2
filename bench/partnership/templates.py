"""The template cases the generator copies: built once, through the apps' own services.

The route × persona matrix world (tests/matrix_world.py) already takes a case
to every state its pages care about, the way the application does (record,
triage, convene, hold, authorise, distribute, confirm, S47, ICPC, HRPM,
escalate, notify). We build it once in the target database with the clock
frozen at its ``NOW``, add the few states it lacks (a referral closed at
triage, a cancelled discussion, a record every attendee confirmed), and read
each case back as rows (:mod:`bench.partnership.archetypes`): the "open"
shape. Then the sweep runs 40 days later, breaching what was late and
raising every escalation level due, and each case is read again: the
"historic" shape, in which nothing more is due.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import time_machine
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from convene.people import personas
from convene.people.models import Agency, Partnership, Professional
from convene.referrals.models import Referral

# The sweep that makes the historic shape runs this long after the cases began:
# every escalation level of every shipped pack is due within a few working days.
HISTORIC_AFTER = timedelta(days=40)


class _Outbox(BaseEmailBackend):
    """Accepts every email (the template cases' emails count as sent)."""

    def send_messages(self, email_messages: Any) -> int:
        return len(list(email_messages or []))


@dataclass(frozen=True)
class TemplateWorld:
    now: datetime  # the moment the open shape was read (the cases' "present")
    referral_ids: list[int]  # one root per case, in the order they were made


def _people() -> tuple[dict[str, Professional], dict[str, Agency], dict[str, Partnership]]:
    partnerships = {p.name: p for p in Partnership.objects.all()}
    agencies = {}
    for spec in personas.AGENCIES:
        agencies[spec.key] = Agency.objects.get(name=spec.name)
    people = {
        p.username: p
        for p in Professional.objects.filter(
            username__in=[persona.username for persona in personas.PERSONAS]
        )
    }
    return people, agencies, partnerships


def _extra_cases(
    *,
    people: Mapping[str, Professional],
    partnership: Partnership,
    agencies: Mapping[str, Agency],
) -> None:
    """States the matrix world does not reach: closed at triage, cancelled, confirmed."""
    from convene.discussions.services import discussion_cancel
    from convene.policy.vocab import Decision
    from convene.records import services as records
    from convene.referrals.services import referral_accept
    from tests import matrix_world
    from tests.convening import NOW, accepted_referral, make_referral, scheduled_discussion
    from tests.records.conftest import except_missing, fill

    everyone = dict(people)
    # Below the threshold: the recommended pathway is no strategy discussion, so triage closes it.
    below = make_referral(
        people=everyone,
        partnership=partnership,
        agencies=dict(agencies),
        significant_harm_suspected=False,
        categories=("neglect",),
    )
    referral_accept(referral=below, by=people["bob"], now=NOW, expected_version=below.version)
    # A discussion called off (the child moved away), the referral kept open.
    cancelled = scheduled_discussion(
        referral=accepted_referral(
            people=everyone, partnership=partnership, agencies=dict(agencies)
        ),
        people=everyone,
        invitees=("carol", "dev"),
        allow_missing_required=True,
    )
    discussion_cancel(
        discussion=cancelled,
        reason="The family moved out of the area; transferred to the new authority",
        by=people["bob"],
        now=NOW + timedelta(hours=1),
        expected_version=cancelled.version,
    )
    # The whole way: held, no further action, authorised, sent, confirmed by those invited.
    record = matrix_world._held(people=people, partnership=partnership, agencies=agencies)
    fill(record, everyone, Decision.NO_FURTHER_ACTION)
    after = matrix_world.AFTER
    except_missing(record, everyone, now=after)  # health was not invited (R002.4)
    records.record_authorise(record=record, by=people["bob"], now=after)
    records.record_distribute(record=record, by=people["bob"], now=after)
    for name in ("carol", "erin"):
        records.record_confirm(
            record=record, accurate=True, by=people[name], now=after + timedelta(hours=2)
        )


def build_templates(*, log: Callable[[str], None]) -> TemplateWorld:
    """Build the template cases (the personas must exist); return their roots."""
    from tests import matrix_world
    from tests.convening import NOW

    if Professional.objects.filter(username="nora").exists():
        raise SystemExit(
            "This database already holds a generated partnership: use a fresh database."
        )
    people, agencies, partnerships = _people()
    home, neighbour = partnerships[personas.HOME], partnerships[personas.NEIGHBOUR]
    first = Referral.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with time_machine.travel(NOW, tick=True), transaction.atomic():
        matrix_world.build_world(
            people=people, partnership=home, neighbour=neighbour, agencies=agencies
        )
        _extra_cases(people=people, partnership=home, agencies=agencies)
    roots = list(Referral.objects.filter(pk__gt=first).order_by("pk").values_list("pk", flat=True))
    log(f"template cases: {len(roots)} referrals built through the services")
    return TemplateWorld(now=matrix_world.AFTER + timedelta(days=1), referral_ids=roots)


def age_templates(world: TemplateWorld) -> datetime:
    """Run the sweep HISTORIC_AFTER later: breaches and every escalation due; emails sent."""
    from convene.clocks.sweep import sweep_run
    from convene.reminders.services import deliveries_send

    later = world.now + HISTORIC_AFTER
    with time_machine.travel(later, tick=True):
        sweep_run(now=later, send=False)
        deliveries_send(now=later, connection=_Outbox())
    return later
