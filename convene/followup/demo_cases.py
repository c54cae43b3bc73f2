"""One past case of the demo history, step by step through the services (see demo_history).

Every step runs with the clock frozen at its own moment and passes that moment as
``now``; a step whose moment is after the real ``now`` is left for later (the case
is still open), as it would be.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from convene.clocks.escalations import escalation_raise, escalation_resolve
from convene.clocks.models import Escalation
from convene.discussions.models import Discussion
from convene.discussions.services import discussion_create, invitation_respond
from convene.followup.actions.services import action_update
from convene.followup.conferences.services import (
    icpc_confirm,
    icpc_held,
    icpc_outcome_record,
    icpc_set_date,
)
from convene.followup.demo_record import RecordPlan, missing_parties_explain, record_write
from convene.followup.enquiries.services import s47_outcome_record, s47_visit_record
from convene.followup.hrpm.services import hrpm_action_add, hrpm_create, hrpm_meeting_record
from convene.followup.models import Icpc, S47Enquiry
from convene.followup.vocab import S47Outcome
from convene.people.models import Agency, Child, Partnership, Professional
from convene.policy.vocab import Decision
from convene.records import services as records
from convene.records.models import Action, Record
from convene.records.told import outcome_told_record, outcome_untold
from convene.referrals.models import Referral
from convene.referrals.services import (
    Referrer,
    RiskFacts,
    referral_accept,
    referral_create,
    referral_override,
)
from convene.workdays import LONDON, get_calendar, london_date

INVITEES = ("alice", "carol", "dev", "erin")
CATEGORIES = (["physical"], ["neglect"], ["sexual"], ["physical", "neglect"])
# What the S47 enquiries of successive S47 cases find: an ICPC in time, no further action
# (ICPC not required), an ICPC beyond 15 working days, and an enquiry still open.
S47_STEPS = (
    S47Outcome.SIGNIFICANT_HARM,
    S47Outcome.NO_FURTHER_ACTION,
    S47Outcome.SIGNIFICANT_HARM,
    None,
)


@dataclass(frozen=True)
class CasePlan:
    index: int
    received_at: datetime
    decision: Decision
    overridden: bool
    triage_late: bool
    convene_late: bool
    record_late: bool
    health_apologies: bool
    told: bool
    s47_step: int  # an index into S47_STEPS
    escalation: bool
    police_action_overdue: bool


@dataclass(frozen=True)
class People:
    by_name: dict[str, Professional]
    police: Agency | None

    def __getitem__(self, name: str) -> Professional:
        return self.by_name[name]


@contextlib.contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Freeze the clock at ``moment`` (time_machine, a development package; without it the
    services still get ``now`` and only the rows' own creation times are today's)."""
    try:
        import time_machine
    except ImportError:  # pragma: no cover - production installs leave out the dev tools
        yield
        return
    with time_machine.travel(moment, tick=False):
        yield


def _working_days_after(moment: datetime, days: int, hour: int) -> datetime:
    day = get_calendar().add_working_days(london_date(moment), days)
    return datetime.combine(day, time(hour, 0), tzinfo=LONDON)


def _referral(
    *,
    received_at: datetime,
    child: Child,
    partnership: Partnership,
    people: People,
    categories: list[str],
    facts: RiskFacts,
) -> Referral:
    erin = people["erin"]
    at = received_at + timedelta(minutes=20)
    with frozen_at(at):
        return referral_create(
            partnership=partnership,
            received_at=received_at,
            how_received="phone",
            referrer=Referrer(
                agency=erin.agency,
                name=erin.get_full_name(),
                role=erin.job_title,
                email=erin.email,
            ),
            account="Told a teacher about being hurt; marks seen on the arms.",
            triage_conversation="Spoke to the school; the child is in class today.",
            categories=categories,
            facts=facts,
            children=[child],
            by=people["tom"],
            now=at,
        )


def _triage(plan: CasePlan, referral: Referral, people: People) -> tuple[Referral, datetime]:
    at = plan.received_at + (timedelta(days=2) if plan.triage_late else timedelta(hours=2))
    with frozen_at(at):
        if plan.overridden:
            referral = referral_override(
                referral=referral,
                pathway="strategy_meeting",
                reason="Several agencies hold information and need to plan together.",
                by=people["bob"],
                now=at,
                expected_version=referral.version,
            )
        else:
            referral = referral_accept(
                referral=referral, by=people["bob"], now=at, expected_version=referral.version
            )
    return referral, at


