from tests.access_matrix import NOT_ALLOWED, OK, Case, expect, only, redirect

ROUTES = {
    # Each person manages their own tokens; auditors may hold one to read.
    "api-tokens": [
        Case(expect(OK), label="list"),
        Case(expect(OK), label="create", method="post", data=lambda w: {"name": "Matrix"}),
    ],
    "api-token-revoke": [
        Case(
            only({"alice": redirect("/account/api-tokens/")}),
            label="alice's token",
            method="post",
            kwargs=lambda w: {"pk": w.alice_token.pk},
        ),
        Case(
            expect(NOT_ALLOWED),
            label="by GET",
            kwargs=lambda w: {"pk": w.alice_token.pk},
        ),
    ],
}
