"""Agency checks: whoever may see the discussion reads them; only its invited partners (not
social care) complete their own agency's; everyone else is told the discussion does not exist."""

from tests.access_matrix import CASELOAD, FORBIDDEN, OK, Case, each, only, pk_of
from tests.discussions.route_rules import INVITED, READ

ROUTES = {
    "agencychecks:board": READ,
    "agencychecks:complete": [
        Case(
            only(each(INVITED) | each(CASELOAD, FORBIDDEN)),
            label="carol and erin invited",
            kwargs=pk_of("discussion"),
        ),
        Case(
            only({"carol": OK, "tom": FORBIDDEN, "hana": FORBIDDEN, "lee": FORBIDDEN}),
            label="restricted",
            kwargs=pk_of("restricted_discussion"),
        ),
        Case(
            only({"carol": OK, "nick": FORBIDDEN}),
            label="another partnership's, carol invited",
            kwargs=pk_of("neighbour_discussion"),
        ),
    ],
}
