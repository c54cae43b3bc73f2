"""Reads for "My work": one row per thing due for the person signed in (or their team), built
from allocation and from what they own, never from the whole caseload.

Each section is one query (with its children prefetched: two), whatever the caseload, so the
page's query count is constant (tests/allocation/test_my_work_queries.py). A section that is
not the person's job (triage for a social worker, the caseload's S47s for a partner) is empty.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet

from convene.agencychecks.selectors import checks_to_send
from convene.allocation.selectors import team_mates
from convene.allocation.work_actions import ACTIONS_AHEAD, actions_due
from convene.allocation.work_escalations import escalations_to_answer
from convene.allocation.work_follow_through import (
    care_plan_reviews_to_record,
    hrpm_decisions_to_make,
    outcomes_untold,
    records_to_correct,
    s47s_drifting,
)
from convene.allocation.work_probe import may_have, sections_live
from convene.allocation.work_rows import (
    ROWS_PER_SECTION,
    ChildrenOf,
    Mine,
    WorkRow,
    children_of,
    discussion_rows,
    link_to,
    linked_rows,
    of_own,
    row,
    shown_only,
    status_of,
    with_children_named,
)
from convene.core.plans import walks_in_one_process
from convene.discussions.models import Discussion
from convene.discussions.selectors import (
    discussions_visible_to,
    invitations_of,
)
from convene.followup.conferences.selectors import icpcs_visible_to
from convene.followup.enquiries.selectors import s47_enquiries_visible_to, s47_rows
from convene.followup.hrpm.selectors import hrpms_visible_to
from convene.followup.models import Hrpm, Icpc, S47Enquiry
from convene.followup.roles import arranges_conference
from convene.people.models import Professional
from convene.people.selectors import partnership_ids_of, sees_whole_caseload
from convene.records.models import Attendance, Record, RecordVersion
from convene.records.selectors import (
    record_drafts_visible_to,
    record_versions_visible_to,
    unsent_record_versions_visible_to,
)
from convene.referrals.models import Referral
from convene.referrals.selectors import (
    may_decide_and_convene,
    referrals_visible_to,
)
from convene.workdays import LONDON

__all__ = ["WorkRow", "status_of", "with_children_named", "work_for", "work_unnamed"]

VISITS_AHEAD = timedelta(hours=24)
HOLD_AHEAD = timedelta(hours=24)


def _people(user: Professional, team: bool) -> QuerySet[Professional] | Professional:
    return team_mates(user=user) if team else user


def _triage(user: Professional, now: datetime) -> list[WorkRow]:
    if not may_decide_and_convene(user=user):
        return []
    qs = (
        shown_only(referrals_visible_to(user=user))
        .filter(status=Referral.Status.AWAITING_TRIAGE)
        # The soonest open receipt clock, stored on the referral by the clock services.
        .annotate(due=F("receipt_due_at"))
        .order_by("-immediate_risk", F("due").asc(nulls_last=True), "pk")[:ROWS_PER_SECTION]
    )
    return linked_rows(
        qs, "referrals:triage", now, lambda r: (f"Triage referral {r.reference}", r.due)
    )


_TRIAGED = Q(status=Referral.Status.TRIAGED)


@may_have(lambda user, mine, now: [mine.referrals(Referral.objects.filter(_TRIAGED))])
@of_own("referrals")
def _to_convene(user: Professional, mine: Mine, now: datetime) -> list[WorkRow]:
    qs = (
        shown_only(mine.referrals(referrals_visible_to(user=user).filter(_TRIAGED)))
        .annotate(due=F("convene_due_at"))  # the soonest open convene clock, stored
        .order_by(F("due").asc(nulls_last=True), "pk")[:ROWS_PER_SECTION]
    )
    return linked_rows(
        qs,
        "discussions:convene",
        now,
        lambda r: (f"Convene a strategy discussion for {r.reference}", r.due),
    )


def _holding(now: datetime) -> Q:
    return Q(state=Discussion.State.SCHEDULED, starts_at__lt=now + HOLD_AHEAD)


@may_have(lambda user, mine, now: [mine.discussions(Discussion.objects.filter(_holding(now)))])
@of_own("discussions")
def _to_hold(user: Professional, mine: Mine, now: datetime) -> list[WorkRow]:
    """Meetings to hold: each one starting within a day, and each that has started but was
    never marked held, so a meeting late in the evening or left unmarked stays in sight."""
    qs = shown_only(
        mine.discussions(discussions_visible_to(user=user).filter(_holding(now)))
    ).order_by("starts_at", "pk")[:ROWS_PER_SECTION]
    return linked_rows(
        qs,
        "records:hold",
        now,
        lambda d: (f"Hold {d.get_kind_display().lower()} {d.reference}", d.starts_at),
    )


def _drafts_of(qs: QuerySet[Record], mine: Mine) -> QuerySet[Record]:
    return qs.filter(mine.discussion_q("discussion"), draft_open=True)


def _latest_of(qs: QuerySet[RecordVersion], mine: Mine) -> QuerySet[RecordVersion]:
    return qs.filter(mine.discussion_q("record__discussion"), number=F("record__latest_number"))


@may_have(
    lambda user, mine, now: [
        _drafts_of(Record.objects.all(), mine),
        # Unsent, as ``unsent_record_versions_visible_to`` has them.
        _latest_of(RecordVersion.objects.filter(distributed_at__isnull=True), mine),
    ]
)
@of_own("discussions")
def _records(user: Professional, mine: Mine, now: datetime) -> list[WorkRow]:
    """Drafts to write and authorise; authorised versions not yet sent."""
    # A manager's: asked of each record walked (by the partial indexes on open drafts and
    # unsent versions, in the list's order), never built as the set of all their discussions.
    drafts = (
        _drafts_of(record_drafts_visible_to(user=user), mine)
        .order_by("held_at", "pk")
        .values_list("discussion_id", flat=True)[:ROWS_PER_SECTION]
    )
    unsent = (
        _latest_of(unsent_record_versions_visible_to(user=user, per_row=True), mine)
        .order_by("authorised_at", "pk")
        .values_list("record__discussion_id", flat=True)[:ROWS_PER_SECTION]
    )
    return discussion_rows(
        drafts, "Write and authorise the record of {reference}", "records:task-list", now
    ) + discussion_rows(unsent, "Send the record of {reference}", "records:distribute", now)


def _to_confirm(user: Professional, now: datetime) -> list[WorkRow]:
    """Records sent to me that I am still to confirm, as the confirmation service asks it
    (partners and social care alike): the page's versions from my own attendance rows still
    awaiting an answer (``records.awaiting``, a partial index), then need-to-know asked of
    those rows alone, by primary-key probes (``per_row``). Being invited to a discussion
    shows its sent record, so the second step hides nothing today; it keeps the rule in one
    place if that ever changes."""
    ids = list(
        Attendance.objects.filter(professional=user.pk, awaiting_since__isnull=False)
        .order_by("awaiting_since", "version_id")
        .values_list("version_id", flat=True)[:ROWS_PER_SECTION]
    )
    if not ids:  # none sent to me: need-to-know of versions is not built
        return []
    discussions = (
        record_versions_visible_to(user=user, per_row=True)
        .filter(pk__in=ids)
        .order_by("distributed_at", "pk")
        .values_list("record__discussion_id", flat=True)[:ROWS_PER_SECTION]
    )
    return discussion_rows(discussions, "Confirm the record of {reference}", "records:confirm", now)


# What an invitation's row shows: its key, its discussion's key (the reference) and start.
_INVITATION_ROW = ("pk", "discussion__id", "discussion__starts_at")


def _invitations(user: Professional, now: datetime) -> list[WorkRow]:
    qs = (
        invitations_of(user=user)
        .filter(
            response="invited",
            discussion__state=Discussion.State.SCHEDULED,
            discussion__starts_at__gte=now,
        )
        # The discussion alone (its reference, start and children): not its chair and
        # partnership, which the list of invitations shows, nor its other columns.
        .select_related(None)
        .select_related("discussion")
        .only(*_INVITATION_ROW)[:ROWS_PER_SECTION]
    )
    respond = link_to("discussions:respond")
    return [
        row(
            children_of(i.discussion),
            f"Reply to the invitation to {i.discussion.reference}",
            i.discussion.starts_at,
            respond(i.pk),
            now,
        )
        for i in qs
    ]


def _agency_checks(user: Professional, now: datetime) -> list[WorkRow]:
    """Partners: send the agency's information before each meeting (R001.7)."""
    complete = link_to("agencychecks:complete")
    return [
        row(
            children_of(i.discussion),
            f"Send your agency's check for {i.discussion.reference}",
            i.discussion.starts_at,
            complete(i.discussion_id),
            now,
        )
        for i in checks_to_send(user=user, now=now).only(*_INVITATION_ROW)[:ROWS_PER_SECTION]
    ]


