"""The service navigation, as data: what each person sees at the top of every page.

At most six top-level sections, grouped by what people do (My work, Children,
Meetings, Follow-up, Escalations, Reports). A section is shown when at least one of
its links is shown to the person; it points at its first such link, and when it has
more than one, the page shows them under the navigation (``section_links``).

A link whose URL name does not resolve is skipped, so a section of an app that is not
installed (Reports, before a reporting app exists) simply does not appear.
Account links (notifications, API tokens, administration, sign out) sit apart, in
the header's account area.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

from convene.core.access import sees_whole_caseload
from convene.people.models import Professional
from convene.people.vocab import Role
from convene.reporting.access import may_see_reports

MAX_SECTIONS = 6

Shown = Callable[[Professional], bool]


def everyone(user: Professional) -> bool:
    return True


def caseload(user: Professional) -> bool:
    """Children's social care (and the partnership's admins and auditors)."""
    return sees_whole_caseload(user=user)


def partner(user: Professional) -> bool:
    """Everyone outside children's social care: their work starts from invitations."""
    return not sees_whole_caseload(user=user)


def conferences(user: Professional) -> bool:
    # The Reviewing Service convenes ICPCs without seeing the whole caseload (R001.14).
    return sees_whole_caseload(user=user) or user.has_role(Role.REVIEWING_SERVICE)


@dataclass(frozen=True)
class Link:
    label: str
    url_names: tuple[str, ...]  # the first that resolves is used
    shown: Shown = everyone


@dataclass(frozen=True)
class Section:
    label: str
    links: tuple[Link, ...]
    # View names (exact, or a prefix ending in ":" or "-") of pages that belong here,
    # so a referral's page highlights "Children" though it is not a top-level link.
    owns: tuple[str, ...] = field(default=())


SECTIONS: tuple[Section, ...] = (
    Section(
        "My work",
        (
            Link("My work", ("allocation:my-work",)),
            Link("Convening", ("discussions:my-work",), caseload),
            Link("My invitations", ("discussions:my-invitations",)),
            Link("My actions", ("followup:my-actions",)),
        ),
        owns=("discussions:respond", "allocation:my-work"),
    ),
    Section(
        "Children",
        (
            Link("Children", ("people:home",)),
            Link("Referrals", ("referrals:list",), caseload),
        ),
        owns=("people:child-detail", "referrals:"),
    ),
    Section(
        "Meetings",
        (
            Link("Conferences", ("followup:icpc-list",), conferences),
            Link("HRPMs", ("followup:hrpm-list",), caseload),
        ),
        owns=("discussions:", "records:", "followup:icpc", "followup:hrpm"),
    ),
    Section(
        "Follow-up",
        (
            Link("Actions", ("followup:actions",), caseload),
            Link("S47 enquiries", ("followup:s47-list",), caseload),
        ),
        owns=(
            "followup:action",
            "followup:s47",
            "followup:core-group",
            "followup:oversight",
            "followup:care-plan",
            "followup:review",
            "followup:reconvene",
        ),
    ),
    Section(
        "Escalations",
        (Link("Escalations", ("clocks:escalation-list",)),),
        owns=("clocks:escalation-",),
    ),
    Section(
        "Reports",
        (Link("Reports", ("reporting:dashboard",), may_see_reports),),
        owns=("reports:", "reporting:", "returns:"),
    ),
)


@cache
def _resolve(url_names: tuple[str, ...]) -> str | None:
    for name in url_names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    active: bool


@dataclass(frozen=True)
class Navigation:
    sections: list[NavItem]
    # The active section's own links, when it has more than one (shown under the bar).
    section_links: list[NavItem]


def _belongs(view_name: str, names: tuple[str, ...]) -> bool:
    return any(
        view_name == name
        or (name.endswith((":", "-")) and view_name.startswith(name))
        or view_name.startswith(name + "-")
        for name in names
    )


def navigation_for(user: Professional, view_name: str = "") -> Navigation:
    """The sections and (for the current section) the links this person sees."""
    sections: list[NavItem] = []
    section_links: list[NavItem] = []
    found = False  # a page claimed by two sections (a prefix and a name) is the first's
    for section in SECTIONS:
        visible = [
            (link, href)
            for link in section.links
            if (href := _resolve(link.url_names)) is not None and link.shown(user)
        ]
        if not visible:
            continue
        own_names = tuple(name for link, _ in visible for name in link.url_names)
        active = bool(view_name) and not found and _belongs(view_name, own_names + section.owns)
        found = found or active
        sections.append(NavItem(section.label, visible[0][1], active))
        if active and len(visible) > 1:
            section_links = [
                NavItem(link.label, href, view_name in link.url_names) for link, href in visible
            ]
    return Navigation(sections[:MAX_SECTIONS], section_links)


def service(request: HttpRequest) -> dict[str, object]:
    """Context for every page: the service's and partnership's names, and the navigation
    (built only when a page shows it)."""
    context: dict[str, object] = {
        "service_name": settings.SERVICE_NAME,
        "partnership_name": settings.CONVENE_PARTNERSHIP_NAME,
    }
    user = getattr(request, "user", None)
    if isinstance(user, Professional) and user.is_authenticated:
        match = getattr(request, "resolver_match", None)
        view_name = match.view_name if match else ""
        context["navigation"] = SimpleLazyObject(lambda: navigation_for(user, view_name))
    return context
