"""Follow-through pages: children's social care of the partnership sees its S47 enquiries,
ICPCs, HRPMs and actions; social workers and managers carry them through (a manager gives
oversight, decides on an HRPM and closes; the Head of Service confirms an ICPC); auditors,
triage and admins read but change nothing (403). Partners see the enquiries and conferences
of discussions they were invited to, the HRPMs whose meetings they attended, and their own
agency's actions, which they update; everything else is a 404. Another partnership sees
nothing of Riverside's.

In the world: ``s47_enquiry`` comes from a joint S47 decision (carol and erin invited),
visited by alice and carol, outcome significant harm, so ``icpc`` is requested;
``s47_to_start`` is a second authorised S47 decision nobody has started; ``hrpm`` is for
``child_in_care``, its first meeting attended by alice and carol, with ``hrpm_action`` for
the police; ``police_action`` is the distributed record's action for the police and
``social_care_action`` the S47 record's action for alice.
"""

from typing import Any

from tests.access_matrix import (
    CASELOAD,
    FORBIDDEN,
    MANAGERS,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    Case,
    Kwargs,
    World,
    each,
    expect,
    only,
    pk_of,
    redirect,
)

INVITED = ("carol", "erin")  # invited to the S47 discussion (and the distributed one)
WORKERS = ("alice", "bob", "hana")  # social worker and managers of Riverside's social care
READERS = ("tom", "ivy", "admin")  # caseload who read but do not carry a case through
NOT_MANAGERS = ("alice", *READERS)


def _enquiry(**more: Any) -> Kwargs:
    return lambda w: {"pk": w.s47_enquiry.pk, **more}


SEES_ENQUIRY = only((*CASELOAD, *INVITED))
# A worker's page of the enquiry or conference: those who see it but may not act are refused.
WORKER_PAGE = only(each(WORKERS) | each((*READERS, *INVITED), FORBIDDEN))
MANAGER_PAGE = only(each(MANAGERS) | each((*NOT_MANAGERS, *INVITED), FORBIDDEN))
SEES_HRPM = only((*CASELOAD, "carol"))
HRPM_WORKER_PAGE = only(each(WORKERS) | each((*READERS, "carol"), FORBIDDEN))
# The partnership's lists: for whoever works a whole caseload (nick: Northvale's, empty here).
CASELOAD_LIST = only(each((*CASELOAD, "nick")), others=FORBIDDEN)


def _update(w: World) -> dict[str, Any]:
    """An update missing where the action stands: re-shown with the error, nothing saved."""
    return {"version": 0, "status": "", "note": "Checked"}


ROUTES = {
    "followup:s47-list": [Case(expect(OK), label="everyone: their own enquiries")],
    "followup:s47-start": [
        Case(expect(NOT_ALLOWED), label="GET", kwargs=lambda w: {"version_pk": w.s47_to_start.pk}),
        # One client posts in turn: alice starts it, so for everyone after her it is started
        # (404). Who may start one is checked by the service (tests/followup).
        Case(
            only(each(("alice",), redirect("/s47/*"))),
            label="not started: alice starts it",
            method="post",
            kwargs=lambda w: {"version_pk": w.s47_to_start.pk},
        ),
        Case(
            expect(NOT_FOUND),
            label="already started",
            method="post",
            kwargs=lambda w: {"version_pk": w.s47_enquiry.record_version_id},
        ),
    ],
    "followup:s47": [Case(SEES_ENQUIRY, kwargs=_enquiry())],
    "followup:s47-visit": [Case(WORKER_PAGE, kwargs=_enquiry())],
    "followup:s47-outcome": [Case(WORKER_PAGE, kwargs=_enquiry())],
    "followup:core-group": [Case(WORKER_PAGE, kwargs=_enquiry())],
    "followup:care-plan": [Case(WORKER_PAGE, kwargs=_enquiry())],
    "followup:oversight": [
        Case(
            only(each(MANAGERS, NOT_FOUND) | each((*NOT_MANAGERS, *INVITED), FORBIDDEN)),
            label="no core group review yet",
            kwargs=_enquiry(),
        )
    ],
    "followup:hrpm-decision": [Case(MANAGER_PAGE, kwargs=_enquiry())],
    "followup:s47-close": [Case(MANAGER_PAGE, kwargs=_enquiry())],
    "followup:icpc": [Case(SEES_ENQUIRY, kwargs=pk_of("icpc"))],
    "followup:icpc-confirm": [
        Case(
            only(each(("hana",)) | each(("alice", "bob", *READERS, *INVITED), FORBIDDEN)),
            kwargs=pk_of("icpc"),
        )
    ],
    "followup:icpc-date": [Case(WORKER_PAGE, kwargs=pk_of("icpc"))],
    "followup:icpc-held": [Case(WORKER_PAGE, kwargs=pk_of("icpc"))],
    "followup:my-actions": [Case(expect(OK), label="everyone: their own agency's")],
    "followup:actions": [Case(CASELOAD_LIST)],
    "followup:action": [
        Case(only((*CASELOAD, "carol")), label="the police's", kwargs=pk_of("police_action")),
        Case(
            only(each((*WORKERS, "carol")) | each(READERS, FORBIDDEN)),
            label="update the police's",
            method="post",
            kwargs=pk_of("police_action"),
            data=_update,
        ),
        # An action is its owner's agency's work: lee (children's social care, no caseload
        # role) sees and updates alice's, as tom and admin update it; the auditor never does.
        Case(
            only((*CASELOAD, "lee")),
            label="social care's",
            kwargs=pk_of("social_care_action"),
        ),
        Case(
            only(each((*WORKERS, "tom", "admin", "lee")) | {"ivy": FORBIDDEN}),
            label="update social care's",
            method="post",
            kwargs=pk_of("social_care_action"),
            data=_update,
        ),
    ],
    "followup:hrpm-action": [
        Case(SEES_HRPM, label="the police's", kwargs=pk_of("hrpm_action")),
        Case(
            only(each((*WORKERS, "carol")) | each(READERS, FORBIDDEN)),
            label="update the police's",
            method="post",
            kwargs=pk_of("hrpm_action"),
            data=_update,
        ),
    ],
    "followup:review": [
        Case(
            only(each(MANAGERS) | each((*NOT_MANAGERS, *INVITED), FORBIDDEN)),
            label="distributed",
            kwargs=lambda w: {"pk": w.distributed_record.discussion_id},
        ),
        Case(
            only(each(("nick",), FORBIDDEN)) | {"carol": FORBIDDEN},
            label="another partnership's",
            kwargs=pk_of("neighbour_discussion"),
        ),
    ],
    "followup:hrpm-list": [Case(CASELOAD_LIST)],
    "followup:hrpm-new": [
        Case(
            only(each(WORKERS) | each(READERS, FORBIDDEN)),
            kwargs=pk_of("child_in_care", key="child_pk"),
        )
    ],
    "followup:hrpm": [Case(SEES_HRPM, kwargs=pk_of("hrpm"))],
    "followup:hrpm-meeting": [Case(HRPM_WORKER_PAGE, kwargs=pk_of("hrpm"))],
    "followup:hrpm-action-add": [
        Case(HRPM_WORKER_PAGE, label="meeting 1", kwargs=pk_of("hrpm", number=1)),
        Case(
            only(each(WORKERS, NOT_FOUND) | each((*READERS, "carol"), FORBIDDEN)),
            label="no such meeting",
            kwargs=pk_of("hrpm", number=9),
        ),
    ],
    "followup:hrpm-end": [Case(HRPM_WORKER_PAGE, kwargs=pk_of("hrpm"))],
}
