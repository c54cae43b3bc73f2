"""Escalation pages (R004.8): social care reads its partnerships' escalations, a partner those
it raised or that name it or its agency; the side addressed acknowledges and resolves; auditors
never raise or act.

In the world: ``escalation`` was raised by carol (police) to Riverside's social care (bob,
the team manager, is named; so is the social care agency, lee's); ``neighbour_escalation``
was raised by nora (Northvale's team manager) to the police, carol's agency.
"""

from tests.access_matrix import (
    CASELOAD,
    FORBIDDEN,
    MANAGERS,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    PARTNERS,
    Case,
    Outcome,
    each,
    expect,
    only,
    pk_of,
    redirect,
)

TO_ESCALATION = redirect("/escalations/*")
# Riverside's caseload, carol whose agency raised it, lee whose agency it names.
SEES_HOME = (*CASELOAD, "carol", "lee")
SEES_NEIGHBOURS = ("carol", "nick")
# Who may raise one: social care who work a caseload (not the auditor), and partners.
RAISE = only(
    each(("alice", "bob", "tom", "hana", "admin", "nick", *PARTNERS))
    | each(("ivy", "lee"), FORBIDDEN)
)


_home = pk_of("escalation")
_neighbours = pk_of("neighbour_escalation")


def _acting(outcome: Outcome) -> list[Case]:
    """Cases for acknowledge and resolve: ``outcome`` for those who may act, by POST."""
    return [
        Case(
            only(
                each(MANAGERS, outcome)
                | each(("alice", "tom", "ivy", "admin", "carol", "lee"), FORBIDDEN)
            ),
            label="raised by the police",
            method="post",
            kwargs=_home,
        ),
        Case(
            only({"carol": outcome, "nick": FORBIDDEN}),
            label="another partnership's, to the police",
            method="post",
            kwargs=_neighbours,
        ),
        Case(expect(NOT_ALLOWED), label="by GET", kwargs=_home),
    ]


ROUTES = {
    "clocks:escalation-list": [
        Case(expect(OK)),
        Case(expect(OK), label="all", data=lambda w: {"state": "all"}),
    ],
    "clocks:escalation-detail": [
        Case(only(SEES_HOME), label="raised by the police", kwargs=_home),
        Case(
            only(SEES_NEIGHBOURS), label="another partnership's, to the police", kwargs=_neighbours
        ),
        Case(expect(NOT_FOUND), label="no such escalation", kwargs=lambda w: {"pk": 999_999_999}),
    ],
    "clocks:escalation-raise": [
        Case(RAISE),
        # About a Riverside convene-by clock: only Riverside's social care can see the clock.
        Case(
            only(
                each(("alice", "bob", "tom", "hana", "admin"))
                | each(("ivy", "lee", "nick", *PARTNERS), FORBIDDEN)
            ),
            label="about a clock",
            data=lambda w: {"clock": w.convene_clock.pk},
        ),
    ],
    # Acknowledging twice is harmless: the second is told it already is, and redirected.
    "clocks:escalation-acknowledge": _acting(TO_ESCALATION),
    # Resolving without an outcome is refused on the page (200), changing nothing.
    "clocks:escalation-resolve": _acting(OK),
}
