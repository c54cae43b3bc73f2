from tests.access_matrix import NOT_FOUND, OK, Case, Outcome, expect, redirect

TO_SIGN_IN = redirect("/sign-in/")
# No sign-in provider is configured for the matrix: every name is unknown, and a
# provider's answer without a sign-in started here is refused (tests/accounts/
# test_single_sign_on.py covers both with a provider running).
BAD_REQUEST = Outcome(400)

ROUTES = {
    "accounts:login": [Case(expect(OK, anonymous=OK))],
    # Only reachable between the password and the code; otherwise back to the start.
    "accounts:sign-in-code": [Case(expect(TO_SIGN_IN, anonymous=TO_SIGN_IN))],
    "accounts:sign-in-set-up": [Case(expect(TO_SIGN_IN, anonymous=TO_SIGN_IN))],
    "accounts:oidc-sign-in": [
        Case(expect(NOT_FOUND, anonymous=NOT_FOUND), kwargs=lambda world: {"provider": "council"})
    ],
    "accounts:oidc-callback": [Case(expect(BAD_REQUEST, anonymous=BAD_REQUEST))],
    "accounts:logout": [Case(expect(TO_SIGN_IN), method="post")],
}
