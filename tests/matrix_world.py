"""The records the route × persona matrix points at, built with the apps' own services.

Every object is in the state its pages care about, reached the way the
application reaches it (record, triage, convene, hold, authorise,
distribute, confirm, escalate, deliver), never by writing rows directly, so
each page sees a real state. Who is where:

* Riverside (home) — referrals awaiting triage and triaged; a **restricted**
  referral (an allegation against staff) recorded by tom naming hana and lee,
  decided by hana, with a discussion chaired by dina (not a matrix persona)
  inviting lee and carol; a scheduled discussion chaired by bob inviting
  carol (police) and erin (school), not dev or ursula; a held discussion whose
  draft has an action for the police; a distributed record (version 1 sent,
  erin asking for a correction, version 2 authorised and not sent) with an
  action for the police; an escalation from the police; notifications for
  everyone; a failed email.
* Northvale (neighbour) — a referral recorded by nick, decided by nora (a
  Northvale team manager who is not a matrix persona), a discussion inviting
  carol, whose police force serves both partnerships; an escalation to the
  police; a failed email.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings

from convene.api.models import WebhookDelivery, WebhookEndpoint
from convene.api.services import api_token_create
from convene.clocks.escalations import escalation_raise
from convene.clocks.models import Escalation
from convene.followup.enquiries.services import s47_outcome_record, s47_visit_record
from convene.followup.hrpm.services import hrpm_action_add, hrpm_create, hrpm_meeting_record
from convene.followup.models import Icpc, S47Enquiry
from convene.followup.vocab import S47Outcome
from convene.people.factories import ChildFactory, ProfessionalFactory
from convene.people.models import Agency, Partnership, Professional
from convene.people.vocab import Role
from convene.policy.vocab import Decision, RecordSection
from convene.records import services as records
from convene.records.attendance_exceptions import attendance_exception_record
from convene.records.models import Action, Record
from convene.referrals.selectors import referral_convene_clock
from convene.referrals.services import referral_accept
from convene.reminders.models import Delivery
from convene.reminders.services import deliveries_decide, deliveries_send
from tests.access_matrix import World
from tests.convening import NOW, make_referral, scheduled_discussion
from tests.records.conftest import entry_version, fill

HELD_AT = NOW + timedelta(hours=3)
AFTER = HELD_AT + timedelta(hours=1)
DRAFT_ACTION_KEY = "0f0f0f01"


class _DownBackend(BaseEmailBackend):
    """An email server that cannot be reached: every email fails."""

    def send_messages(self, email_messages: Any) -> int:
        raise OSError("Network is unreachable")


def _police_action(agencies: Mapping[str, Agency], key: str, day: int) -> dict[str, Any]:
    return {
        "key": key,
        "owner_kind": "agency",
        "owner_id": agencies["police"].pk,
        "what": "Check police records for the adults in the household",
        "why": "Share what is known before the visit",
        "due_on": (HELD_AT.date() + timedelta(days=day)).isoformat(),
    }


def _held(
    *,
    people: Mapping[str, Professional],
    partnership: Partnership,
    agencies: Mapping[str, Agency],
) -> Record:
    """A Riverside discussion (carol and erin invited, both attend) marked held by bob."""
    referral = make_referral(
        people=dict(people), partnership=partnership, agencies=dict(agencies), now=NOW
    )
    referral = referral_accept(
        referral=referral, by=people["bob"], now=NOW, expected_version=referral.version
    )
    discussion = scheduled_discussion(
        referral=referral,
        people=dict(people),
        invitees=("carol", "erin"),
        allow_missing_required=True,
    )
    return records.discussion_hold(
        discussion=discussion, held_at=HELD_AT, by=people["bob"], now=AFTER
    )


def _no_health(record: Record, people: Mapping[str, Professional]) -> None:
    """Nobody from health was invited: bob records why, as R002.4 requires to authorise."""
    attendance_exception_record(
        record=record,
        party="health",
        reason="The named nurse could not be reached; the GP's report was read out",
        by=people["bob"],
        now=AFTER,
    )


def _distributed(
    *,
    people: Mapping[str, Professional],
    partnership: Partnership,
    agencies: Mapping[str, Agency],
) -> tuple[Record, Any]:
    """Version 1 sent to the attendees, erin asks for a correction; version 2 authorised, unsent."""
    record = _held(people=people, partnership=partnership, agencies=agencies)
    fill(record, dict(people), Decision.CHILD_IN_NEED)
    _no_health(record, people)
    records.record_section_save(
        record=record,
        section=RecordSection.ACTIONS,
        content={"actions": [_police_action(agencies, "0f0f0f02", 2)]},
        expected_version=entry_version(record, RecordSection.ACTIONS),
        by=people["bob"],
        now=AFTER,
    )
    records.record_authorise(record=record, by=people["bob"], now=AFTER)
    records.record_distribute(record=record, by=people["bob"], now=AFTER)
    correction = records.record_confirm(
        record=record, accurate=False, comment="Wrong school", by=people["erin"], now=AFTER
    )
    records.record_correction_start(
        record=record, note="The school's name", by=people["bob"], now=AFTER
    )
    records.record_authorise(record=record, by=people["bob"], now=AFTER + timedelta(minutes=5))
    record.refresh_from_db()
    return record, correction


def _s47_decision(
    *,
    people: Mapping[str, Professional],
    partnership: Partnership,
    agencies: Mapping[str, Agency],
) -> Any:
    """A held discussion (carol and erin invited) whose record authorises a joint S47 enquiry;
    its one action is alice's (children's social care)."""
    record = _held(people=people, partnership=partnership, agencies=agencies)
    fill(record, dict(people), Decision.S47_JOINT)
    _no_health(record, people)
    return records.record_authorise(record=record, by=people["bob"], now=AFTER)


def _follow_through(
    *,
    people: Mapping[str, Professional],
    partnership: Partnership,
    agencies: Mapping[str, Agency],
) -> dict[str, Any]:
    """A S47 enquiry visited (alice and carol) with a significant-harm outcome, so an ICPC;
    a second S47 decision not yet started; a child in care with an HRPM whose first meeting
    (alice and carol attended) gave the police an action."""
    version = _s47_decision(people=people, partnership=partnership, agencies=agencies)
    enquiry = S47Enquiry.objects.get(record_version=version)  # started on authorisation
    enquiry = s47_visit_record(
        enquiry=enquiry,
        visited_at=AFTER + timedelta(hours=2),
        visitors=[people["alice"], people["carol"]],
        seen_alone=True,
        by=people["alice"],
        now=AFTER + timedelta(hours=3),
    )
    enquiry = s47_outcome_record(
        enquiry=enquiry,
        outcome=S47Outcome.SIGNIFICANT_HARM,
        reasons="Assessed with the family and the school",
        by=people["alice"],
        now=AFTER + timedelta(days=1),
    )

    child_in_care = ChildFactory(
        partnership=partnership, last_name="Carey", legal_status="child_in_care"
    )
    make_referral(
        people=dict(people),
        partnership=partnership,
        agencies=dict(agencies),
        children=[child_in_care],
    )
    hrpm = hrpm_create(
        child=child_in_care,
        risk_assessment="Criminal exploitation: county lines",
        young_persons_view="Wants to stay at school",
        by=people["alice"],
        now=AFTER,
    )
    meeting = hrpm_meeting_record(
        hrpm=hrpm,
        held_at=AFTER + timedelta(hours=1),
        attendees=[people["alice"], people["carol"]],
        young_person_attended=True,
        young_persons_view="Wants to stay at school",
        risk_assessment="Criminal exploitation: county lines",
        safety_plan="Police disruption; school attendance checks",
        next_meeting_on=HELD_AT.date() + timedelta(days=20),
        by=people["alice"],
        now=AFTER + timedelta(hours=2),
    )
    hrpm_action = hrpm_action_add(
        meeting=meeting,
        owner=agencies["police"],
        what="Disruption visit to the address",
        due_on=HELD_AT.date() + timedelta(days=7),
        by=people["alice"],
        now=AFTER + timedelta(hours=2),
    )
    hrpm.refresh_from_db()
    return {
        "s47_enquiry": enquiry,
        "icpc": Icpc.objects.get(enquiries=enquiry),
        "social_care_action": Action.objects.get(record=version.record),
        "child_in_care": child_in_care,
        "hrpm": hrpm,
        "hrpm_action": hrpm_action,
    }


def _failed_email(*, partnership: Partnership, to: Professional, source: Any) -> Delivery:
    deliveries_decide(
        partnership=partnership,
        source=source,
        kind="matrix_notice",
        professionals=[to],
        subject="Due tomorrow: Strategy discussion or meeting held",
        body="Due tomorrow",
        link="/escalations/",
        now=AFTER,
    )
    return Delivery.objects.get(
        source_id=source.pk, kind="matrix_notice", channel=Delivery.Channel.EMAIL
    )


def build_world(
    *,
    people: Mapping[str, Professional],
    partnership: Partnership,
    neighbour: Partnership,
    agencies: Mapping[str, Agency],
) -> World:
    everyone = dict(people)
    home_child = ChildFactory(partnership=partnership, last_name="Smith")
    neighbour_child = ChildFactory(partnership=neighbour, last_name="North")
    nora = ProfessionalFactory(
        username="nora",
        first_name="Nora",
        last_name="North",
        agency=people["nick"].agency,
        roles=[Role.TEAM_MANAGER],
    )

    # Referrals: one awaiting triage, one triaged (nothing convened yet).
    awaiting = make_referral(people=everyone, partnership=partnership, agencies=dict(agencies))
    triaged = make_referral(people=everyone, partnership=partnership, agencies=dict(agencies))
    triaged = referral_accept(
        referral=triaged, by=people["bob"], now=NOW, expected_version=triaged.version
    )

    # Restricted: recorded by tom naming hana and lee, decided by hana, chaired by dina.
    restricted = make_referral(
        people=everyone,
        partnership=partnership,
        agencies=dict(agencies),
        categories=("allegation_against_staff",),
        named=("hana", "lee"),
    )
    restricted = referral_accept(
        referral=restricted, by=people["hana"], now=NOW, expected_version=restricted.version
    )
    restricted_discussion = scheduled_discussion(
        referral=restricted,
        people=everyone,
        invitees=("lee", "carol"),
        chair="dina",
        by="hana",
        allow_missing_required=True,
    )

    # The scheduled discussion: carol and erin invited, dev and ursula not.
    convening = make_referral(people=everyone, partnership=partnership, agencies=dict(agencies))
    convening = referral_accept(
        referral=convening, by=people["bob"], now=NOW, expected_version=convening.version
    )
    discussion = scheduled_discussion(
        referral=convening,
        people=everyone,
        invitees=("carol", "erin"),
        allow_missing_required=True,
    )

    # Northvale: nick records, nora decides and convenes, carol (police, both) is invited.
    neighbour_referral = make_referral(
        people={**everyone, "nora": nora},
        partnership=neighbour,
        agencies=dict(agencies),
        by="nick",
        children=[neighbour_child],
        referrer_agency="police",
    )
    neighbour_referral = referral_accept(
        referral=neighbour_referral,
        by=nora,
        now=NOW,
        expected_version=neighbour_referral.version,
    )
    neighbour_discussion = scheduled_discussion(
        referral=neighbour_referral,
        people={**everyone, "nora": nora},
        invitees=("carol",),
        chair="nora",
        by="nora",
        allow_missing_required=True,
    )

    # Records: a draft with an action for the police, and a distributed record.
    draft = _held(people=people, partnership=partnership, agencies=agencies)
    records.record_action_save(
        record=draft,
        action=_police_action(agencies, DRAFT_ACTION_KEY, 1),
        expected_version=entry_version(draft, RecordSection.ACTIONS),
        by=people["bob"],
        now=AFTER,
    )
    distributed, correction = _distributed(
        people=people, partnership=partnership, agencies=agencies
    )

    follow_through = _follow_through(people=people, partnership=partnership, agencies=agencies)

    # Escalations: the police to Riverside's social care; Northvale's social care to the police.
    escalation = escalation_raise(
        by=people["carol"],
        partnership=partnership,
        direction=Escalation.Direction.PARTNER_TO_SOCIAL_CARE,
        what_is_late="Discussion not convened",
        details="Requested three days ago",
        now=AFTER,
    )
    neighbour_escalation = escalation_raise(
        by=nora,
        partnership=neighbour,
        direction=Escalation.Direction.SOCIAL_CARE_TO_PARTNER,
        agency=agencies["police"],
        what_is_late="Police checks not shared",
        details="Agreed at the discussion",
        now=AFTER,
    )

    # Notifications for everyone; then the email server is down and every email fails.
    deliveries_decide(
        partnership=partnership,
        source=home_child,
        kind="matrix_reminder",
        professionals=list(people.values()),
        subject="Due tomorrow: Strategy discussion or meeting held",
        body="Due tomorrow",
        link="/escalations/",
        now=AFTER,
    )
    failed = _failed_email(partnership=partnership, to=people["bob"], source=triaged)
    neighbour_failed = _failed_email(
        partnership=neighbour, to=people["nick"], source=neighbour_referral
    )
    with override_settings(CONVENE_DELIVERY_MAX_ATTEMPTS=1):
        deliveries_send(now=AFTER, connection=_DownBackend())
    failed.refresh_from_db()
    neighbour_failed.refresh_from_db()
    assert failed.state == neighbour_failed.state == Delivery.State.FAILED

    return World(
        people=people,
        home_child=home_child,
        neighbour_child=neighbour_child,
        alice_token=api_token_create(user=people["alice"], name="Matrix")[0],
        awaiting_referral=awaiting,
        triaged_referral=triaged,
        convene_clock=referral_convene_clock(referral=triaged),
        restricted_referral=restricted,
        neighbour_referral=neighbour_referral,
        discussion=discussion,
        restricted_discussion=restricted_discussion,
        neighbour_discussion=neighbour_discussion,
        invitation=discussion.invitations.get(professional=people["carol"]),
        neighbour_invitation=neighbour_discussion.invitations.get(professional=people["carol"]),
        draft_record=draft,
        draft_action_key=DRAFT_ACTION_KEY,
        distributed_record=distributed,
        correction=correction,
        escalation=escalation,
        neighbour_escalation=neighbour_escalation,
        failed_delivery=failed,
        neighbour_failed_delivery=neighbour_failed,
        police_action=Action.objects.get(record=distributed, owner_agency=agencies["police"]),
        extra=_webhooks(partnership=partnership, neighbour=neighbour),
        **follow_through,
    )


def _webhooks(*, partnership: Partnership, neighbour: Partnership) -> dict[str, Any]:
    """A webhook endpoint of each partnership, Riverside's with a delivery that gave up."""
    endpoints = {
        key: WebhookEndpoint.objects.create(
            partnership=owner, name=f"{owner} case system", url="https://cases.example.org/hook"
        )
        for key, owner in (("webhook", partnership), ("neighbour_webhook", neighbour))
    }
    failed = WebhookDelivery.objects.create(
        endpoint=endpoints["webhook"],
        event="clock.breached",
        key="clock.breached:0",
        payload={},
        state=WebhookDelivery.State.FAILED,
        next_attempt_at=AFTER,
    )
    return {**endpoints, "failed_webhook_delivery": failed}
