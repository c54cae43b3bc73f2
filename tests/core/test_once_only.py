"""Issue 12 point 7: a double submit creates once (one-time form tokens, API Idempotency-Key).

Every POST form gets its token from ``{% csrf_token %}`` (and tests/pagecheck.py
checks every page any test renders, the route matrix included); this module
proves the second POST of a token lands on the first result for escalations,
referrals and discussions, enumerates every POST form template, and proves the
API's Idempotency-Key.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from convene.clocks.models import Escalation
from convene.core.models import OnceKey
from convene.core.once import Busy, once_begin, once_prune
from convene.discussions.models import Discussion
from convene.people.factories import ChildFactory
from convene.referrals.models import Referral
from tests.api.conftest import bearer
from tests.discussions.test_discussion_api import _payload as api_convene_payload
from tests.discussions.test_discussion_pages import _convene_data
from tests.referrals.test_referral_pages import _answer_everything

pytestmark = pytest.mark.django_db

CONVENE = Path(__file__).resolve().parents[2] / "convene"
_TOKEN = re.compile(r'name="form_token" value="([A-Za-z0-9]{32})"')


def form_token(page: bytes) -> str:
    found = _TOKEN.findall(page.decode())
    assert found, "the page has no form token"
    return str(found[-1])


# -- every form ----------------------------------------------------------------------------


def _post_forms(html: str) -> list[str]:
    return re.findall(r"<form\b[^>]*method=\"post\"[^>]*>.*?</form>", html, re.I | re.S)


def test_issue12_every_post_form_template_writes_a_one_time_token():
    """Enumerates every template with a POST form: each form writes {% csrf_token %}, which
    writes the form token too (a form without it would also fail CSRF)."""
    forms = {
        str(path.relative_to(CONVENE)): _post_forms(path.read_text(encoding="utf-8"))
        for path in sorted(CONVENE.rglob("templates/**/*.html"))
    }
    forms = {name: found for name, found in forms.items() if found}
    assert len(forms) >= 30  # the enumeration found the create forms, not nothing
    for name in (
        "clocks/templates/clocks/escalation_raise.html",
        "discussions/templates/discussions/convene.html",
    ):
        assert name in forms, sorted(forms)
    missing = [
        name for name, found in forms.items() for form in found if "{% csrf_token %}" not in form
    ]
    assert missing == [], missing


def test_issue12_a_rendered_form_carries_a_fresh_token_each_time(client, people):
    client.force_login(people["carol"])
    first = form_token(client.get("/escalations/raise/").content)
    second = form_token(client.get("/escalations/raise/").content)
    assert first != second


def test_issue12_the_page_check_refuses_a_post_form_without_a_token():
    from tests.pagecheck import check_page

    page = (
        "<html><head><title>Raise</title></head><body><h1>Raise</h1>"
        '<form method="post"><input name="csrfmiddlewaretoken" value="x"></form></body></html>'
    )
    assert any("form_token" in problem for problem in check_page(page))


# -- escalations, referrals, discussions: the second POST lands on the first result --------


def test_issue12_a_double_submitted_escalation_is_raised_once(client, people, agencies):
    client.force_login(people["carol"])
    data = {
        "partnership": agencies["csc"].partnerships.get().pk,
        "what_is_late": "Strategy discussion not held",
        "details": "Requested on Monday",
        "form_token": form_token(client.get("/escalations/raise/").content),
    }
    first = client.post("/escalations/raise/", data)
    second = client.post("/escalations/raise/", data)
    escalation = Escalation.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/escalations/{escalation.pk}/"


def test_issue12_a_form_shown_again_with_errors_can_be_sent_again_with_its_token(
    client, people, agencies
):
    client.force_login(people["carol"])
    token = form_token(client.get("/escalations/raise/").content)
    refused = client.post("/escalations/raise/", {"form_token": token})
    assert refused.status_code == 200
    assert not Escalation.objects.exists()
    data = {
        "partnership": agencies["csc"].partnerships.get().pk,
        "what_is_late": "Strategy discussion not held",
        "details": "Requested on Monday",
        "form_token": token,
    }
    assert client.post("/escalations/raise/", data).status_code == 302
    assert Escalation.objects.count() == 1
    # Another person's use of the same token is theirs alone.
    client.force_login(people["dev"])
    client.post("/escalations/raise/", data)
    assert Escalation.objects.count() == 2


def test_issue12_a_double_submitted_referral_is_recorded_once(
    client, people, agencies, partnership
):
    child = ChildFactory(partnership=partnership, first_name="Jo", last_name="Bloggs")
    client.force_login(people["tom"])
    _answer_everything(client, agencies, child)
    token = form_token(client.get("/referrals/new/check/").content)
    first = client.post("/referrals/new/check/", {"form_token": token})
    second = client.post("/referrals/new/check/", {"form_token": token})
    referral = Referral.objects.get()
    assert first["Location"] == second["Location"] == f"/referrals/{referral.pk}/"


def test_issue12_a_double_submitted_discussion_is_convened_once(
    client, people, accepted_for, django_capture_on_commit_callbacks
):
    triaged = accepted_for(now=timezone.now(), received_at=timezone.now() - timedelta(hours=1))
    client.force_login(people["bob"])
    data = _convene_data(triaged, people)
    data["form_token"] = form_token(client.get(f"/discussions/new/{triaged.pk}/").content)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"/discussions/new/{triaged.pk}/", data)
        second = client.post(f"/discussions/new/{triaged.pk}/", data)
    discussion = Discussion.objects.get()
    assert first["Location"] == second["Location"] == f"/discussions/{discussion.pk}/"
    assert discussion.invitations.count() == 4


# -- the API's Idempotency-Key -------------------------------------------------------------


def _api_convene(client, raw_token, payload, key):
    return client.post(
        "/api/discussions/",
        data=json.dumps(payload),
        content_type="application/json",
        headers={**bearer(raw_token), "Idempotency-Key": key},
    )


def test_issue12_an_api_post_with_the_same_idempotency_key_writes_once(
    client, people, accepted_for, tokens
):
    referral = accepted_for(now=timezone.now(), received_at=timezone.now() - timedelta(hours=1))
    payload = api_convene_payload(referral, people)
    first = _api_convene(client, tokens["bob"], payload, "convene-7f3a")
    second = _api_convene(client, tokens["bob"], payload, "convene-7f3a")
    assert first.status_code == second.status_code == 201, first.content
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Discussion.objects.count() == 1
    # The same key for a different request is refused, and writes nothing.
    other = _api_convene(client, tokens["bob"], {**payload, "venue": "Elsewhere"}, "convene-7f3a")
    assert other.status_code == 422
    assert "different request" in other.json()["detail"]
    assert Discussion.objects.count() == 1
    # Another user's key is their own: hana's request is her own write (or refusal).
    answer = _api_convene(client, tokens["hana"], payload, "convene-7f3a")
    assert "Idempotent-Replayed" not in answer


def test_issue12_an_api_error_is_not_kept_so_the_client_can_retry_with_the_same_key(
    client, people, accepted_for, tokens
):
    referral = accepted_for(now=timezone.now(), received_at=timezone.now() - timedelta(hours=1))
    payload = api_convene_payload(referral, people)
    refused = _api_convene(client, tokens["bob"], {**payload, "venue": "x" * 5000}, "retry-1")
    assert refused.status_code in (400, 422)
    assert not OnceKey.objects.exists()
    assert _api_convene(client, tokens["bob"], payload, "retry-1").status_code == 201


def test_issue12_a_request_still_running_makes_the_second_wait_then_answers_409(people):
    claimed = once_begin(user_id=people["bob"].pk, kind="api", key="k", fingerprint="f")
    assert claimed is not None
    with pytest.raises(Busy):
        once_begin(
            user_id=people["bob"].pk,
            kind="api",
            key="k",
            fingerprint="f",
            wait=0.2,
            sleep=lambda s: None,
        )


def test_issue12_keys_expire(people, settings):
    once_begin(user_id=people["bob"].pk, kind="api", key="k", fingerprint="f")
    assert once_prune(now=timezone.now()) == 0
    later = timezone.now() + timedelta(hours=settings.CONVENE_ONCE_KEY_HOURS, seconds=1)
    assert once_prune(now=later) == 1


def test_issue12_signing_out_from_a_page_left_open_always_signs_out(client, people):
    client.force_login(people["carol"])
    token = form_token(client.get("/escalations/raise/").content)
    client.post("/sign-out/", {"form_token": token})
    client.force_login(people["carol"])
    client.post("/sign-out/", {"form_token": token})
    assert client.get("/escalations/raise/").status_code == 302


def test_issue12_a_second_click_while_the_first_is_still_saving_is_told_so(
    client, people, agencies, monkeypatch
):
    monkeypatch.setattr("convene.core.once.WAIT_SECONDS", 0)
    client.force_login(people["carol"])
    token = form_token(client.get("/escalations/raise/").content)
    once_begin(
        user_id=people["carol"].pk, kind="form", key=token, fingerprint="/escalations/raise/"
    )
    response = client.post("/escalations/raise/", {"form_token": token, "what_is_late": "x"})
    assert response.status_code == 409
    assert "This form is already being sent" in response.content.decode()
    assert not Escalation.objects.exists()


def test_issue12_a_double_submitted_api_token_is_created_once(client, people):
    from convene.api.models import ApiToken

    client.force_login(people["alice"])
    data = {
        "name": "Case system",
        "form_token": form_token(client.get("/account/api-tokens/").content),
    }
    first = client.post("/account/api-tokens/", data)
    assert first.status_code == 200  # the new token, shown once
    second = client.post("/account/api-tokens/", data)
    assert second.status_code == 303
    assert second["Location"] == "/account/api-tokens/"
    assert ApiToken.objects.filter(user=people["alice"]).count() == 1
