"""My work's escalations: those addressed to the person or their agency, still to answer.

Split from :mod:`convene.allocation.work` (issue 15): how "addressed to me" is asked depends
on how often the person is addressed, three plans for the same rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from convene.allocation.work_probe import may_have
from convene.allocation.work_rows import ROWS_PER_SECTION, WorkRow, link_to, row
from convene.clocks.models import (
    ESCALATION_OPEN_STATES,
    Escalation,
    EscalationAddressee,
    EscalationAgency,
)
from convene.clocks.selectors import escalations_visible_among
from convene.people.models import Professional
from convene.people.selectors import partnership_ids_of

__all__ = ["escalations_to_answer"]

# The most escalations addressed to someone that are listed by key (``_addressed_to_me``).
ESCALATIONS_LISTED = 500
# Beyond this many open links, "addressed to me" is probed per escalation walked, not hashed.
ESCALATIONS_HASHED = 1_000


# A link table that addresses escalations, its column, and the value that is the person's.
Links = list[tuple[QuerySet[Any, Any], str, int]]
_TO_ANSWER = Q(state__in=ESCALATION_OPEN_STATES)


def _addressed_to_me(user: Professional) -> Q | None:
    """Escalations still to answer addressed to ``user`` or their agency: by primary key when
    there are at most ``ESCALATIONS_LISTED``, else asked of each escalation walked; None when
    none is. The keys are read from each link table's partial index of the open links
    (``still_open``), stopping past the cap: a police officer's agency named on 32,590
    escalations, 317 of them open, is 317 index entries, where asking the escalations' state
    hashed all 32,590 against every open escalation (12 ms at a million discussions).
    Listed, PostgreSQL fetches a worker's few by key; as ``IN`` subqueries it walked the
    partnership's escalations probing each (0.5 s for one of 226,000, issue 15). Never a
    join: joining both many-to-many tables under an OR multiplied the rows and needed a
    DISTINCT over every escalation of the partnership (60 s for a team manager)."""
    links = _links_of(user)
    # Read once, as far as the walked forms need to tell theirs apart: counting the links
    # again to choose between them was two more queries on a team manager's every page.
    keys: set[int] = set()
    for through, field, value in links:
        found = through.filter(**{field: value}).order_by().values_list("escalation", flat=True)
        keys.update(found[: ESCALATIONS_HASHED + 1])
        if len(keys) > ESCALATIONS_HASHED:
            break
    if not keys:
        return None
    if len(keys) <= ESCALATIONS_LISTED:
        return Q(pk__in=sorted(keys))
    return _addressed_walked(links, open_links=len(keys))


def _links_of(user: Professional) -> Links:
    """The open links that address an escalation to ``user``: to them, and to their agency
    (each with its column and the value that is theirs)."""
    links: Links = [(EscalationAddressee.objects.filter(still_open=True), "professional", user.pk)]
    if user.agency_id is not None:
        links.append((EscalationAgency.objects.filter(still_open=True), "agency", user.agency_id))
    return links


def _probed(links: Links) -> Q:
    """ "Addressed to me" as an index probe of each link table per escalation asked (their
    unique (escalation, ...) pairs; the second comparison keeps PostgreSQL from hashing all
    of the person's links first, as ``among(per_row=True)``)."""
    to_me = Q()
    for through, field, value in links:
        probe = through.filter(
            escalation=OuterRef("pk"), escalation__gte=OuterRef("pk"), **{field: value}
        )
        to_me |= Q(Exists(probe))
    return to_me


def _addressed_walked(links: Links, *, open_links: int) -> Q:
    """ "Addressed to me" asked of each escalation the list walks. Hashed (``IN``) for up to
    ``ESCALATIONS_HASHED`` open links: cheap to hash, and few of the rows walked need be
    theirs. Beyond, an index probe of each link table per row walked (``_probed``): a team
    manager is addressed by most escalations walked, and for bob's 6,608 open links at a
    million discussions counting and hashing them took 3.5 ms where the probes took 1.5.
    Before the links knew which were open, hashing a team manager's 33,738 cost 8-12 ms.
    """
    if open_links > ESCALATIONS_HASHED:
        return _probed(links)
    to_me = Q()
    for through, field, value in links:
        to_me |= Q(pk__in=through.filter(**{field: value}).values("escalation"))
    return to_me


def _candidates(user: Professional, _mine: object, now: datetime) -> list[QuerySet[Escalation]]:
    """Those still to answer addressed to me, and those addressed to my agency: each an
    ``EXISTS`` of its own (never one ``OR``, which PostgreSQL cannot turn into a semi-join),
    in my partnerships (need-to-know's first condition) so the open ones are walked by the
    ``(partnership, state, raised_at)`` index, or the few addressed to me by theirs."""
    open_ = Escalation.objects.filter(_TO_ANSWER, partnership__in=partnership_ids_of(user=user))
    found = [open_.filter(addressed_to=user.pk)]
    if user.agency_id is not None:
        found.append(open_.filter(addressed_agencies=user.agency_id))
    return found


# How many pages of candidates a section reads to fill its page with those the person may
# see. Convene never addresses an agency about a record it may not open
# (:mod:`convene.clocks.audience`), so the first page is nearly always the page.
PAGES_READ = 4


@may_have(_candidates, of_listed=False)
def escalations_to_answer(user: Professional, now: datetime) -> list[WorkRow]:
    """Escalations raised or acknowledged, addressed to me or my agency, oldest first.

    The candidates walked in the list's order a page at a time, then need-to-know asked of
    that page's rows alone, set-based (``escalations_visible_among``). Built into the walk,
    need-to-know for every kind of subject was most of the section: 3.7 ms to plan a team
    manager's, and for a police officer a hash of all 32,590 escalations that name her
    agency (14 ms at a million discussions, issue 15)."""
    to_me = _addressed_to_me(user)
    if to_me is None:  # addressed by none: need-to-know is not built (issue 15)
        return []
    candidates = (
        Escalation.objects.filter(to_me, _TO_ANSWER, partnership__in=partnership_ids_of(user=user))
        .only("pk", "what_is_late", "raised_at")
        .order_by("raised_at", "pk")
    )
    shown: list[Escalation] = []
    after = Q()
    for _ in range(PAGES_READ):
        page = list(candidates.filter(after)[:ROWS_PER_SECTION])
        visible = escalations_visible_among(user=user, ids=[e.pk for e in page])
        shown += [e for e in page if e.pk in visible]
        if len(shown) >= ROWS_PER_SECTION or len(page) < ROWS_PER_SECTION:
            break
        last = page[-1]
        after = Q(raised_at__gt=last.raised_at) | Q(raised_at=last.raised_at, pk__gt=last.pk)
    detail = link_to("clocks:escalation-detail")
    return [
        row([], f"Escalation: {e.what_is_late}", None, detail(e.pk), now)
        for e in shown[:ROWS_PER_SECTION]
    ]
