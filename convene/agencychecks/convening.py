"""Opening the agency checks when a discussion is arranged: one check and one clock per agency.

When a discussion is scheduled, moved or given more invitees (the discussions app's
``discussion_notices_decided`` signal, in the same transaction), each invited partner agency
gets its check, on the one clock table (kind ``agency_check``) due the pack's lead time
before the meeting starts (``convene.policy.agency_checks``; England: by the start), and
each of its invitees is asked, in Convene and by email through the outbox, with the link to
complete it. The clock is reminded like every other (to the agency's invitees: the
responsible side registered in ``apps.py``), shown late, and counted in the reports; it is
met when the agency sends its check (``services.agency_check_submit``). A moved meeting
moves the due time (the old clock waived, a new one started); a cancelled discussion waives
them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.urls import reverse

from convene.agencychecks.models import AgencyCheck
from convene.agencychecks.selectors import expected_agencies
from convene.clocks.models import Clock
from convene.clocks.services import clock_meet, clock_start, clock_waive, clocks_open_for
from convene.discussions.models import Discussion, Invitation
from convene.discussions.notices import Notice
from convene.people.models import Professional
from convene.policy.agency_checks import AgencyCheckTerms, agency_check_terms
from convene.policy.vocab import ClockKind
from convene.records.policy import discussion_facts, discussion_pack
from convene.reminders.services import deliveries_decide

__all__ = ["check_clock_meet", "checks_open", "discussion_terms", "on_notices_decided"]

REQUEST = "agency_check.request"
REQUEST_SUBJECT = "Send your agency's check for"
MOVED = "The meeting moved, so the check is due at a new time"
CANCELLED = "The discussion was cancelled, so its agency checks are closed"


def discussion_terms(discussion: Discussion) -> AgencyCheckTerms:
    """The pack's terms for this discussion's agency checks (lead time, held back or not)."""
    return agency_check_terms(discussion_pack(discussion), discussion_facts(discussion))


def on_notices_decided(
    sender: Any,
    *,
    discussion: Discussion,
    invitations: Sequence[Invitation],
    notice: Notice,
    now: datetime,
    by: Professional,
    **kwargs: Any,
) -> None:
    if notice is Notice.CANCELLATION:
        for check in AgencyCheck.objects.filter(discussion=discussion):
            for clock in clocks_open_for(subject=check):
                clock_waive(clock=clock, reason=CANCELLED, at=now, by=by)
        return
    if discussion.state == Discussion.State.SCHEDULED and discussion.starts_at is not None:
        checks_open(discussion=discussion, invitations=invitations, now=now, by=by)


def _clock_due(
    check: AgencyCheck, *, terms: AgencyCheckTerms, due: datetime, now: datetime, by: Professional
) -> None:
    """The check's one open clock, due at ``due``: started, or moved with the meeting."""
    open_clocks = clocks_open_for(subject=check)
    if any(clock.due_at == due for clock in open_clocks):
        return
    for clock in open_clocks:
        clock_waive(clock=clock, reason=MOVED, at=now, by=by)
    discussion = check.discussion
    pack = discussion_pack(discussion)
    clock_start(
        partnership=discussion.partnership,
        subject=check,
        kind=ClockKind.AGENCY_CHECK,
        rule_id=terms.rule_id or "convene.agency_check.default",
        policy_id=pack.id,
        policy_version=pack.version,
        citation=str(terms.citation),
        summary=f"{check.agency.name}: {terms.summary}",
        started_at=min(now, due),
        due_at=due,
        by=by,
    )


def checks_open(
    *, discussion: Discussion, invitations: Sequence[Invitation], now: datetime, by: Professional
) -> list[AgencyCheck]:
    """Each invited partner agency's check, its clock due by the pack's lead time, and its
    newly told invitees asked to complete it (once each)."""
    assert discussion.starts_at is not None
    terms = discussion_terms(discussion)
    due = terms.due_at(starts_at=discussion.starts_at, arranged_at=now)
    told = [invitation.professional for invitation in invitations]
    checks = []
    for agency in expected_agencies(discussion=discussion):
        check, _ = AgencyCheck.objects.get_or_create(
            discussion=discussion, agency=agency, defaults={"created_by": by, "modified_by": by}
        )
        check.discussion = discussion
        checks.append(check)
        if check.version:
            continue  # already sent: nothing to chase
        _clock_due(check, terms=terms, due=due, now=now, by=by)
        deliveries_decide(
            partnership=discussion.partnership,
            source=check,
            kind=REQUEST,
            professionals=[person for person in told if person.agency_id == agency.pk],
            subject=f"{REQUEST_SUBJECT} {discussion.reference}",
            body=(
                f"{agency.name} is invited to {discussion.get_kind_display().lower()} "
                f"{discussion.reference}. Send your agency's check of what it knows, "
                f"before the meeting starts. Do not assume another agency has already shared it."
            ),
            link=reverse("agencychecks:complete", args=[discussion.pk]),
            now=now,
        )
    return checks


def check_clock_meet(check: AgencyCheck, *, at: datetime, by: Professional) -> list[Clock]:
    """The agency sent its check: its open clock is met (late when past the due time)."""
    return [
        clock_meet(clock=clock, at=max(at, clock.started_at), by=by)
        for clock in clocks_open_for(subject=check)
        if clock.kind == ClockKind.AGENCY_CHECK
    ]
