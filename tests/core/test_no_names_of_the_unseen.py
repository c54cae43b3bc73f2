"""No answer names what its asker may not see (issue 12, point 2; docs/access.md, rule 6).

Every API write endpoint (from the published OpenAPI schema) and every page form
(from the route × persona matrix) is sent, for each persona, the ids of children,
staff, referrals and discussions that persona may not see (from the matrix world).
Whatever the answer — refused, invalid, not found — it must not carry the name,
reference or agency of any of them: an id you may not see gets the same answer as an
id that does not exist.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from convene.api.api import api
from convene.api.services import api_token_create
from convene.core.access import AccessAction, can
from convene.discussions.models import Discussion
from convene.people.models import Agency, Child, Professional
from convene.people.selectors import children_visible_to, partnerships_of, professionals_visible_to
from convene.referrals.models import Referral
from tests.access_matrix import OK
from tests.api.conftest import bearer
from tests.core.test_route_matrix import RULES

pytestmark = pytest.mark.django_db

# Partners, another partnership's staff, caseload staff, a LADO named on a restricted case.
WALKERS = ("bob", "alice", "carol", "nick", "lee")
# Forms are many and slow to post: a manager, a partner, another partnership's staff.
PAGE_WALKERS = ("bob", "carol", "nick")
KINDS: tuple[type[Model], ...] = (Child, Professional, Referral, Discussion)
SCHEMA = api.get_openapi_schema(path_params={})
COMPONENTS = SCHEMA["components"]["schemas"]

# Which kind of record each id field of the API's request bodies names. A new id field
# fails test_every_api_id_field_is_known until it is added here.
ID_FIELDS: dict[str, type[Model] | None] = {
    "child_ids": Child,
    "referral_id": Referral,
    "chair_id": Professional,
    "invitee_ids": Professional,
    "named_people_ids": Professional,
    "partnership_id": None,  # left out: defaults to the caller's own
    "setting_id": None,
    "agency_id": None,
    "agency_ids": None,  # the partnership's agencies a record is sent to: named by the caller
    "owner_id": None,  # a person or agency, by owner_kind
    "clock_id": None,
    "child_id": Child,
    "visitor_ids": Professional,
    "attendee_ids": Professional,
    # A child's enquiry at the conference being answered: an id not at it is refused as
    # "not considered at this conference", naming no child.
    "enquiry_id": None,
}


# --- what each persona may not see, and what would give it away -----------------------------


def _unseen(user: Professional) -> dict[type[Model], list[Any]]:
    return {
        Child: list(Child.objects.exclude(pk__in=children_visible_to(user=user)).order_by("pk")),
        Professional: list(
            Professional.objects.exclude(pk__in=professionals_visible_to(user=user))
            .select_related("agency")
            .order_by("pk")
        ),
        Referral: [
            r
            for r in Referral.objects.order_by("pk")
            if not can(user=user, action=AccessAction.VIEW, obj=r)
        ],
        Discussion: [
            d
            for d in Discussion.objects.order_by("pk")
            if not can(user=user, action=AccessAction.VIEW, obj=d)
        ],
    }


def _secrets(user: Professional, unseen: dict[type[Model], list[Any]]) -> set[str]:
    seen_children = {c.full_name for c in children_visible_to(user=user)}
    seen_staff = {p.get_full_name() for p in professionals_visible_to(user=user)}
    serving = set(
        Agency.objects.filter(partnerships__in=partnerships_of(user=user)).values_list(
            "name", flat=True
        )
    )
    if user.agency is not None:
        serving.add(user.agency.name)
    secrets = {c.full_name for c in unseen[Child]} - seen_children
    secrets |= {p.get_full_name() for p in unseen[Professional]} - seen_staff
    secrets |= {p.agency.name for p in unseen[Professional] if p.agency} - serving
    secrets |= {r.reference for r in unseen[Referral]}
    secrets |= {d.reference for d in unseen[Discussion]}
    return {secret for secret in secrets if secret.strip()}


def _spellings(secret: str) -> set[str]:
    return {secret, html.escape(secret), html.escape(secret, quote=False), json.dumps(secret)[1:-1]}


def _leaks(content: str, secrets: set[str]) -> list[str]:
    return sorted(s for s in secrets if any(form in content for form in _spellings(s)))


# --- the API: every write operation ---------------------------------------------------------


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in schema:
        return _resolve(next(s for s in schema["anyOf"] if s.get("type") != "null"))
    return schema


def _write_operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, operations in SCHEMA["paths"].items():
        for method, operation in operations.items():
            if method != "get":
                body = operation.get("requestBody", {}).get("content", {})
                yield method, path, body.get("application/json", {}).get("schema", {})


def _id_fields(schema: dict[str, Any], seen: frozenset[str] = frozenset()) -> Iterator[str]:
    schema = _resolve(schema) if schema else {}
    for name, spec in schema.get("properties", {}).items():
        spec = _resolve(spec)
        if name.endswith(("_id", "_ids")):
            yield name
        elif spec.get("type") == "object" and name not in seen:
            yield from _id_fields(spec, seen | {name})
        elif spec.get("type") == "array" and _resolve(spec["items"]).get("type") == "object":
            yield from _id_fields(spec["items"], seen | {name})


def test_every_api_id_field_is_known():
    fields = {name for _, _, body in _write_operations() for name in _id_fields(body)}
    assert fields <= set(ID_FIELDS), f"say which kind of record {fields - set(ID_FIELDS)} name"


WORDS = {"kind": "strategy_discussion", "how_received": "phone", "response": "accepted"}


def _value(name: str, schema: dict[str, Any], ids: dict[type[Model], int], version: int) -> Any:
    schema = _resolve(schema)
    kind = ID_FIELDS.get(name)
    if name in ID_FIELDS:
        value = ids.get(kind) if kind is not None else None
        return [value] if name.endswith("_ids") and value is not None else value
    if name == "expected_version":
        return version
    if "enum" in schema:
        return schema["enum"][0]
    now = timezone.now()
    match schema.get("type"):
        case "object":
            return {
                key: _value(key, spec, ids, version)
                for key, spec in schema.get("properties", {}).items()
            }
        case "array":
            return [_value(name, schema["items"], ids, version)]
        case "integer":
            return max(1, schema.get("minimum", 1))
        case "boolean":
            return True
        case "string" if schema.get("format") == "date-time":
            days = -1 if name == "received_at" else 2
            return (now + timedelta(days=days, hours=name == "ends_at")).isoformat()
        case "string" if schema.get("format") == "date":
            return (now + timedelta(days=7)).date().isoformat()
    return WORDS.get(name, "Checked and agreed")


def _first_visible(user: Professional, *candidates: Any) -> Any:
    for obj in candidates:
        if can(user=user, action=AccessAction.VIEW, obj=obj):
            return obj
    return candidates[0]


def _path_objects(world: Any, user: Professional) -> dict[str, Any]:
    discussion = _first_visible(
        user, world.discussion, world.neighbour_discussion, world.restricted_discussion
    )
    return {
        "referral_id": _first_visible(
            user, world.awaiting_referral, world.triaged_referral, world.neighbour_referral
        ),
        "discussion_id": discussion,
        "invitation_id": discussion.invitations.order_by("pk").first(),
        "action_id": world.police_action,
        "hrpm-actions": world.hrpm_action,
        "enquiry_id": world.s47_enquiry,
        "icpc_id": world.icpc,
        "hrpm_id": world.hrpm,
        "escalation_id": world.escalation,
        # Path parts that are not records: a meeting's number, a record's section.
        "number": SimpleNamespace(pk=1),
        "section": SimpleNamespace(pk="decision"),
    }


def _seen_ids(world: Any, user: Professional) -> dict[type[Model], int]:
    referral = _first_visible(user, world.triaged_referral, world.neighbour_referral)
    return {
        Referral: referral.pk,
        Child: referral.children.order_by("pk").first().pk,
        Professional: user.pk,
    }


@pytest.mark.parametrize("persona", WALKERS)
def test_no_api_write_names_what_the_caller_may_not_see(client, world, persona):
    user = world.people[persona]
    unseen = _unseen(user)
    secrets = _secrets(user, unseen)
    assert secrets, f"{persona} sees everything: the test would prove nothing"
    headers = bearer(api_token_create(user=user, name="walker")[1])
    objects = _path_objects(world, user)
    leaks, sent = [], 0
    for method, path, body in _write_operations():
        target = objects["hrpm-actions"] if "hrpm-actions" in path else None
        here = {**objects, "action_id": target or objects["action_id"]}
        url = re.sub(r"\{(\w+)\}", lambda m, here=here: str(here[m[1]].pk), path)
        main = objects["discussion_id"] if "discussion_id" in path else objects["referral_id"]
        version = getattr(target or main, "version", 1) or 1
        for kind in KINDS:
            for hidden in unseen[kind][:3]:
                ids = {**_seen_ids(world, user), kind: hidden.pk}
                payload = _value("body", body, ids, version) if body else {}
                response = getattr(client, method)(
                    url, json.dumps(payload), content_type="application/json", headers=headers
                )
                sent += 1
                assert response.status_code < 500, (method, url, payload)
                found = _leaks(response.content.decode(), secrets)
                if found:
                    leaks.append(f"{method.upper()} {url} ({kind.__name__}): {found}")
    assert sent
    assert not leaks, f"{persona}:\n" + "\n".join(leaks)


# --- the pages: every form a persona may open -----------------------------------------------

FORM = re.compile(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", re.S | re.I)
FORM_ACTION = re.compile(r"<form[^>]*action=\"([^\"]*)\"", re.I)
FIELD = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.I)
ATTR = re.compile(r"(\w[\w-]*)=\"([^\"]*)\"")


def _forms(page: str) -> Iterator[tuple[str | None, dict[str, tuple[str, str]]]]:
    """(action, {field name: (tag or input type, its value)}) of each POST form."""
    for match in FORM.finditer(page):
        opening = page[match.start() : page.index(">", match.start()) + 1]
        action = FORM_ACTION.match(opening)
        fields: dict[str, tuple[str, str]] = {}
        for tag, attrs in FIELD.findall(match.group(1)):
            attributes = dict(ATTR.findall(attrs))
            name = attributes.get("name")
            if name and name != "csrfmiddlewaretoken":
                kind = attributes.get("type", "text") if tag.lower() == "input" else tag.lower()
                fields.setdefault(name, (kind, html.unescape(attributes.get("value", ""))))
        yield (html.unescape(action.group(1)) if action else None), fields


def _form_data(fields: dict[str, tuple[str, str]], hidden_id: int) -> dict[str, str]:
    """Every choice (a select, a checkbox, a radio) and every id-like field: the unseen id."""
    data = {}
    for name, (kind, value) in fields.items():
        if kind in {"select", "checkbox", "radio"} or value.isdigit() or name.endswith("id"):
            data[name] = str(hidden_id) if kind != "hidden" or value.isdigit() else value
        elif kind == "hidden":
            data[name] = value
        else:
            data[name] = value or "Checked and agreed"
    return data


@pytest.mark.parametrize("persona", PAGE_WALKERS)
def test_no_page_form_names_what_the_user_may_not_see(client, world, persona):
    user = world.people[persona]
    unseen = _unseen(user)
    secrets = _secrets(user, unseen)
    client.force_login(user)
    leaks, posted = [], 0
    for name, cases in sorted(RULES.items()):
        for case in cases:
            if case.method != "get" or case.expect[persona] != OK:
                continue
            url = reverse(name, kwargs=case.kwargs(world))
            page = client.get(url)
            if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
                continue
            for action, fields in _forms(page.content.decode()):
                if not fields:
                    continue
                for kind in KINDS:
                    for hidden in unseen[kind][:1]:
                        response = client.post(
                            action or url, _form_data(fields, hidden.pk), follow=True
                        )
                        posted += 1
                        assert response.status_code < 500, (url, kind)
                        found = _leaks(response.content.decode(), secrets)
                        if found:
                            leaks.append(f"POST {action or url} ({kind.__name__}): {found}")
    assert posted, f"{persona} opened no form: the test would prove nothing"
    assert not leaks, f"{persona}:\n" + "\n".join(leaks)
