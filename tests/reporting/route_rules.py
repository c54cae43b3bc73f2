"""Reports (issue 13): managers, heads of service, the partnership's admins and auditors see
every report of their partnership; partner agencies their own agency's attendance and actions
(another table answers 404: it is not theirs to know of); social care without a manager's role
(alice, tom, lee) and another partnership's staff (nick) are refused with a reason (403).
"""

from tests.access_matrix import FORBIDDEN, PARTNERS, Case, each, only

WHOLE = ("bob", "hana", "ivy", "admin")
REFUSED = each(("alice", "tom", "lee", "nick"), FORBIDDEN)
EVERY_READER = only(each(WHOLE) | each(PARTNERS) | REFUSED)

ROUTES = {
    "reporting:dashboard": [
        Case(EVERY_READER),
        Case(
            EVERY_READER,
            label="dates chosen",
            data=lambda w: {
                "period": "dates",
                "start-day": "1",
                "start-month": "4",
                "start-year": "2026",
                "end-day": "31",
                "end-month": "3",
                "end-year": "2027",
            },
        ),
        # A date that does not exist is an error on the page, never a 500.
        Case(
            EVERY_READER,
            label="a bad date",
            data=lambda w: {"period": "dates", "start-day": "31", "start-month": "2"},
        ),
    ],
    "reporting:drift": [Case(EVERY_READER)],
    "reporting:overrides": [Case(only(each(WHOLE) | REFUSED))],
    "reporting:quality": [Case(only(each(WHOLE) | REFUSED))],
    "reporting:download": [
        Case(
            only(each(WHOLE) | REFUSED),
            label="timeliness as CSV",
            kwargs=lambda w: {"key": "timeliness", "fmt": "csv"},
        ),
        Case(
            EVERY_READER,
            label="attendance as XLSX",
            kwargs=lambda w: {"key": "attendance", "fmt": "xlsx"},
        ),
        # Partners too: their own agency's exceptions on the records shared with them.
        Case(
            EVERY_READER,
            label="attendance exceptions' reasons as CSV",
            kwargs=lambda w: {"key": "exception-reasons", "fmt": "csv"},
        ),
        # Partners: 404 (it is not their agency's table).
        Case(
            only(each(WHOLE) | REFUSED),
            label="drifting S47 enquiries as CSV",
            kwargs=lambda w: {"key": "drifting-s47s", "fmt": "csv"},
        ),
        Case(
            only(REFUSED),
            label="no such format",
            kwargs=lambda w: {"key": "attendance", "fmt": "pdf"},
        ),
    ],
}
