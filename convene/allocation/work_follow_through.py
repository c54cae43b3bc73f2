"""My work's follow-through sections (issue 18): records to correct, outcome notices not
yet sent, S47 enquiries drifting towards a conference with no date and, after a S47 outcome
for a child in care, the care plan review to record and the HRPM decision to make.

Like every section of :mod:`convene.allocation.work`, each is one query (two with the
children prefetched) through the owning app's own selector, for the person's own cases
(allocated to them or chaired by them) or their team's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db.models import F, Q, QuerySet

from convene.allocation.selectors import s47s_of_teams_of
from convene.allocation.work_probe import may_have
from convene.allocation.work_rows import (
    ROWS_PER_SECTION,
    ChildrenOf,
    Mine,
    WorkRow,
    link_to,
    linked_rows,
    of_own,
    row,
    shown_only,
)
from convene.core.access import among
from convene.discussions.models import Discussion
from convene.discussions.selectors import discussions_visible_to
from convene.followup.census import drift_due_at, s47_drifting
from convene.followup.child_in_care import care_plan_reviews_due, hrpm_decisions_due
from convene.followup.enquiries.selectors import s47_enquiries_visible_to
from convene.followup.models import S47Enquiry
from convene.followup.roles import manages_cases, works_cases
from convene.people.models import Professional
from convene.people.selectors import partnership_ids_of, partnerships_of
from convene.records.models import Confirmation
from convene.records.selectors import record_versions_visible_to

__all__ = [
    "care_plan_reviews_to_record",
    "hrpm_decisions_to_make",
    "outcomes_untold",
    "records_to_correct",
    "s47s_drifting",
]


_OPEN_CORRECTION = Q(response=Confirmation.Response.CORRECTION, resolution="")


# A caseload listed or walked alike: the open corrections are few, walked by their partial
# index (``confirmation_open_correction``), each asked whether it is mine.
@may_have(
    lambda user, mine, now: [
        Confirmation.objects.filter(
            _OPEN_CORRECTION, mine.discussion_q("version__record__discussion")
        )
    ],
    of_listed=False,
)
@of_own("discussions")
def records_to_correct(user: Professional, mine: Mine, now: datetime) -> list[WorkRow]:
    """Corrections asked for on the latest version of my records, not yet answered."""
    # A manager's: asked of each open correction by index probes, never as the set of their
    # discussions.
    latest = record_versions_visible_to(user=user, per_row=True).filter(
        mine.discussion_q("record__discussion"), number=F("record__latest_number")
    )
    qs = (
        Confirmation.objects.filter(among(latest, "version", per_row=True), _OPEN_CORRECTION)
        .select_related("version__record__discussion")
        .order_by("responded_at", "pk")[:ROWS_PER_SECTION]
    )
    resolve = link_to("records:resolve")
    return [
        row(
            ChildrenOf(Discussion, c.version.record.discussion_id),
            f"Correct the record of {c.version.record.discussion.reference}",
            None,
            resolve(c.version.record.discussion_id, c.pk),
            now,
        )
        for c in qs
    ]


_UNTOLD = Q(outcome_due_at__isnull=False)


@may_have(lambda user, mine, now: [mine.discussions(Discussion.objects.filter(_UNTOLD))])
@of_own("discussions")
def outcomes_untold(user: Professional, mine: Mine, now: datetime) -> list[WorkRow]:
    """My discussions whose outcome notice has not reached everyone (the "outcome
    notified" clock is open): the referrer or an absent agency not yet told (R002.9)."""
    qs = (
        # The soonest open "outcome notified" clock is stored on the discussion by the clock
        # services: a walk of its partial index, each discussion walked asked whether it is
        # mine and visible by index probes (never the whole caseload built as a set).
        shown_only(
            mine.discussions(
                Discussion.objects.filter(
                    among(discussions_visible_to(user=user), "pk", per_row=True), _UNTOLD
                )
            )
        )
        .annotate(due=F("outcome_due_at"))
        .order_by("due", "pk")[:ROWS_PER_SECTION]
    )
    return linked_rows(
        qs,
        "records:confirmations",
        now,
        lambda d: (f"Tell the referrer the outcome of {d.reference}", d.due),
    )


@of_own("s47s")
def s47s_drifting(user: Professional, mine: Mine, now: datetime) -> list[WorkRow]:
    """My S47 enquiries open over 15 working days with no conference date (the census's
    8675Q, ``followup.census.s47_drifting``), on each partnership's own calendar."""
    rows: list[WorkRow] = []
    s47 = link_to("followup:s47")
    for partnership in partnerships_of(user=user).only("pk", "policy_id"):
        held = mine.s47s(s47_enquiries_visible_to(user=user).filter(partnership=partnership))
        qs = s47_drifting(held, policy_id=partnership.policy_id, now=now)[:ROWS_PER_SECTION]
        rows += [
            row(
                [e.child],
                f"S47 enquiry {e.reference} has no conference date",
                drift_due_at(decided_at=e.decided_at, policy_id=partnership.policy_id),
                s47(e.pk),
                now,
            )
            for e in _drift_columns(qs)
        ]
    return rows


def _drift_columns(qs: QuerySet[S47Enquiry]) -> QuerySet[S47Enquiry]:
    """Only what a drifting enquiry's row shows: the joined version's snapshot and PDF (tens
    of KB each) and the discussion's columns were read for every row (issue 15)."""
    return (
        qs.select_related(None)
        .select_related("child")
        .only("pk", "decided_at", "child__first_name", "child__last_name")
    )


def _partnerships_where(user: Professional, may: Callable[..., bool]) -> list[int]:
    """The partnerships where ``may`` lets ``user`` act: the same rule the step's page and
    service apply. Empty (an auditor; a worker, for a manager's step): the section
    is empty, and its query is not built (issue 15)."""
    return [pk for pk in partnership_ids_of(user=user) if may(user=user, partnership=pk)]


def _enquiries_in(user: Professional, partnerships: list[int]) -> QuerySet[S47Enquiry]:
    """The enquiries ``user`` may see, of ``partnerships``."""
    return s47_enquiries_visible_to(user=user).filter(partnership__in=partnerships)


def _enquiry_rows(
    qs: QuerySet[S47Enquiry], what: str, url_name: str, now: datetime
) -> list[WorkRow]:
    """One undated row per enquiry (no timescale is set for these steps), oldest outcome
    first; ``what`` names the enquiry as ``{reference}``."""
    qs = qs.select_related("child").order_by("outcome_at", "pk")[:ROWS_PER_SECTION]
    url = link_to(url_name)
    return [row([e.child], what.format(reference=e.reference), None, url(e.pk), now) for e in qs]


@may_have(lambda user, mine, now: [care_plan_reviews_due(mine.s47s(S47Enquiry.objects.all()))])
@of_own("s47s")
def care_plan_reviews_to_record(user: Professional, mine: Mine, now: datetime) -> list[WorkRow]:
    """My enquiries about a child in care that found continuing risk: the care plan review
    to record (R000.2c), by whoever holds the enquiry."""
    partnerships = _partnerships_where(user, works_cases)
    if not partnerships:
        return []
    return _enquiry_rows(
        care_plan_reviews_due(mine.s47s(_enquiries_in(user, partnerships))),
        "Record the care plan review for S47 enquiry {reference}",
        "followup:care-plan",
        now,
    )


def _decisions_candidates(
    user: Professional, _mine: Mine | None, now: datetime
) -> list[QuerySet[S47Enquiry]]:
    """Any enquiry of the partnerships where they decide, awaiting the decision: by the
    enquiries' (partnership, state) index, as the section itself walks them."""
    partnerships = _partnerships_where(user, manages_cases)
    if not partnerships:
        return []
    return [hrpm_decisions_due(S47Enquiry.objects.filter(partnership__in=partnerships))]


@may_have(_decisions_candidates, of_listed=False)
def hrpm_decisions_to_make(user: Professional, now: datetime) -> list[WorkRow]:
    """Care plans reviewed after a S47 enquiry held by my teams: whether an HRPM is needed,
    for the managers who may decide it (R000.2c). A manager's own list and their team's
    show the same rows: the decision is theirs whoever in the team holds the case."""
    partnerships = _partnerships_where(user, manages_cases)
    if not partnerships:
        return []
    ours = s47s_of_teams_of(_enquiries_in(user, partnerships), member=user)
    return _enquiry_rows(
        hrpm_decisions_due(ours),
        "Decide whether an HRPM is needed after S47 enquiry {reference}",
        "followup:hrpm-decision",
        now,
    )
