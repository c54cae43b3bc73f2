"""Discussion pages: social care of the partnership and the people invited read a discussion;
everyone else is told it does not exist. Managers convene and change discussions.

In the world: ``discussion`` (Riverside, chair bob) invites carol and erin, not
dev or ursula; ``restricted_discussion`` belongs to the restricted referral
(named: tom, hana, lee, dina; chair dina) and invites lee and carol;
``neighbour_discussion`` is Northvale's and invites carol, whose police force
serves both partnerships.
"""

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
    redirect,
)

TO_DETAIL = redirect("/discussions/*")
TO_REFERRAL = redirect("/referrals/*")
INVITED = ("carol", "erin")

SEES_DISCUSSION = only((*CASELOAD, *INVITED))
SEES_RESTRICTED = only(("tom", "hana", "lee", "carol"))
SEES_NEIGHBOURS = only(("carol", "nick"))


# Managers change a discussion; those who can see it but are not managers are refused
# (403); everyone else is told it does not exist.
CHANGE = [
    Case(
        only(each(MANAGERS) | each((*CASELOAD_READERS, *INVITED), FORBIDDEN)),
        label="scheduled",
        kwargs=pk_of("discussion"),
    ),
    Case(
        only({"hana": OK, "tom": FORBIDDEN, "lee": FORBIDDEN, "carol": FORBIDDEN}),
        label="restricted",
        kwargs=pk_of("restricted_discussion"),
    ),
    Case(
        only({"nick": FORBIDDEN, "carol": FORBIDDEN}),
        label="another partnership's",
        kwargs=pk_of("neighbour_discussion"),
    ),
]
READ = [
    Case(SEES_DISCUSSION, label="carol and erin invited", kwargs=pk_of("discussion")),
    Case(SEES_RESTRICTED, label="restricted", kwargs=pk_of("restricted_discussion")),
    Case(
        SEES_NEIGHBOURS,
        label="another partnership's, carol invited",
        kwargs=pk_of("neighbour_discussion"),
    ),
]

ROUTES = {
    "discussions:my-work": [Case(only((*CASELOAD, "nick"), others=FORBIDDEN))],
    "discussions:my-invitations": [Case(expect(OK))],
    "discussions:detail": [
        *READ,
        Case(only(()), label="no such discussion", kwargs=lambda w: {"pk": 999_999_999}),
    ],
    "discussions:calendar": READ,
    "discussions:reschedule": [
        *CHANGE,
        Case(
            only(each(MANAGERS, TO_DETAIL) | each((*CASELOAD_READERS, *INVITED), FORBIDDEN)),
            label="held",
            kwargs=lambda w: {"pk": w.draft_record.discussion_id},
        ),
    ],
    "discussions:invite": CHANGE,
    "discussions:cancel": CHANGE,
    "discussions:convene": [
        Case(
            only(each(MANAGERS) | each(CASELOAD_READERS, FORBIDDEN)),
            label="triaged referral",
            kwargs=pk_of("triaged_referral", key="referral_pk"),
        ),
        Case(
            only(each(MANAGERS, TO_REFERRAL) | each(CASELOAD_READERS, FORBIDDEN)),
            label="referral awaiting triage",
            kwargs=pk_of("awaiting_referral", key="referral_pk"),
        ),
        Case(
            only({"hana": OK, "tom": FORBIDDEN, "lee": FORBIDDEN}),
            label="restricted referral",
            kwargs=pk_of("restricted_referral", key="referral_pk"),
        ),
        Case(
            only({"nick": FORBIDDEN}),
            label="another partnership's referral",
            kwargs=pk_of("neighbour_referral", key="referral_pk"),
        ),
    ],
    "discussions:respond": [
        # carol answers her own invitation; a manager records an answer given by phone.
        Case(
            only(each(("carol", *MANAGERS)) | each((*CASELOAD_READERS, "erin"), FORBIDDEN)),
            label="carol's",
            kwargs=pk_of("invitation"),
        ),
        Case(
            only({"carol": OK, "nick": FORBIDDEN}),
            label="carol's to another partnership's discussion",
            kwargs=pk_of("neighbour_invitation"),
        ),
    ],
}
