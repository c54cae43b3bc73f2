"""S47 enquiry pages: the list, the enquiry, visit, outcome, what follows, close (an enquiry
starts when the record deciding it is authorised: no start page).

The pages that follow the outcome (core group review and its oversight, care plan review,
the HRPM decision, close) differ only in what they declare, so each is one
``EnquiryFormPage`` at the end of this module."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from convene.core.dates import govuk_date
from convene.core.forms import GovukForm
from convene.core.pages import posted, version_of
from convene.core.pagination import cursor_of, keyset_newest
from convene.followup.child_in_care import may_start_hrpm
from convene.followup.enquiries.forms import (
    CarePlanReviewForm,
    CloseForm,
    CoreGroupReviewForm,
    HrpmDecisionForm,
    OutcomeForm,
    OversightForm,
    VisitForm,
)
from convene.followup.enquiries.selectors import (
    discussion_clocks,
    s47_enquiries_visible_to,
    s47_rows,
)
from convene.followup.enquiries.services import (
    care_plan_review_record,
    core_group_review_oversee,
    core_group_review_record,
    hrpm_decide,
    s47_enquiry_close,
    s47_outcome_record,
    s47_visit_record,
)
from convene.followup.form_views import Place, form_page
from convene.followup.models import CarePlanReview, CoreGroupReview, HrpmDecision, S47Enquiry
from convene.followup.roles import manages_cases, partnership_professionals, works_cases
from convene.followup.vocab import ROUTE_LABELS, S47_OUTCOME_LABELS, continuing_risk_route
from convene.people.looks import audit_list, audit_view
from convene.people.models import Professional
from convene.people.signed_in import professional_of
from convene.people.vocab import LEGAL_STATUS_LABELS, LegalStatus
from convene.policy.vocab import ClockKind


def _enquiry(user: Professional, pk: int) -> S47Enquiry:
    # 404, not 403: an enquiry you may not see is one you do not know exists.
    return get_object_or_404(
        s47_enquiries_visible_to(user=user).select_related(
            "child", "discussion", "record_version__record", "icpc", "partnership"
        ),
        pk=pk,
    )


def _acting_as(
    allowed: Callable[..., bool], refusal: str
) -> Callable[[HttpRequest, int], tuple[Professional, S47Enquiry]]:
    """The signed-in person and the enquiry, refused unless ``allowed`` for its partnership."""

    def acting(request: HttpRequest, pk: int) -> tuple[Professional, S47Enquiry]:
        user = professional_of(request)
        enquiry = _enquiry(user, pk)
        if not allowed(user=user, partnership=enquiry.partnership_id):
            raise PermissionDenied(refusal)
        return user, enquiry

    return acting


_as_worker = _acting_as(works_cases, "Only children's social care carries out S47 enquiries")
_as_manager = _acting_as(manages_cases, "Only a social care manager does this")

_ENQUIRY: Place[S47Enquiry] = Place(
    url_name="followup:s47",
    back_text="Back to the enquiry",
    named=lambda enquiry: f"S47 enquiry {enquiry.reference}",
    caption=lambda enquiry: f"S47 enquiry: {enquiry.child.full_name}",
    children=lambda enquiry: [enquiry.child],
)


def _form_page(request: HttpRequest, *, enquiry: S47Enquiry, **page: Any) -> HttpResponse:
    return form_page(request, place=_ENQUIRY, obj=enquiry, enquiry=enquiry, **page)


# Enquiries a page: a keyset page, newest first (``?before=<id>``), never the whole history.
S47_PAGE = 50


def s47_list(request: HttpRequest) -> HttpResponse:
    user = professional_of(request)
    now = timezone.now()
    show_all = request.GET.get("show") == "all"
    enquiries = s47_enquiries_visible_to(user=user, listed=True)
    if not show_all:
        enquiries = enquiries.exclude(state=S47Enquiry.State.CLOSED)
    page = keyset_newest(
        s47_rows(enquiries, now=now),
        field="started_at",
        before=cursor_of(request.GET.get("before")),
        size=S47_PAGE,
    )
    shown = "all" if show_all else "open"
    audit_list(
        request,
        f"Listed S47 enquiries ({shown}), {'first page' if page.first else 'a later page'}",
    )
    return render(
        request,
        "followup/s47_list.html",
        {"enquiries": page.rows, "page": page, "show_all": show_all, "now": now},
    )


def _mid_sentence(label: str) -> str:
    return label[:1].lower() + label[1:]


def s47_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = professional_of(request)
    enquiry = _enquiry(user, pk)
    visit_clock = next(
        iter(discussion_clocks(discussion=enquiry.discussion, kinds=[ClockKind.S47_VISIT])),
        None,
    )
    status = LegalStatus(enquiry.legal_status_at_outcome or enquiry.child.legal_status)
    audit_view(
        request,
        obj=enquiry,
        summary=f"Viewed S47 enquiry {enquiry.reference}",
        children=[enquiry.child],
    )
    return render(
        request,
        "followup/s47_detail.html",
        {
            "enquiry": enquiry,
            "visitors": list(enquiry.visitors.select_related("agency")),
            "visit_clock": visit_clock,
            "core_group": CoreGroupReview.objects.filter(enquiry=enquiry).first(),
            "care_plan": CarePlanReview.objects.filter(enquiry=enquiry).first(),
            "hrpm_decision": HrpmDecision.objects.filter(enquiry=enquiry)
            .select_related("hrpm", "decided_by")
            .first(),
            # Mid-sentence: only the first letter lowered ("a High Risk Planning Meeting"
            # keeps its capitals, as ``|lower`` did not).
            "route_if_risk": _mid_sentence(ROUTE_LABELS[continuing_risk_route(status)]),
            "status_label": LEGAL_STATUS_LABELS[status],
            "works": works_cases(user=user, partnership=enquiry.partnership_id),
            "manages": manages_cases(user=user, partnership=enquiry.partnership_id),
            # Once the outcome is known; never while the child has an active HRPM (refused).
            "may_start_hrpm": enquiry.outcome_at is not None
            and may_start_hrpm(user=user, child=enquiry.child),
            "now": timezone.now(),
        },
    )


def s47_visit(request: HttpRequest, pk: int) -> HttpResponse:
    user, enquiry = _as_worker(request, pk)
    people = partnership_professionals(partnership=enquiry.partnership)
    form = VisitForm(
        posted(request),
        people=people,
        initial={"version": enquiry.version, "visitors": [user.pk]},
    )
    return _form_page(
        request,
        enquiry=enquiry,
        form=form,
        title="Record the visit",
        button="Save the visit",
        intro=(
            "Children's social care visits within 24 hours of the discussion that decided the S47 "
            "enquiry. Record when, who went, and whether the child was seen alone.",
        ),
        submit=lambda data: s47_visit_record(
            enquiry=enquiry,
            visited_at=data["visited_at"],
            visitors=list(data["visitors"]),
            seen_alone=data["seen_alone"],
            not_seen_alone_reason=data["not_seen_alone_reason"],
            notes=data["notes"],
            by=user,
            now=timezone.now(),
            expected_version=version_of(form),
        ),
        done="Visit recorded",
    )


def s47_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    user, enquiry = _as_worker(request, pk)
    status = LegalStatus(enquiry.child.legal_status)
    route = continuing_risk_route(status)
    hint = (
        f"{enquiry.child.full_name} is {LEGAL_STATUS_LABELS[status].lower()}: continuing risk "
        f"goes to the {ROUTE_LABELS[route][0].lower()}{ROUTE_LABELS[route][1:]}"
    )
    form = OutcomeForm(posted(request), route_hint=hint, initial={"version": enquiry.version})
    return _form_page(
        request,
        enquiry=enquiry,
        form=form,
        title="Record the outcome",
        button="Save the outcome",
        template="followup/s47_outcome.html",
        submit=lambda data: s47_outcome_record(
            enquiry=enquiry,
            outcome=data["outcome"],
            reasons=data["reasons"],
            other_service=data["other_service"],
            by=user,
            now=timezone.now(),
            expected_version=version_of(form),
        ),
        done="Outcome recorded",
        outcomes=S47_OUTCOME_LABELS,
    )


@dataclass(frozen=True)
class EnquiryFormPage:
    """One form page on an enquiry, declared once: who may use it, its form, its service.

    The form's fields are the service's keyword arguments; the service is also given what
    the page acts on (``acts_on``: a keyword and how to find it from the enquiry, the
    enquiry itself unless said otherwise), ``by`` the signed-in person and ``now``. A page
    for a record of the enquiry 404s until that record exists. On success the page returns
    to the enquiry saying ``done``; the ``intro`` paragraphs are drawn from what it acts on.
    """

    form: type[GovukForm]
    acting: Callable[[HttpRequest, int], tuple[Professional, S47Enquiry]]
    service: Callable[..., object]
    title: str
    button: str
    done: str
    intro: Callable[[Any], tuple[str, ...]] = lambda _on: ()
    acts_on: tuple[str, Callable[[S47Enquiry], Any]] = ("enquiry", lambda enquiry: enquiry)

    def __call__(self, request: HttpRequest, pk: int) -> HttpResponse:
        user, enquiry = self.acting(request, pk)
        keyword, find = self.acts_on
        on = find(enquiry)
        form = self.form(posted(request))
        return _form_page(
            request,
            enquiry=enquiry,
            form=form,
            title=self.title,
            button=self.button,
            intro=self.intro(on),
            submit=lambda data: self.service(**{keyword: on}, **data, by=user, now=timezone.now()),
            done=self.done,
        )


def _core_group_review_of(enquiry: S47Enquiry) -> CoreGroupReview:
    return get_object_or_404(CoreGroupReview, enquiry=enquiry)


# The follow-through once the outcome is known: the URL names' views (``followup/urls.py``).

core_group_review = EnquiryFormPage(
    form=CoreGroupReviewForm,
    acting=_as_worker,
    service=core_group_review_record,
    title="Record the core group review",
    button="Save the review",
    intro=lambda enquiry: (
        f"{enquiry.child.full_name} is on a child protection plan: the core group considers "
        "the ongoing risk and the plan is reviewed and updated, with management oversight "
        ".",
    ),
    done="Core group review recorded: a manager records their oversight next",
)

core_group_oversight = EnquiryFormPage(
    form=OversightForm,
    acting=_as_manager,
    service=core_group_review_oversee,
    acts_on=("review", _core_group_review_of),
    title="Record management oversight",
    button="Save the oversight",
    intro=lambda review: (
        f"Core group on {govuk_date(review.held_on)}. Ongoing risk: {review.risk_considered}",
        f"Plan updated: {review.plan_changes}",
    ),
    done="Management oversight recorded",
)

care_plan_review = EnquiryFormPage(
    form=CarePlanReviewForm,
    acting=_as_worker,
    service=care_plan_review_record,
    title="Record the care plan review",
    button="Save the review",
    intro=lambda enquiry: (
        f"{enquiry.child.full_name} is a child in care: the care plan is reviewed and updated "
        "with a stand-alone risk assessment, the young person's view of the risk central to "
        "it.",
    ),
    done="Care plan review recorded: a manager decides whether an HRPM is needed next",
)

hrpm_decision = EnquiryFormPage(
    form=HrpmDecisionForm,
    acting=_as_manager,
    service=hrpm_decide,
    title="Is a High Risk Planning Meeting needed?",
    button="Save the decision",
    intro=lambda _enquiry: (
        "Where the risk is ongoing, for example through exploitation, decide whether an HRPM "
        "oversees the risk management, like a core group for a child in care.",
    ),
    done="Decision recorded",
)

s47_close = EnquiryFormPage(
    form=CloseForm,
    acting=_as_manager,
    service=s47_enquiry_close,
    title="Close the S47 enquiry",
    button="Close the enquiry",
    done="Enquiry closed",
)
