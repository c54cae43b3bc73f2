"""Recording a concern: GOV.UK question pages, one topic a page, ending in "Check your answers".

The answers are kept in the session (a draft) until "Check your answers" is
confirmed; only then does ``referral_create`` write anything, in one
transaction, exactly as the API does. An abandoned draft leaves nothing
half-recorded in the case record.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from convene.audit.context import AuditContext
from convene.audit.models import Action
from convene.audit.services import audit_record
from convene.core.errors import ServiceError
from convene.people import nhs_number
from convene.people.models import Child, Partnership, Professional
from convene.people.selectors import children_search, children_visible_to, partnerships_of
from convene.people.vocab import ExploitationRating, LegalStatus
from convene.referrals import forms as f
from convene.referrals.intake_draft import STEP_BY_SLUG, STEPS, Draft, Step, is_restricted
from convene.referrals.selectors import may_record_referrals
from convene.referrals.services import NewChild, Referrer, RiskFacts, referral_create


def _user(request: HttpRequest) -> Professional:
    user = request.user
    assert isinstance(user, Professional)
    if not may_record_referrals(user=user):
        raise PermissionDenied("Only children's social care staff record referrals")
    return user


def _partnership(user: Professional) -> Partnership:
    # A social care account belongs to one partnership's council; the first is used.
    partnership = partnerships_of(user=user).order_by("name").first()
    if partnership is None:
        raise PermissionDenied("Your account is not linked to a partnership")
    return partnership


def _applicable(draft: Draft) -> list[Step]:
    return [step for step in STEPS if step.applies(draft)]


def _url(slug: str) -> str:
    if slug == "check":
        return reverse("referrals:check")
    if slug == "children":
        return reverse("referrals:children")
    return reverse("referrals:step", args=[slug])


def _next(slug: str, draft: Draft, returning: bool) -> str:
    if returning:
        return _url("check")
    steps = [step.slug for step in _applicable(draft)]
    position = steps.index(slug) if slug in steps else -1
    return _url(steps[position + 1]) if position + 1 < len(steps) else _url("check")


def _back(slug: str, draft: Draft, returning: bool) -> str:
    if returning:
        return _url("check")
    steps = [step.slug for step in _applicable(draft)]
    position = steps.index(slug) if slug in steps else 0
    return _url(steps[position - 1]) if position > 0 else reverse("referrals:new")


def intake_start(request: HttpRequest) -> HttpResponse:
    _user(request)
    draft = Draft(request)
    if request.method == "POST":
        draft.clear()
        return redirect(_url(STEPS[0].slug))
    return render(request, "referrals/intake/start.html", {"draft_started": draft.started})


def intake_step(request: HttpRequest, slug: str) -> HttpResponse:
    user = _user(request)
    partnership = _partnership(user)
    step = STEP_BY_SLUG.get(slug)
    if step is None or step.form is None:
        raise Http404("No such question")
    draft = Draft(request)
    returning = request.GET.get("return") == "check"
    if not step.applies(draft):
        return redirect(_next(slug, draft, returning))
    if request.method == "POST":
        form = step.form(request.POST, partnership=partnership)
        if form.is_valid():
            draft.store(slug, request.POST)
            if slug == "categories" and not is_restricted(draft):
                draft.data["steps"].pop("restricted", None)
                draft.save()
            if slug == "categories" and is_restricted(draft) and not draft.raw("restricted"):
                return redirect(_url("restricted"))  # a new question now applies
            return redirect(_next(slug, draft, returning))
    else:
        form = draft.form(step, partnership) or step.form(partnership=partnership)
        if form.is_bound and not form.is_valid():
            form = step.form(partnership=partnership)
    return render(
        request,
        [f"referrals/intake/{slug}.html", "referrals/intake/step.html"],
        {
            "form": form,
            "step": step,
            "back_url": _back(slug, draft, returning),
            "partnership": partnership,
        },
    )


# --- Children ---------------------------------------------------------------------------


def _describe_new(answers: dict[str, list[str]], partnership: Partnership) -> dict[str, Any] | None:
    form = f.NewChildForm(MultiValueDict(answers), partnership=partnership)
    if not form.is_valid():
        return None
    data = form.cleaned_data
    unborn = data["born"] == "no"
    name = (
        f"Unborn baby {data['last_name']}".strip()
        if unborn
        else f"{data['first_name']} {data['last_name']}".strip()
    )
    born: date | None = data["date_of_birth"]
    due: date | None = data["expected_date_of_delivery"]
    return {
        "name": name,
        "unborn": unborn,
        "date_of_birth": born,
        "expected_date_of_delivery": due,
        "nhs_number": nhs_number.formatted(nhs_number.normalise(data["nhs_number"]))
        if data["nhs_number"]
        else "",
        "data": data,
    }


def _added_children(
    draft: Draft, user: Professional, partnership: Partnership
) -> list[dict[str, Any]]:
    """The children added so far: existing records (still visible) and new ones."""
    existing_ids = [item["existing"] for item in draft.children if "existing" in item]
    found = {c.pk: c for c in children_visible_to(user=user).filter(pk__in=existing_ids)}
    added = []
    for index, item in enumerate(draft.children):
        if "existing" in item and item["existing"] in found:
            added.append({"index": index, "child": found[item["existing"]], "new": None})
        elif "new" in item:
            described = _describe_new(item["new"], partnership)
            if described is not None:
                added.append({"index": index, "child": None, "new": described})
    return added


def intake_children(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    partnership = _partnership(user)
    draft = Draft(request)
    returning = request.GET.get("return") == "check"
    errors: list[dict[str, str]] = []
    query = request.GET.get("q", "").strip()[:100]
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "add":
            child = (
                children_visible_to(user=user)
                .filter(partnership=partnership, pk=request.POST.get("child", "0") or 0)
                .first()
                if str(request.POST.get("child", "")).isdigit()
                else None
            )
            if child is None:
                errors.append({"href": "#q", "text": "Child not found: search again"})
            elif any(item.get("existing") == child.pk for item in draft.children):
                errors.append(
                    {"href": "#q", "text": f"{child.full_name} is already on this referral"}
                )
            else:
                draft.children.append({"existing": child.pk})
                draft.save()
                return redirect(request.get_full_path())
        elif action == "remove":
            index = request.POST.get("index", "")
            if index.isdigit() and int(index) < len(draft.children):
                draft.children.pop(int(index))
                draft.save()
            return redirect(request.get_full_path())
        elif action == "continue":
            if not _added_children(draft, user, partnership):
                errors.append({"href": "#q", "text": "Add at least one child"})
            else:
                return redirect(_next("children", draft, returning))
    results: list[Child] = []
    if query:
        results = list(children_search(user=user, query=query).filter(partnership=partnership)[:20])
        context = AuditContext.from_request(request)
        audit_record(
            actor=user,
            action=Action.SEARCH,
            summary=f"Searched children for ‘{query}’ to add to a referral: {len(results)} shown",
            context=context,
        )
    added = _added_children(draft, user, partnership)
    added_ids = {item["child"].pk for item in added if item["child"] is not None}
    return render(
        request,
        "referrals/intake/children.html",
        {
            "step": STEP_BY_SLUG["children"],
            "errors": errors,
            "query": query,
            "results": results,
            "added": added,
            "added_ids": added_ids,
            "back_url": _back("children", draft, returning),
            "returning": returning,
        },
    )


def intake_new_child(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    partnership = _partnership(user)
    draft = Draft(request)
    form = f.NewChildForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["nhs_number"]
        problem = ""
        if number:
            try:
                number = nhs_number.normalise(number)
            except nhs_number.InvalidNhsNumber as error:
                problem = str(error)
            else:
                known = Child.objects.filter(partnership=partnership, nhs_number=number).first()
                if known is not None:
                    problem = (
                        "A child with this NHS number is already recorded: search for them by "
                        "NHS number and add them"
                    )
        if problem:
            form.add_error("nhs_number", problem)
        else:
            answers = {
                k: request.POST.getlist(k) for k in request.POST if k != "csrfmiddlewaretoken"
            }
            draft.children.append({"new": answers})
            draft.save()
            return redirect(reverse("referrals:children"))
    return render(
        request,
        "referrals/intake/new_child.html",
        {"form": form, "back_url": reverse("referrals:children")},
    )


# --- Check your answers ---------------------------------------------------------------------


def _display(form: forms.Form, name: str, value: Any) -> str:
    field = form.fields[name]
    if value is None or value == "" or value == []:
        return "Not given"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, list) and hasattr(field, "choices") and not hasattr(field, "queryset"):
        labels = dict(field.choices)
        return ", ".join(str(labels.get(v, v)) for v in value)
    if hasattr(value, "all") and callable(value.all):
        return ", ".join(str(v) for v in value.all()) or "Not given"
    if hasattr(field, "choices") and not hasattr(field, "queryset"):
        return str(dict(field.choices).get(value, value))
    return str(value)


def _summary(draft: Draft, partnership: Partnership) -> tuple[list[dict[str, Any]], list[str]]:
    sections = []
    missing = []
    for step in _applicable(draft):
        if step.form is None:  # the children, listed from the draft by the page itself
            sections.append(
                {
                    "step": step,
                    "rows": [],
                    "complete": True,
                    "change": _url(step.slug) + "?return=check",
                }
            )
            continue
        form = draft.form(step, partnership)
        valid = form is not None and form.is_valid()
        rows = []
        if valid and form is not None:
            for name in form.fields:
                if name in {"received_time"}:
                    continue
                value = form.cleaned_data.get(name)
                label = form.fields[name].label or name
                if name == "received_date":
                    received = form.cleaned_data["received_at"]
                    value = timezone.localtime(received).strftime("%-d %B %Y at %H:%M")
                    label = "Received"
                rows.append({"key": label, "value": _display(form, name, value)})
        else:
            missing.append(step.slug)
        sections.append(
            {
                "step": step,
                "rows": rows,
                "complete": valid,
                "change": _url(step.slug) + "?return=check",
            }
        )
    return sections, missing


def _service_arguments(
    draft: Draft, user: Professional, partnership: Partnership
) -> dict[str, Any]:
    def answers(slug: str) -> dict[str, Any]:
        cleaned = draft.cleaned(STEP_BY_SLUG[slug], partnership)
        assert cleaned is not None
        return cleaned

    received, referrer = answers("received"), answers("referrer")
    risk, health, planning = answers("risk"), answers("health"), answers("planning")
    named = answers("restricted")["named_people"] if is_restricted(draft) else []
    existing: list[Child] = []
    new: list[NewChild] = []
    for item in _added_children(draft, user, partnership):
        if item["child"] is not None:
            existing.append(item["child"])
        else:
            data = item["new"]["data"]
            new.append(
                NewChild(
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    date_of_birth=data["date_of_birth"],
                    expected_date_of_delivery=data["expected_date_of_delivery"],
                    sex=data["sex"],
                    nhs_number=data["nhs_number"],
                    legal_status=LegalStatus(data["legal_status"]),
                    setting=data["setting"],
                )
            )
    return {
        "partnership": partnership,
        "received_at": received["received_at"],
        "how_received": received["how_received"],
        "referrer": Referrer(
            agency=referrer["referrer_agency"],
            organisation=referrer["referrer_organisation"],
            name=referrer["referrer_name"],
            role=referrer["referrer_role"],
            email=referrer["referrer_email"],
            phone=referrer["referrer_phone"],
        ),
        "account": answers("account")["account"],
        "triage_conversation": answers("conversation")["triage_conversation"],
        "categories": answers("categories")["categories"],
        "facts": RiskFacts(
            significant_harm_suspected=risk["significant_harm_suspected"],
            immediate_risk=risk["immediate_risk"],
            forensic_evidence_needed=risk["forensic_evidence_needed"],
            in_hospital=health["in_hospital"],
            medical_needed=health["medical_needed"],
            exploitation_rating=ExploitationRating(answers("exploitation")["exploitation_rating"]),
            agencies_key_to_planning=planning["agencies_key_to_planning"],
            complex_concerns=planning["complex_concerns"],
            ongoing_risk=planning["ongoing_risk"],
            review_requested=planning["review_requested"],
            new_information=planning["new_information"],
        ),
        "children": existing,
        "new_children": new,
        "named_people": list(named),
    }


def intake_check(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    partnership = _partnership(user)
    draft = Draft(request)
    sections, _missing = _summary(draft, partnership)
    added = _added_children(draft, user, partnership)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        for section in sections:
            if not section["complete"]:
                errors.append(
                    {"href": section["change"], "text": f"Answer '{section['step'].title}'"}
                )
        if not added:
            errors.append(
                {"href": _url("children") + "?return=check", "text": "Add at least one child"}
            )
        if not errors:
            try:
                context = AuditContext.from_request(request)
                referral = referral_create(
                    **_service_arguments(draft, user, partnership),
                    by=user,
                    now=timezone.now(),
                    context=context,
                )
            except ServiceError as error:
                slug = {
                    "received_at": "received",
                    "how_received": "received",
                    "children": "children",
                    "categories": "categories",
                    "account": "account",
                    "named_people": "restricted",
                }.get(
                    error.field or "",
                    "referrer" if (error.field or "").startswith("referrer") else "",
                )
                href = (_url(slug) + "?return=check") if slug else ""
                errors.append({"href": href, "text": error.message})
            else:
                draft.clear()
                messages.success(request, f"Referral {referral.reference} recorded")
                return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/intake/check.html",
        {
            "sections": sections,
            "added": added,
            "errors": errors,
            "back_url": _url(_applicable(draft)[-1].slug),
            "children_change": _url("children") + "?return=check",
        },
    )
