"""Returns (issue 13): the people who see every report of the partnership (managers, heads of
service, the partnership's admins, auditors) download the returns; partner agencies (who see
only their own agency's reports), social care without a manager's role and another
partnership's staff are refused with a reason (403).
"""

from tests.access_matrix import FORBIDDEN, PARTNERS, Case, each, only

WHOLE = ("bob", "hana", "ivy", "admin")
READERS = only(each(WHOLE) | each(("alice", "tom", "lee", "nick", *PARTNERS), FORBIDDEN))

ROUTES = {
    "returns:index": [
        Case(READERS),
        Case(READERS, label="the census", data=lambda w: {"which": "cin-census", "year": "2027"}),
        Case(
            READERS,
            label="list 5",
            data=lambda w: {
                "which": "annex-a",
                "start-day": "1",
                "start-month": "4",
                "start-year": "2026",
                "end-day": "31",
                "end-month": "3",
                "end-year": "2027",
            },
        ),
        # A year out of range is an error on the page, never a 500 and no download.
        Case(READERS, label="a bad year", data=lambda w: {"which": "cin-census", "year": "1999"}),
    ],
}