def _convene(
    plan: CasePlan, referral: Referral, child: Child, people: People, triaged_at: datetime
) -> tuple[Discussion, datetime]:
    starts = triaged_at + (timedelta(days=4) if plan.convene_late else timedelta(hours=3))
    with frozen_at(triaged_at + timedelta(minutes=30)):
        discussion = discussion_create(
            referral=referral,
            children=[child],
            kind=referral.chosen_pathway,
            chair=people["bob"],
            invitees=[people[name] for name in INVITEES],
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            venue="Riverside House, meeting room 2",
            virtual_link="https://meet.example.org/riverside-sd",
            by=people["bob"],
            now=triaged_at + timedelta(minutes=30),
            allow_missing_required=True,
        )
        for invitation in discussion.invitations.select_related("professional"):
            name = invitation.professional.username
            apologies = name == "dev" and plan.health_apologies
            invitation_respond(
                invitation=invitation,
                response="apologies" if apologies else "accepted",
                note="In clinic all afternoon" if apologies else "",
                by=invitation.professional,
                now=triaged_at + timedelta(minutes=45),
            )
    return discussion, starts


def _record(
    plan: CasePlan, discussion: Discussion, held_at: datetime, people: People
) -> tuple[Record, datetime]:
    with frozen_at(held_at + timedelta(hours=1)):
        record = records.discussion_hold(
            discussion=discussion, held_at=held_at, by=people["bob"], now=held_at
        )
        record_write(
            record=record,
            plan=RecordPlan(
                decision=plan.decision,
                apologies=frozenset({people["dev"].pk} if plan.health_apologies else ()),
                chair=people["bob"],
                social_worker=people["alice"],
                police_agency_id=people.police.pk if people.police else None,
            ),
            now=held_at + timedelta(hours=1),
        )
        missing_parties_explain(
            record=record,
            by=people["bob"],
            reasons={"health": "The named nurse was in clinic; the GP's notes were read out"},
            now=held_at + timedelta(hours=1),
        )
    sent_at = held_at + (timedelta(days=4) if plan.record_late else timedelta(hours=3))
    with frozen_at(sent_at):
        records.record_authorise(record=record, by=people["bob"], now=sent_at)
        records.record_distribute(record=record, by=people["bob"], now=sent_at)
    if plan.told:
        told_at = sent_at + timedelta(hours=2)
        with frozen_at(told_at):
            for log in outcome_untold(discussion=discussion):
                outcome_told_record(
                    log=log,
                    how="phone",
                    told_at=told_at - timedelta(minutes=30),
                    told_by="Bob Brown, team manager",
                    by=people["bob"],
                    now=told_at,
                )
    record.refresh_from_db()
    return record, sent_at


def _icpc(
    enquiry: S47Enquiry, plan: CasePlan, people: People, decided: datetime, now: datetime
) -> None:
    icpc = Icpc.objects.get(enquiries=enquiry)
    late = plan.s47_step == 2
    confirmed_at = decided + timedelta(hours=1)
    conference = _working_days_after(enquiry.record_version.record.held_at, 20 if late else 12, 10)
    with frozen_at(confirmed_at):
        icpc = icpc_confirm(icpc=icpc, by=people["hana"], now=confirmed_at)
        icpc = icpc_set_date(
            icpc=icpc,
            conference_at=conference,
            venue="Riverside House, conference room",
            late_reason="The family's solicitor could not attend sooner" if late else "",
            by=people["alice"],
            now=confirmed_at,
        )
    if conference + timedelta(hours=2) < now:
        with frozen_at(conference + timedelta(hours=2)):
            icpc = icpc_held(
                icpc=icpc,
                held_at=conference,
                by=people["alice"],
                now=conference + timedelta(hours=2),
            )
            # Most conferences decide on a plan (about three in four in England); Annex A
            # reports it.
            icpc_outcome_record(
                icpc=icpc,
                plans={e.pk: plan.index % 4 != 3 for e in icpc.enquiries.all()},
                by=people["alice"],
                now=conference + timedelta(hours=2),
            )


def _s47(plan: CasePlan, record: Record, people: People, now: datetime) -> None:
    held_at = record.held_at
    for enquiry in S47Enquiry.objects.filter(discussion=record.discussion):
        visited = held_at + timedelta(hours=30 if plan.record_late else 5)
        with frozen_at(visited + timedelta(hours=1)):
            enquiry = s47_visit_record(
                enquiry=enquiry,
                visited_at=visited,
                visitors=[people["alice"], people["carol"]]
                if plan.decision == Decision.S47_JOINT
                else [people["alice"]],
                seen_alone=True,
                by=people["alice"],
                now=visited + timedelta(hours=1),
            )
        outcome = S47_STEPS[plan.s47_step]
        if outcome is None:
            continue  # still open: drifting once past 15 working days with no ICPC date
        decided = _working_days_after(held_at, 6, 15)
        with frozen_at(decided):
            enquiry = s47_outcome_record(
                enquiry=enquiry,
                outcome=outcome,
                reasons="Assessed with the family, the school and the GP",
                by=people["alice"],
                now=decided,
            )
        if outcome == S47Outcome.SIGNIFICANT_HARM:
            _icpc(enquiry, plan, people, decided, now)


