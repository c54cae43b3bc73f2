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
"historic" shape, in which nothing more is due. A week later their work is
closed as a partnership closes it (:func:`close_templates`: actions done,
escalations resolved, HRPMs ended), and each case is read a third time: the
"closed" shape most old cases take; the historic one is the few that drifted.
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
# The work still open then is closed this long after (the closed shape's "present").
CLOSED_AFTER = HISTORIC_AFTER + timedelta(days=7)


# Who closes a case's work: managers first (they answer for every escalation), then the
# workers and partners the services allow for what a manager may not close.
CLOSERS = ("bob", "hana", "dina", "alice", "nick", "carol", "dev", "priya", "erin", "lee")


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


def _first_permitted(call: Callable[[Professional], Any], people: list[Professional]) -> bool:
    """Call a service as the first of ``people`` it allows; False if it allows none of them."""
    from convene.clocks.escalations.errors import EscalationError
    from convene.core.errors import NotAllowed, NotFound

    for person in people:
        try:
            call(person)
        except (NotAllowed, NotFound, EscalationError):
            continue
        return True
    return False


def close_templates(world: TemplateWorld, *, log: Callable[[str], None]) -> datetime:
    """Close what the aged cases left open, through the services, CLOSED_AFTER their start.

    Agreed actions (and HRPM safety-plan actions) done, which meets their clocks; HRPM
    series ended, which waives theirs; every escalation resolved. A breach stays a breach:
    that a timescale was missed is history. Each is done by the first persona the service
    allows (managers first), as a partnership's managers close their cases' work.
    """
    from convene.clocks.escalations.answers import escalation_resolve
    from convene.clocks.models import Escalation
    from convene.followup.actions.services import action_update
    from convene.followup.hrpm.models import Hrpm
    from convene.followup.hrpm.services import hrpm_end
    from convene.followup.models import HrpmAction
    from convene.followup.vocab import ActionProgress
    from convene.records.models import Action
    from convene.reminders.services import deliveries_send

    people, _, _ = _people()
    order = [people[name] for name in CLOSERS if name in people]
    later = world.now + CLOSED_AFTER
    left = 0
    with time_machine.travel(later, tick=True), transaction.atomic():
        for model in (Action, HrpmAction):
            for action in model.objects.filter(status=Action.Status.OPEN).order_by("pk"):
                left += not _first_permitted(
                    lambda by, action=action: action_update(
                        action=action,
                        status=ActionProgress.DONE,
                        note="Done (synthetic benchmark case).",
                        by=by,
                        now=later,
                    ),
                    order,
                )
        for hrpm in Hrpm.objects.filter(state=Hrpm.State.ACTIVE).order_by("pk"):
            left += not _first_permitted(
                lambda by, hrpm=hrpm: hrpm_end(
                    hrpm=hrpm, reason="The risk is managed by the plan now", by=by, now=later
                ),
                order,
            )
        unresolved = Escalation.objects.exclude(state=Escalation.State.RESOLVED).order_by("pk")
        for escalation in unresolved:
            left += not _first_permitted(
                lambda by, escalation=escalation: escalation_resolve(
                    escalation=escalation,
                    by=by,
                    outcome="Agreed at the next discussion (synthetic benchmark case).",
                    now=later,
                ),
                order,
            )
        deliveries_send(now=later, connection=_Outbox())
    if left:
        log(f"closing the template cases: {left} left open (no persona may close them)")
    return later
