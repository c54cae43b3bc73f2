"""``AuditContext``: what a service is told of where a change came from (issue 17).

A page or API operation builds it once from the request; the CLI and the worker use
``AuditContext.system()``. The entry it produces is the one a request used to produce.
"""

from __future__ import annotations

import dataclasses

import pytest
from django.test import override_settings

from convene.api.services import api_token_create
from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.audit.services import audit_record, audit_sent

pytestmark = pytest.mark.django_db


def test_a_page_request_gives_its_address_and_no_token(rf):
    context = AuditContext.from_request(rf.post("/", REMOTE_ADDR="192.0.2.7"))
    assert context == AuditContext(remote_addr="192.0.2.7", api_token=None)
    assert context.channel == ""


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(rf):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.4")
    assert AuditContext.from_request(request).remote_addr == "198.51.100.4"


def test_an_api_request_names_its_token(rf, people):
    token, _raw = api_token_create(user=people["bob"], name="bob's case system")
    request = rf.get("/api/referrals/", REMOTE_ADDR="198.51.100.23")
    request.api_token = token  # as BearerToken sets it
    context = AuditContext.from_request(request)
    assert context.api_token == "bob's case system"
    assert context.channel == " through the API (token ‘bob's case system’)"


def test_the_system_context_has_no_address_and_no_channel():
    assert AuditContext.system() == AuditContext(remote_addr="", api_token=None)
    assert AuditContext.system().channel == ""


def test_a_context_cannot_be_changed_once_built(rf):
    context = AuditContext.from_request(rf.get("/", REMOTE_ADDR="192.0.2.7"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        context.remote_addr = "203.0.113.1"  # type: ignore[misc]


def test_an_entry_keeps_the_contexts_address_and_channel(people, child):
    entry = audit_record(
        actor=people["bob"],
        action=Action.VIEW,
        obj=child,
        summary="Viewed child record",
        context=AuditContext(remote_addr="198.51.100.23", api_token="bob's case system"),
    )
    entry.refresh_from_db()
    assert entry.remote_addr == "198.51.100.23"
    assert entry.summary == "Viewed child record through the API (token ‘bob's case system’)"


def test_without_a_context_and_with_the_system_one_an_entry_is_the_same(people, child):
    fields = {"actor": people["bob"], "action": Action.VIEW, "obj": child, "summary": "Viewed"}
    bare = audit_record(**fields)
    system = audit_record(**fields, context=AuditContext.system())
    assert (
        (bare.remote_addr, bare.summary) == (system.remote_addr, system.summary) == ("", "Viewed")
    )


def test_an_email_sent_by_the_worker_is_recorded_with_no_address(child):
    [entry] = audit_sent(
        obj=child, children=[child], what="an invitation", to_name="Ann", to_email="ann@example.org"
    )
    assert entry.remote_addr == ""
    assert entry.summary == "Emailed an invitation to Ann <ann@example.org>"
    assert entry.actor_username == "Convene (email)"