_STARTED = Q(state="started")


# A caseload listed or walked alike: by its ids, or by the started enquiries' partial index
# on who holds them (``s47_started_held``).
@may_have(lambda user, mine, now: [mine.s47s(S47Enquiry.objects.filter(_STARTED))], of_listed=False)
@of_own("s47s")
def _s47(user: Professional, mine: Mine, now: datetime) -> list[WorkRow]:
    if not sees_whole_caseload(user=user):
        return []
    visits = s47_rows(
        mine.s47s(s47_enquiries_visible_to(user=user).filter(_STARTED)), now=now
    ).filter(
        # Due within 24 hours; or, under a pack with no visit clock, not yet visited.
        Q(visit_due_at__lte=now + VISITS_AHEAD) | Q(visit_due_at__isnull=True, visited_at=None)
    )[:ROWS_PER_SECTION]
    visit = link_to("followup:s47-visit")
    return [
        row(
            [e.child],
            f"Visit for S47 enquiry {e.reference}",
            getattr(e, "visit_due_at", None),
            visit(e.pk),
            now,
        )
        for e in visits
    ]


def _open_icpcs(qs: QuerySet[Icpc], user: Professional) -> QuerySet[Icpc]:
    # The partnerships as values (all it may see are theirs): for a small partnership beside
    # a large one PostgreSQL then starts from its few conferences instead of walking every
    # partnership's open ICPC clocks (nick: 7,744 probes for none).
    return qs.filter(
        state__in=["requested", "confirmed"], partnership__in=partnership_ids_of(user=user)
    )


