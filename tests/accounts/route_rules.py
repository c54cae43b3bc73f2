from tests.access_matrix import OK, Case, expect, redirect

TO_SIGN_IN = redirect("/sign-in/")

ROUTES = {
    "login": [Case(expect(OK, anonymous=OK))],
    # Only reachable between the password and the code; otherwise back to the start.
    "sign-in-code": [Case(expect(TO_SIGN_IN, anonymous=TO_SIGN_IN))],
    "sign-in-set-up": [Case(expect(TO_SIGN_IN, anonymous=TO_SIGN_IN))],
    "logout": [Case(expect(TO_SIGN_IN), method="post")],
}
