from tests.access_matrix import OK, Case, Outcome, expect

# For load balancers: the same answer for everyone, signed in or not, and no data.
# Not ready in the matrix's world: no worker has beaten there (tests/core/test_health.py).
NOT_READY = Outcome(503)

ROUTES = {
    "healthz": [Case(expect(OK, anonymous=OK))],
    "readyz": [Case(expect(NOT_READY, anonymous=NOT_READY))],
}
