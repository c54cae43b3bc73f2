"""Referral pages: social care of the partnership reads them; partners never see a referral.

A restricted referral (an allegation against staff) is read only by the people
named on it: in the world, tom (who recorded it), hana (who decided it), lee
(the LADO) and dina, not bob, alice, the auditor or the admin. Recording is for
triage advisors, social workers and managers; triage for managers.
"""

from tests.access_matrix import (
    CASELOAD,
    CASELOAD_READERS,
    FORBIDDEN,
    MANAGERS,
    NOT_FOUND,
    RECORDERS,
    Case,
    each,
    only,
    pk_of,
    redirect,
)

TO_REFERRAL = redirect("/referrals/*")

# Social care staff of some partnership read the list; it is no page for a partner.
LIST = only((*CASELOAD, "nick"), others=FORBIDDEN)
# Recording a concern: the recorders of each partnership (nick records for Northvale).
RECORDING = only((*RECORDERS, "nick"), others=FORBIDDEN)


ROUTES = {
    "referrals:list": [
        Case(LIST),
        Case(LIST, label="filtered", data=lambda w: {"status": "triaged"}),
    ],
    "referrals:new": [Case(RECORDING)],
    "referrals:children": [
        Case(RECORDING),
        Case(RECORDING, label="search", data=lambda w: {"q": "Smith"}),
    ],
    "referrals:new-child": [Case(RECORDING)],
    "referrals:check": [Case(RECORDING)],
    "referrals:step": [
        Case(RECORDING, label="a question", kwargs=lambda w: {"slug": "received"}),
        Case(
            only(each((*RECORDERS, "nick"), NOT_FOUND), others=FORBIDDEN),
            label="no such question",
            kwargs=lambda w: {"slug": "nope"},
        ),
    ],
    "referrals:detail": [
        Case(only(CASELOAD), label="awaiting triage", kwargs=pk_of("awaiting_referral")),
        Case(only(CASELOAD), label="triaged", kwargs=pk_of("triaged_referral")),
        # carol and erin are invited to its discussion, and still never see the referral.
        Case(
            only(CASELOAD),
            label="with a discussion partners are invited to",
            kwargs=lambda w: {"pk": w.discussion.referral_id},
        ),
        Case(
            only(("tom", "hana", "lee")),
            label="restricted, naming tom hana lee",
            kwargs=pk_of("restricted_referral"),
        ),
        Case(only(("nick",)), label="another partnership's", kwargs=pk_of("neighbour_referral")),
        Case(only(()), label="no such referral", kwargs=lambda w: {"pk": 999_999_999}),
    ],
    "referrals:triage": [
        Case(
            only(each(MANAGERS) | each(CASELOAD_READERS, FORBIDDEN)),
            label="awaiting triage",
            kwargs=pk_of("awaiting_referral"),
        ),
        Case(
            only(each(MANAGERS, TO_REFERRAL) | each(CASELOAD_READERS, FORBIDDEN)),
            label="already triaged",
            kwargs=pk_of("triaged_referral"),
        ),
        Case(
            only({"hana": TO_REFERRAL, "tom": FORBIDDEN, "lee": FORBIDDEN}),
            label="restricted, naming tom hana lee",
            kwargs=pk_of("restricted_referral"),
        ),
        Case(
            only({"nick": FORBIDDEN}),
            label="another partnership's",
            kwargs=pk_of("neighbour_referral"),
        ),
    ],
}
