from tests.access_matrix import CASELOAD, NOT_FOUND, OK, Case, expect, only

ROUTES = {
    # Everyone signed in has a home page; partners see only the children they are invited to.
    "people:home": [
        Case(expect(OK)),
        Case(expect(OK), label="search", data=lambda w: {"q": "Smith"}),
    ],
    "people:child-detail": [
        Case(
            only(CASELOAD),
            label="home partnership's child",
            kwargs=lambda w: {"pk": w.home_child.pk},
        ),
        # carol's police force serves both partnerships and she is invited to its discussion.
        Case(
            only(("nick", "carol")),
            label="neighbour's child in a discussion carol is invited to",
            kwargs=lambda w: {"pk": w.neighbour_child.pk},
        ),
        Case(
            only((*CASELOAD, "carol", "erin")),
            label="child of a discussion carol and erin are invited to",
            kwargs=lambda w: {"pk": w.discussion.children.get().pk},
        ),
        # The child stays on the caseload; the restricted referral itself does not show.
        Case(
            only((*CASELOAD, "carol", "lee")),
            label="child of a restricted discussion",
            kwargs=lambda w: {"pk": w.restricted_discussion.children.get().pk},
        ),
        Case(expect(NOT_FOUND), label="no such child", kwargs=lambda w: {"pk": 999_999_999}),
    ],
}
