"""One discussion's rows for the reporting bench (bench/reporting_data.py writes N of them).

The row shapes the dashboard and the returns read, made from the real models' columns by
``CaseWriter.write``: a referral with its child, the discussion, the record and attendance,
invitations, the clocks, and for a share of them an S47 enquiry, ICPC, action, escalation
and attendance exception (see bench/reporting_data.py for the proportions). Synthetic data
only.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.reporting_data import Copier


def cast_of(home: Any) -> dict[str, Any]:
    """Who chairs, works the case, attends: one professional of each kind of agency."""
    from convene.people.models import Professional
    from convene.people.vocab import AgencyKind

    def first(*kinds: AgencyKind) -> Any:
        person = (
            Professional.objects.filter(agency__kind__in=[k.value for k in kinds])
            .select_related("agency")
            .order_by("pk")
            .first()
        )
        assert person is not None, f"the demo has no professional of {kinds}"
        return person

    return {
        "social": first(AgencyKind.SOCIAL_CARE),
        "police": first(AgencyKind.POLICE),
        "health": first(AgencyKind.HEALTH_COMMUNITY, AgencyKind.HEALTH_ACUTE, AgencyKind.HEALTH_GP),
        "school": first(AgencyKind.SCHOOL),
    }


DECISIONS = (
    "s47_joint",
    "s47_single_agency",
    "single_assessment",
    "child_in_need",
    "no_further_action",
)


class CaseWriter:
    """Writes one discussion and what hangs from it; ids are allocated by counting."""

    def __init__(
        self,
        copier: Copier,
        ids: dict[Any, int],
        types: dict[Any, int],
        cast: dict[str, Any],
        partnership_id: int,
        children: int,
        open_after: datetime,
    ) -> None:
        from convene.allocation.models import Allocation
        from convene.clocks.models import Clock, Escalation
        from convene.discussions.models import Discussion, Invitation
        from convene.followup.models import Icpc, S47Enquiry
        from convene.people.models import Child
        from convene.records.models import (
            Action,
            Attendance,
            AttendanceException,
            Record,
            RecordVersion,
        )
        from convene.referrals.models import Referral, ReferralChild

        self.m = {
            "allocation": Allocation,
            "clock": Clock,
            "escalation": Escalation,
            "discussion": Discussion,
            "invitation": Invitation,
            "icpc": Icpc,
            "s47": S47Enquiry,
            "action": Action,
            "attendance": Attendance,
            "exception": AttendanceException,
            "record": Record,
            "version": RecordVersion,
            "referral": Referral,
            "referral_child": ReferralChild,
        }
        self.copier = copier
        self.next = {key: ids[model] for key, model in self.m.items()}
        self.types = {key: types[model] for key, model in self.m.items() if model in types}
        self.cast = cast
        self.partnership_id = partnership_id
        self.child_base = ids[Child]
        self.children = children
        self.open_after = open_after

    def _id(self, key: str) -> int:
        value = self.next[key]
        self.next[key] += 1
        return value

    def _clock(
        self,
        kind: str,
        subject: str,
        subject_id: int,
        start: datetime,
        hours: float,
        rng: random.Random,
        case: int,
    ) -> int:
        """One clock; ``case``: its case key (``Clock.case_referral``, as ``clock_start``)."""
        due = start + timedelta(hours=hours)
        roll = rng.random()
        values: dict[str, Any] = {}
        if roll < 0.63:
            values = {"state": "met", "met_at": start + (due - start) * rng.uniform(0.05, 0.99)}
        elif roll < 0.70:
            values = {"state": "met", "met_at": due + (due - start) * rng.uniform(0.01, 0.5)}
        elif roll < 0.90:
            values = {"state": "breached", "breached_at": due}
        elif roll < 0.95:
            values = {
                "state": "waived",
                "waived_at": start + timedelta(hours=1),
                "waived_by_id": self.cast["social"].pk,
                "waived_reason": "Bench",
            }
        clock_id = self._id("clock")
        self.copier.add(
            self.m["clock"],
            id=clock_id,
            partnership_id=self.partnership_id,
            kind=kind,
            rule_id="bench",
            policy_id="england",
            policy_version="bench",
            citation="bench",
            subject_type_id=self.types[subject],
            subject_id=subject_id,
            case_referral_id=case,
            started_at=start,
            due_at=due,
            **values,
        )
        return clock_id

    def write(self, n: int, received: datetime, rng: random.Random) -> None:
        add, cast, pid = self.copier.add, self.cast, self.partnership_id
        social, police, health, school = (cast[k] for k in ("social", "police", "health", "school"))
        child_id = self.child_base + rng.randrange(self.children)
        referral_id, discussion_id = self._id("referral"), self._id("discussion")
        record_id, version_id = self._id("record"), self._id("version")
        triaged = received + timedelta(hours=rng.uniform(1, 30))
        decision = DECISIONS[n % len(DECISIONS)]
        add(
            self.m["referral"],
            id=referral_id,
            partnership_id=pid,
            received_at=received,
            how_received="phone",
            referrer_agency_id=school.agency_id,
            referrer_name="Bench",
            account="Bench",
            significant_harm_suspected=True,
            status="convening",
            policy_id="england",
            recommended_rule_id=f"R00{n % 4 + 1}.1",
            recommended_pathway="strategy_discussion",
            chosen_pathway="strategy_meeting" if n % 9 == 0 else "strategy_discussion",
            triaged_at=triaged,
            decision="overridden" if n % 9 == 0 else "accepted",
            override_reason="Bench" if n % 9 == 0 else "",
            decided_by_id=social.pk,
            decided_at=triaged,
        )
        add(
            self.m["referral_child"],
            id=self._id("referral_child"),
            referral_id=referral_id,
            child_id=child_id,
        )
        starts = triaged + timedelta(hours=rng.uniform(2, 20))
        add(
            self.m["discussion"],
            id=discussion_id,
            partnership_id=pid,
            referral_id=referral_id,
            kind="strategy_discussion",
            state="distributed",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            chair_id=social.pk,
            venue="Bench",
        )
        for person in (social, police, health, school):
            add(
                self.m["invitation"],
                id=self._id("invitation"),
                discussion_id=discussion_id,
                professional_id=person.pk,
                response="accepted",
                responded_at=triaged,
                sent_at=triaged,
                sent_sequence=0,
            )
        held = starts + timedelta(hours=1)
        authorised = held + timedelta(hours=rng.uniform(1, 30))
        add(
            self.m["record"],
            id=record_id,
            discussion_id=discussion_id,
            held_at=held,
            held_by_id=social.pk,
            policy_id="england",
            policy_version="bench",
            policy_digest="bench",
            draft_open=False,
            latest_number=1,
        )
        add(
            self.m["version"],
            id=version_id,
            record_id=record_id,
            number=1,
            snapshot="{}",
            content_sha256="bench",
            pdf_sha256="bench",
            decision=decision,
            authorised_by_id=social.pk,
            authorised_at=authorised,
            distributed_at=authorised,
            distributed_by_id=social.pk,
        )
        statuses = (
            "attended",
            "attended",
            "apologies" if n % 7 == 0 else "attended",
            "absent" if n % 11 == 0 else "attended",
        )
        for person, status in zip((social, police, health, school), statuses, strict=True):
            add(
                self.m["attendance"],
                id=self._id("attendance"),
                version_id=version_id,
                professional_id=person.pk,
                agency_id=person.agency_id,
                name="Bench",
                status=status,
            )
        if n % 7 == 0:
            add(
                self.m["exception"],
                id=self._id("exception"),
                record_id=record_id,
                party="health",
                reason="Bench",
                rule_ids="[]",
                recorded_by_id=social.pk,
                recorded_at=authorised,
            )
        case = referral_id
        triage_clock = self._clock("triage", "referral", referral_id, received, 24, rng, case)
        self._clock("convene", "referral", referral_id, triaged, 24, rng, case)
        self._clock("record_distributed", "discussion", discussion_id, held, 24, rng, case)
        self._clock("outcome_notified", "discussion", discussion_id, held, 24, rng, case)
        if n % 3 == 0:
            action_id = self._id("action")
            add(
                self.m["action"],
                id=action_id,
                record_id=record_id,
                key=f"a{n}",
                owner_agency_id=police.agency_id,
                owning_agency_id=police.agency_id,  # its owner agency (records.owning)
                partnership_id=pid,  # its discussion's (records.owning)
                discussion_id=discussion_id,  # its record's (records.owning)
                what="Bench",
                due_on=held.date() + timedelta(days=14),
                due_by=held + timedelta(days=14),  # its clock's due time, as below
                status="open" if n % 6 == 0 else "done",
                closed_at=None if n % 6 == 0 else held + timedelta(days=10),
                introduced_in_id=version_id,
                changed_in_id=version_id,
            )
            self._clock("action_due", "action", action_id, held, 14 * 24, rng, case)
        if n % 20 == 0:
            self._escalation(n, referral_id, triage_clock, triaged)
        if decision in ("s47_joint", "s47_single_agency"):
            self._s47(n, child_id, (case, discussion_id), version_id, held, rng)

    def _escalation(self, n: int, referral_id: int, clock_id: int, triaged: datetime) -> None:
        police = self.cast["police"]
        raised = triaged + timedelta(days=2)
        manual = {
            "raised_by_id": police.pk,
            "raised_by_agency_id": police.agency_id,
            "details": "Bench",
            "direction": "partner_to_social_care",
        }
        resolved = {
            "state": "resolved",
            "acknowledged_at": raised + timedelta(hours=4),
            "acknowledged_by_id": self.cast["social"].pk,
            "resolved_at": raised + timedelta(days=1 + n % 5),
            "resolved_by_id": self.cast["social"].pk,
            "outcome": "Bench",
        }
        self.copier.add(
            self.m["escalation"],
            id=self._id("escalation"),
            partnership_id=self.partnership_id,
            subject_type_id=self.types["referral"],
            subject_id=referral_id,
            case_referral_id=referral_id,
            **({"clock_id": clock_id, "direction": "automatic"} if n % 3 else manual),
            level=1 + n % 3,
            citation="bench",
            raised_at=raised,
            what_is_late="Bench",
            addressed_roles="[]",
            addressed_parties="[]",
            unresolved="[]",
            **(resolved if n % 40 == 0 else {}),
        )

    def _s47(
        self,
        n: int,
        child_id: int,
        case_and_discussion: tuple[int, int],
        version_id: int,
        held: datetime,
        rng: random.Random,
    ) -> None:
        add, pid, social = self.copier.add, self.partnership_id, self.cast["social"]
        case, discussion_id = case_and_discussion
        s47_id = self._id("s47")
        outcome: dict[str, Any] = {}
        icpc_id = None
        # A quarter stay open (visited) if recent, a quarter go to a conference (held on a weekday,
        # about 15 working days on), half (and the older quarter)
        # close with no conference needed.
        outcome_at = held + timedelta(days=rng.uniform(3, 8))
        if n % 4 == 2:
            icpc_id = self._id("icpc")
            conference = held + timedelta(days=15 + rng.randrange(0, 10))
            while conference.weekday() >= 5:
                conference += timedelta(days=1)
            add(
                self.m["icpc"],
                id=icpc_id,
                partnership_id=pid,
                discussion_id=discussion_id,
                state="held",
                requested_at=outcome_at,
                requested_by_id=social.pk,
                confirmed_at=outcome_at,
                confirmed_by_id=social.pk,
                conference_at=conference,
                venue="Bench",
                held_at=conference,
                held_recorded_by_id=social.pk,
            )
            self._clock("icpc", "icpc", icpc_id, held, 21 * 24, rng, case)
        outcome = {
            "state": "closed",
            "outcome": "significant_harm" if icpc_id else "child_in_need_plan",
            "route": "icpc" if icpc_id else "",
            "outcome_reasons": "Bench",
            "legal_status_at_outcome": "none",
            "outcome_at": outcome_at,
            "outcome_by_id": social.pk,
            "closed_at": outcome_at + timedelta(days=30),
            "closed_by_id": social.pk,
        }
        add(
            self.m["s47"],
            id=s47_id,
            partnership_id=pid,
            discussion_id=discussion_id,
            record_version_id=version_id,
            child_id=child_id,
            lead="joint" if n % 2 else "single_agency",
            started_at=held,
            decided_at=held,  # the record's held_at
            visited_at=held + timedelta(hours=20),
            seen_alone=True,
            icpc_id=icpc_id,
            **(outcome if n % 4 or held < self.open_after else {"state": "visited"}),
        )
        self._clock("s47_visit", "s47", s47_id, held, 24, rng, case)
        add(
            self.m["allocation"],
            id=self._id("allocation"),
            partnership_id=pid,
            subject_kind="s47",
            s47_enquiry_id=s47_id,
            social_worker_id=social.pk,
            by_id=social.pk,
            at=held,
        )