def _actions(plan: CasePlan, record: Record, people: People) -> None:
    for action in Action.objects.filter(record=record).order_by("pk"):
        police = action.owner_agency_id is not None
        if police and plan.police_action_overdue:
            continue  # left open past its date: overdue
        at = datetime.combine(action.due_on, time(12, 0), tzinfo=LONDON) - timedelta(days=1)
        at = max(at, record.held_at + timedelta(hours=4))
        with frozen_at(at):
            action_update(
                action=action,
                status="done",
                note="Done and shared with the partners",
                by=people["carol"] if police else people["alice"],
                now=at,
            )


def _escalate(plan: CasePlan, record: Record, people: People, last: bool) -> None:
    raised_at = record.held_at + timedelta(days=1)
    police_raises = plan.index % 2 == 0
    with frozen_at(raised_at):
        escalation = escalation_raise(
            by=people["carol"] if police_raises else people["bob"],
            partnership=record.discussion.partnership,
            direction=Escalation.Direction.PARTNER_TO_SOCIAL_CARE
            if police_raises
            else Escalation.Direction.SOCIAL_CARE_TO_PARTNER,
            agency=None if police_raises else people.police,
            what_is_late="Record not yet received" if police_raises else "Police checks not shared",
            details="Agreed at the strategy discussion",
            now=raised_at,
        )
    if last:
        return  # one left open
    resolved_at = raised_at + timedelta(days=2)
    with frozen_at(resolved_at):
        escalation_resolve(
            escalation=escalation,
            by=people["bob"] if police_raises else people["carol"],
            outcome="Sent the same day; the team's duty rota now covers it",
            now=resolved_at,
        )


def build_case(
    *,
    plan: CasePlan,
    child: Child,
    partnership: Partnership,
    people: People,
    now: datetime,
    last: bool,
) -> None:
    referral = _referral(
        received_at=plan.received_at,
        child=child,
        partnership=partnership,
        people=people,
        categories=CATEGORIES[plan.index % len(CATEGORIES)],
        facts=RiskFacts(significant_harm_suspected=True),
    )
    referral, triaged_at = _triage(plan, referral, people)
    discussion, discussion_starts = _convene(plan, referral, child, people, triaged_at)
    record, _ = _record(plan, discussion, discussion_starts, people)
    if plan.decision.starts_s47:
        _s47(plan, record, people, now)
    _actions(plan, record, people)
    if plan.escalation:
        _escalate(plan, record, people, last)


def build_hrpm(
    *, child: Child, partnership: Partnership, people: People, started: datetime
) -> None:
    """A referral for ongoing risk to a child in care, then a high-risk professionals meeting
    and its first meeting held."""
    referral = _referral(
        received_at=started - timedelta(hours=2),
        child=child,
        partnership=partnership,
        people=people,
        categories=["cce"],
        facts=RiskFacts(significant_harm_suspected=False, ongoing_risk=True),
    )
    with frozen_at(started):
        hrpm = hrpm_create(
            child=child,
            referral=referral,
            risk_assessment="Criminal exploitation: seen with older men at the station",
            young_persons_view="Wants to stay at the children's home",
            by=people["alice"],
            now=started,
        )
    held = started + timedelta(days=3)
    next_on: date = london_date(held) + timedelta(days=28)
    with frozen_at(held + timedelta(hours=2)):
        meeting = hrpm_meeting_record(
            hrpm=hrpm,
            held_at=held,
            attendees=[people["alice"], people["carol"]],
            young_person_attended=True,
            young_persons_view="Wants to stay at the children's home",
            risk_assessment="Criminal exploitation: seen with older men at the station",
            safety_plan="Police disruption visits; the home reports any missing episode at once",
            next_meeting_on=next_on,
            by=people["alice"],
            now=held + timedelta(hours=2),
        )
        if people.police is not None:
            hrpm_action_add(
                meeting=meeting,
                owner=people.police,
                what="Disruption visit to the address",
                due_on=london_date(held) + timedelta(days=7),
                by=people["alice"],
                now=held + timedelta(hours=2),
            )
