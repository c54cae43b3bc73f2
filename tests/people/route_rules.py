from tests.access_matrix import CASELOAD, NOT_FOUND, OK, Case, expect, only

ROUTES = {
    # Everyone signed in has a home page; partners see only the children they are invited to.
    "home": [
        Case(expect(OK)),
        Case(expect(OK), label="search", data=lambda w: {"q": "Smith"}),
    ],
    "child-detail": [
        Case(
            only(CASELOAD),
            label="home partnership's child",
            kwargs=lambda w: {"pk": w.home_child.pk},
        ),
        Case(
            only(("nick",)),
            label="neighbour's child",
            kwargs=lambda w: {"pk": w.neighbour_child.pk},
        ),
        Case(expect(NOT_FOUND), label="no such child", kwargs=lambda w: {"pk": 999_999_999}),
    ],
}
