from tests.access_matrix import (
    CASELOAD,
    CASELOAD_READERS,
    FORBIDDEN,
    MANAGERS,
    OK,
    Case,
    each,
    expect,
    only,
    pk_of,
)

# Who may see the case decides 404; among them only managers change the allocation (403).
_HOME_VIEWERS = (*CASELOAD_READERS,)

ROUTES = {
    "allocation:referral": [
        Case(
            only(each(MANAGERS) | each(CASELOAD_READERS, FORBIDDEN)),
            kwargs=pk_of("triaged_referral"),
        )
    ],
    "allocation:discussion": [
        Case(
            only(each(MANAGERS) | each((*_HOME_VIEWERS, "carol", "erin"), FORBIDDEN)),
            kwargs=pk_of("discussion"),
        )
    ],
    "allocation:s47": [
        Case(
            only(each(MANAGERS) | each((*_HOME_VIEWERS, "carol", "erin"), FORBIDDEN)),
            kwargs=pk_of("s47_enquiry"),
        )
    ],
    # As the child's own page: whoever may see the child.
    "allocation:looked": [Case(only(CASELOAD), kwargs=pk_of("home_child"))],
    # Everyone signed in has their own work (a partner's invitations, records and actions).
    "allocation:my-work": [
        Case(expect(OK)),
        Case(expect(OK), label="team", data=lambda w: {"show": "team"}),
    ],
}
