"""``{% allocation_panel case %}``: who holds the case, shown on the referral, discussion and
S47 pages, with the link to change it for managers."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from convene.allocation import selectors
from convene.discussions.models import Discussion
from convene.followup.models import S47Enquiry
from convene.people.models import Professional
from convene.referrals.selectors import may_decide_and_convene

register = template.Library()


def _change_url(subject: selectors.Subject) -> str:
    if isinstance(subject, S47Enquiry):
        return reverse("allocation:s47", args=[subject.pk])
    if isinstance(subject, Discussion):
        return reverse("allocation:discussion", args=[subject.pk])
    return reverse("allocation:referral", args=[subject.pk])


@register.inclusion_tag("allocation/_panel.html", takes_context=True)
def allocation_panel(context: Any, subject: selectors.Subject) -> dict[str, Any]:
    user = context["request"].user
    current = selectors.current_for(subject=subject)
    return {
        "current": current,
        "inherited": current is not None
        and selectors.subject_filter(subject)["subject_kind"] != current.subject_kind,
        "change_url": _change_url(subject)
        if isinstance(user, Professional) and may_decide_and_convene(user=user)
        else "",
    }