# By the partial index on open conferences, whoever asks (one's own are among them).
@may_have(lambda user, _mine, now: [_open_icpcs(Icpc.objects.all(), user)], of_listed=False)
def _icpcs(user: Professional, mine: Mine, now: datetime) -> list[WorkRow]:
    partnerships = partnership_ids_of(user=user)
    qs = _open_icpcs(icpcs_visible_to(user=user), user)
    if not any(arranges_conference(user=user, partnership=p) for p in partnerships):
        if not mine.holds("s47s"):
            return []
        # A semi-join (IN), not a join to the enquiries: no duplicate rows, so no DISTINCT,
        # which sorted every open conference by all its columns before the page (issue 15).
        mine_s47s = mine.s47s(s47_enquiries_visible_to(user=user))
        qs = qs.filter(pk__in=mine_s47s.filter(icpc__isnull=False).values("icpc"))
    # The soonest open ICPC clock, stored; of the conference, only what its row shows.
    qs = qs.annotate(due=F("discussion__icpc_due_at")).only("pk", "discussion", "state")
    # Dated first, walking ``discussion_icpc_due`` (partial: only discussions with an open
    # ICPC clock) and stopping at the page; the undated (a pack with no ICPC clock) are
    # asked only when the dated ones do not fill it. One ORDER BY with NULLS LAST over both
    # would hash every open conference with every discussion (30-150 ms at 50,000).
    rows = list(
        qs.filter(discussion__icpc_due_at__isnull=False).order_by("due", "pk")[:ROWS_PER_SECTION]
    )
    if len(rows) < ROWS_PER_SECTION:
        rows += qs.filter(discussion__icpc_due_at__isnull=True).order_by("pk")[
            : ROWS_PER_SECTION - len(rows)
        ]
    icpc = link_to("followup:icpc")
    return [
        row(
            ChildrenOf(Discussion, c.discussion_id),
            f"Confirm and date conference {c.reference}"
            if c.state == "requested"
            else f"Set the date of conference {c.reference}",
            c.due,
            icpc(c.pk),
            now,
        )
        for c in rows
    ]


