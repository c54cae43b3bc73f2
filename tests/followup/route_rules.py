"""Who may use each follow-through page (docs/access.md, docs/follow-through.md).

The records each case points at are built through the services: an authorised
joint S47 decision about one child with alice, carol (police), dev (health) and
erin (school) invited, so the invited partners see the enquiry but cannot act on
it; ursula (not invited) and nick (the other partnership) must not learn it exists.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from convene.followup.enquiries.services import (
    core_group_review_record,
    s47_outcome_record,
    s47_visit_record,
)
from convene.followup.hrpm.services import hrpm_action_add, hrpm_create, hrpm_meeting_record
from convene.followup.models import Hrpm, S47Enquiry
from convene.people import personas
from convene.people.factories import ChildFactory
from convene.people.models import Agency, Partnership
from convene.policy.vocab import Decision
from convene.records.models import Action, RecordVersion
from convene.records.services import discussion_hold, record_authorise
from tests.access_matrix import FORBIDDEN, NOT_FOUND, OK, Case, World, expect
from tests.convening import accepted_referral, make_referral, scheduled_discussion
from tests.followup.conftest import HELD_AT, fill
from tests.records.conftest import except_missing

HOME_CASELOAD = ("alice", "bob", "tom", "hana", "ivy", "admin")
INVITED = ("carol", "dev", "erin")
WORKERS = ("alice", "bob", "hana")  # social worker and managers: they record
MANAGERS = ("bob", "hana")


def _agencies() -> dict[str, Agency]:
    return {spec.key: Agency.objects.get(name=spec.name) for spec in personas.AGENCIES}


def _version(
    w: World,
    *,
    legal_status: str = "none",
    owner: str | None = None,
    restricted: bool = False,
) -> RecordVersion:
    """An authorised joint S47 decision; its one action is ``owner``'s agency's (default: a
    person's). ``restricted``: an allegation against staff recorded by tom naming bob and
    lee, with lee and carol invited instead."""
    partnership = Partnership.objects.get(name=personas.HOME)
    agencies = _agencies()
    child = ChildFactory(
        partnership=partnership, legal_status=legal_status, setting=agencies["primary"]
    )
    referral = accepted_referral(
        people=w.people,
        partnership=partnership,
        agencies=agencies,
        children=[child],
        now=HELD_AT - timedelta(hours=3),
        received_at=HELD_AT - timedelta(hours=4),
        **(
            {"categories": ("allegation_against_staff",), "named": ("bob", "lee")}
            if restricted
            else {}
        ),
    )
    discussion = scheduled_discussion(
        referral=referral,
        people=w.people,
        invitees=("lee", "carol") if restricted else ("alice", *INVITED),
        now=HELD_AT - timedelta(hours=3),
        allow_missing_required=True,
    )
    record = discussion_hold(
        discussion=discussion,
        held_at=HELD_AT,
        by=w.people["bob"],
        now=HELD_AT + timedelta(minutes=30),
    )
    action_owner = ("agency", agencies[owner].pk) if owner else None
    fill(record, w.people, Decision.S47_JOINT, action_owner=action_owner)
    except_missing(record, dict(w.people), now=HELD_AT + timedelta(hours=1))  # R002.4
    return record_authorise(record=record, by=w.people["bob"], now=HELD_AT + timedelta(hours=1))


def _enquiry(w: World, *, legal_status: str = "none", outcome: str = "") -> S47Enquiry:
    version = _version(w, legal_status=legal_status)
    enquiry = S47Enquiry.objects.get(record_version=version)  # started on authorisation
    if outcome:
        enquiry = s47_visit_record(
            enquiry=enquiry,
            visited_at=HELD_AT + timedelta(hours=3),
            visitors=[w.people["alice"]],
            seen_alone=True,
            by=w.people["alice"],
            now=HELD_AT + timedelta(hours=4),
        )
        enquiry = s47_outcome_record(
            enquiry=enquiry,
            outcome=outcome,
            reasons="Assessed",
            by=w.people["alice"],
            now=HELD_AT + timedelta(days=2),
        )
    return enquiry


def _with_core_group_review(w: World) -> dict[str, Any]:
    enquiry = _enquiry(w, legal_status="child_protection_plan", outcome="significant_harm")
    core_group_review_record(
        enquiry=enquiry,
        held_on=date(2026, 3, 6),
        risk_considered="Continuing",
        plan_changes="Updated",
        by=w.people["alice"],
        now=HELD_AT + timedelta(days=3),
    )
    return {"pk": enquiry.pk}


def _icpc(w: World) -> dict[str, Any]:
    enquiry = _enquiry(w, outcome="significant_harm")
    assert enquiry.icpc_id is not None
    return {"pk": enquiry.icpc_id}


def _action(**version: Any) -> Any:
    def kwargs(w: World) -> dict[str, Any]:
        record = _version(w, **version).record
        return {"pk": Action.objects.get(record=record, kind="agreed").pk}

    return kwargs


_police_action = _action(owner="police")
# Children's social care's agency's action: lee (a LADO there) is not invited, so 404.
_social_care_action = _action(owner="csc")
# An allegation against staff: only the people named (bob, lee), who recorded it (tom) and
# the invited see the discussion; of them carol is not of the owning agency.
_restricted_action = _action(owner="csc", restricted=True)


def _child_in_care(w: World) -> Any:
    partnership = Partnership.objects.get(name=personas.HOME)
    child = ChildFactory(partnership=partnership, legal_status="child_in_care")
    make_referral(
        people=w.people,
        partnership=partnership,
        agencies=_agencies(),
        children=[child],
        received_at=HELD_AT - timedelta(days=30),
        now=HELD_AT - timedelta(days=30),
        categories=["cce"],
        significant_harm_suspected=False,
        ongoing_risk=True,
    )
    return child


def _hrpm(w: World) -> Hrpm:
    hrpm = hrpm_create(
        child=_child_in_care(w),
        risk_assessment="Criminal exploitation",
        young_persons_view="They are my friends",
        by=w.people["alice"],
        now=HELD_AT,
    )
    meeting = hrpm_meeting_record(
        hrpm=hrpm,
        held_at=HELD_AT + timedelta(days=1),
        attendees=[w.people["alice"], w.people["carol"]],
        young_person_attended=True,
        young_persons_view="I am fine",
        risk_assessment="High",
        safety_plan="Curfew",
        next_meeting_on=date(2026, 4, 1),
        by=w.people["alice"],
        now=HELD_AT + timedelta(days=1, hours=2),
    )
    hrpm_action_add(
        meeting=meeting,
        owner=_agencies()["police"],
        what="Disruption visit",
        due_on=date(2026, 3, 10),
        by=w.people["alice"],
        now=HELD_AT + timedelta(days=1, hours=3),
    )
    return hrpm


def _seen_by(*people: str, others: Any = NOT_FOUND, **outcomes: Any) -> dict[str, Any]:
    """OK for ``people``, ``others`` for the rest, with per-persona overrides."""
    return expect(others, **{**dict.fromkeys(people, OK), **outcomes})


def _only_workers(*, visible: tuple[str, ...] = (*HOME_CASELOAD, *INVITED), allowed=WORKERS):
    """OK for ``allowed``; 403 for everyone else who can see the record; 404 for the rest."""
    return expect(NOT_FOUND, **{**dict.fromkeys(visible, FORBIDDEN), **dict.fromkeys(allowed, OK)})


def _enquiry_kwargs(w: World) -> dict[str, Any]:
    return {"pk": _enquiry(w).pk}


ROUTES = {
    # Every signed-in person has the list; it shows only what their selectors give them.
    "followup:s47-list": [Case(expect(OK))],
    "followup:s47": [Case(_seen_by(*HOME_CASELOAD, *INVITED), kwargs=_enquiry_kwargs)],
    "followup:s47-visit": [Case(_only_workers(), kwargs=_enquiry_kwargs)],
    "followup:s47-outcome": [Case(_only_workers(), kwargs=_enquiry_kwargs)],
    "followup:core-group": [Case(_only_workers(), kwargs=_enquiry_kwargs)],
    "followup:care-plan": [Case(_only_workers(), kwargs=_enquiry_kwargs)],
    "followup:oversight": [Case(_only_workers(allowed=MANAGERS), kwargs=_with_core_group_review)],
    "followup:hrpm-decision": [Case(_only_workers(allowed=MANAGERS), kwargs=_enquiry_kwargs)],
    "followup:s47-close": [Case(_only_workers(allowed=MANAGERS), kwargs=_enquiry_kwargs)],
    # Every signed-in person has the list; it shows only the conferences they may see.
    "followup:icpc-list": [Case(expect(OK))],
    "followup:icpc": [Case(_seen_by(*HOME_CASELOAD, *INVITED), kwargs=_icpc)],
    # R001.14: only the Head of Service confirms the conference.
    "followup:icpc-confirm": [Case(_only_workers(allowed=("hana",)), kwargs=_icpc)],
    "followup:icpc-date": [Case(_only_workers(), kwargs=_icpc)],
    "followup:icpc-held": [Case(_only_workers(), kwargs=_icpc)],
    "followup:icpc-outcome": [Case(_only_workers(), kwargs=_icpc)],
    "followup:my-actions": [Case(expect(OK))],
    # The partnership's actions: social care (nick sees his own partnership's).
    "followup:actions": [Case(_seen_by(*HOME_CASELOAD, "nick", others=FORBIDDEN))],
    # An action shows only to those who see its discussion: the caseload, and of the invited
    # those of the owning agency. A police action: the police see and update it; other
    # partners must not learn of it.
    "followup:action": [
        Case(_seen_by(*HOME_CASELOAD, "carol"), kwargs=_police_action),
        Case(
            _only_workers(visible=HOME_CASELOAD, allowed=(*WORKERS, "carol")),
            label="update with no note (re-shown with the error)",
            method="post",
            kwargs=_police_action,
            data=lambda w: {"version": 0, "status": "done", "note": ""},
        ),
        Case(
            _seen_by(*HOME_CASELOAD),
            label="social care's, lee not invited",
            kwargs=_social_care_action,
        ),
        # Social care's own agency updates it (tom and admin too); the auditor never.
        Case(
            _seen_by("alice", "bob", "tom", "hana", "admin", ivy=FORBIDDEN),
            label="update social care's",
            method="post",
            kwargs=_social_care_action,
            data=lambda w: {"version": 0, "status": "done", "note": ""},
        ),
        Case(_seen_by("bob", "tom", "lee"), label="restricted", kwargs=_restricted_action),
        Case(
            _seen_by("bob", "tom", "lee"),
            label="update restricted",
            method="post",
            kwargs=_restricted_action,
            data=lambda w: {"version": 0, "status": "done", "note": ""},
        ),
    ],
    "followup:hrpm-action": [
        Case(
            _seen_by(*HOME_CASELOAD, "carol"),
            kwargs=lambda w: {"pk": _hrpm(w).meetings.get().actions.get().pk},
        )
    ],
    # R004.5: a manager asks for a review (the form; refusals are tested with the service).
    "followup:review": [
        Case(
            _only_workers(allowed=MANAGERS),
            kwargs=lambda w: {"pk": _version(w).record.discussion_id},
        )
    ],
    # R002.13: a manager convenes the reconvene a Single Assessment planned (the form; the
    # refusal for another decision is tested with the service).
    "followup:reconvene": [
        Case(
            _only_workers(allowed=MANAGERS),
            kwargs=lambda w: {"pk": _version(w).record.discussion_id},
        )
    ],
    "followup:hrpm-list": [Case(_seen_by(*HOME_CASELOAD, "nick", others=FORBIDDEN))],
    "followup:hrpm-new": [
        Case(
            _only_workers(visible=HOME_CASELOAD),
            kwargs=lambda w: {"child_pk": _child_in_care(w).pk},
        )
    ],
    # A partner who attended a meeting (carol) reads the HRPM; it is a multi-agency forum.
    "followup:hrpm": [
        Case(_seen_by(*HOME_CASELOAD, "carol"), kwargs=lambda w: {"pk": _hrpm(w).pk})
    ],
    "followup:hrpm-meeting": [
        Case(
            _only_workers(visible=(*HOME_CASELOAD, "carol")),
            kwargs=lambda w: {"pk": _hrpm(w).pk},
        )
    ],
    "followup:hrpm-action-add": [
        Case(
            _only_workers(visible=(*HOME_CASELOAD, "carol")),
            kwargs=lambda w: {"pk": _hrpm(w).pk, "number": 1},
        )
    ],
    "followup:hrpm-end": [
        Case(
            _only_workers(visible=(*HOME_CASELOAD, "carol")),
            kwargs=lambda w: {"pk": _hrpm(w).pk},
        )
    ],
}