def _hrpms_due(qs: QuerySet[Hrpm], mine: Mine, now: datetime) -> QuerySet[Hrpm]:
    """Active series of my cases whose monthly meeting is due within a week: the soonest
    open HRPM clock, stored on the series by the clock services (``hrpm_due_at``)."""
    return qs.filter(
        state="active",
        hrpm_due_at__lte=now + ACTIONS_AHEAD,
        referral__in=mine.referral_ids(),
    )


# A caseload listed or walked alike: the series due are few, walked by their partial index
# (``hrpm_due``), each asked whether it is mine.
@may_have(lambda user, mine, now: [_hrpms_due(Hrpm.objects.all(), mine, now)], of_listed=False)
@of_own("referrals")
def _hrpms(user: Professional, mine: Mine, now: datetime) -> list[WorkRow]:
    if not sees_whole_caseload(user=user):
        return []
    qs = (
        _hrpms_due(hrpms_visible_to(user=user), mine, now)
        .annotate(due=F("hrpm_due_at"))
        .select_related("child")
        .order_by("due", "pk")[:ROWS_PER_SECTION]
    )
    hrpm = link_to("followup:hrpm")
    return [
        row([h.child], f"High Risk Planning Meeting {h.reference}", h.due, hrpm(h.pk), now)
        for h in qs
    ]


Section = tuple[Callable[..., list[WorkRow]], tuple[Any, ...]]


def sections_of(
    *, user: Professional, now: datetime, team: bool = False
) -> tuple[Mine | None, list[Section]]:
    """Whose cases are ``user``'s own (None: they work no caseload) and their sections, each
    with its arguments, in the order their rows are listed."""
    sections: list[Section] = []
    mine = None
    if sees_whole_caseload(user=user):
        mine = Mine.of(_people(user, team))
        sections += [(_triage, (user, now))]
        sections += [
            (section, (user, mine, now))
            for section in (
                _to_convene,
                _to_hold,
                _records,
                records_to_correct,
                outcomes_untold,
                _s47,
                s47s_drifting,
                care_plan_reviews_to_record,
            )
        ]
        sections += [(hrpm_decisions_to_make, (user, now))]
        sections += [(section, (user, mine, now)) for section in (_icpcs, _hrpms)]
    anyone = (_invitations, _agency_checks, _to_confirm, actions_due, escalations_to_answer)
    return mine, sections + [(section, (user, now)) for section in anyone]


def work_for(*, user: Professional, now: datetime, team: bool = False) -> list[WorkRow]:
    """Everything due for ``user`` (or, for a manager with ``team``, their teams), most
    urgent first: overdue, then due today, then by deadline; undated last."""
    return with_children_named(work_unnamed(user=user, now=now, team=team))


def work_unnamed(*, user: Professional, now: datetime, team: bool = False) -> list[WorkRow]:
    """``work_for``'s rows with their children not yet named: a page names its own rows
    (``with_children_named``), not the hundreds of a manager's other pages (issue 15)."""
    mine, sections = sections_of(user=user, now=now, team=team)
    rows: list[WorkRow] = []
    # A caseload too large to list is walked, section by section, each walk cut at a page:
    # in one process (``walks_in_one_process``). Others' sections start from their own
    # rows, and a partner's records to confirm, sorted from their invitations, gain from
    # parallel workers (57 ms where one process takes 75 for a police officer's 5,023).
    walked = mine is not None and mine.ids is None
    with walks_in_one_process() if walked else nullcontext():
        # The sections with nothing that could be theirs, found in one query, are not built.
        live = sections_live(user=user, mine=mine, now=now, sections=[s for s, _ in sections])
        for section, arguments in sections:  # in this order: the sort below keeps it for ties
            if live.may(section):
                rows += section(*arguments)
    order = {"overdue": 0, "due today": 1, "on track": 2, "": 3}
    far = datetime.max.replace(tzinfo=LONDON)
    return sorted(rows, key=lambda r: (order[r.status], r.due_at or far))
