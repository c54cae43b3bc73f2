"""Reads of records: who sees what, the task list, what is missing, who has confirmed.

Who may read: children's social care of the partnership (the chair, managers,
social workers, the partnership's auditors) see the draft and every version;
the professionals invited see the versions that have been distributed, and
confirm them. Anyone else is told nothing exists (404).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from convene.clocks.models import Clock
from convene.core.access import among
from convene.core.selector_memo import remembered_per_person
from convene.discussions.models import Discussion, Invitation
from convene.discussions.selectors import discussions_visible_to
from convene.people.models import Agency, Professional
from convene.people.selectors import partnerships_of, sees_whole_caseload
from convene.policy.vocab import ClockKind, Decision, RecordSection
from convene.records import sections
from convene.records.authorise_checks import record_check
from convene.records.models import Confirmation, DistributionLog, Record, RecordVersion
from convene.records.per_child import children_facts
from convene.records.policy import (
    Completeness,
    discussion_facts,
    discussion_pack,
    may_authorise,
    may_chair,
    shown_parts,
)

__all__ = [
    "ConfirmationRow",
    "TaskRow",
    "confirmation_rows",
    "confirmations_visible_to",
    "discussion_for",
    "owner_options",
    "record_completeness",
    "record_contents",
    "record_drafts_visible_to",
    "record_for",
    "record_versions_visible_to",
    "records_visible_to",
    "sees_draft",
    "task_rows",
    "unsent_record_versions_visible_to",
    "versions_visible_to",
]


def discussion_for(*, user: Professional, pk: int) -> Discussion:
    discussion = (
        discussions_visible_to(user=user)
        .select_related("referral", "partnership", "chair")
        .filter(pk=pk)
        .first()
    )
    if discussion is None:
        raise Http404("No such discussion")
    return discussion


def _draft_readers(user: Professional) -> Q | None:
    """Over Discussion: where ``user`` reads the draft (social care of the partnership)."""
    if not sees_whole_caseload(user=user):
        return None
    return Q(partnership__in=partnerships_of(user=user))


def sees_draft(*, user: Professional, discussion: Discussion) -> bool:
    """Social care of the partnership reads the draft; partners read what was distributed."""
    readers = _draft_readers(user)
    return readers is not None and Discussion.objects.filter(readers, pk=discussion.pk).exists()


# Built once per person object (one request): My work asks these in four sections.
@remembered_per_person
def record_drafts_visible_to(*, user: Professional) -> QuerySet[Record]:
    """Records whose draft ``user`` reads: every version, the task list, who it was sent to,
    the family summary. Social care of the partnership, of the discussions it may see."""
    readers = _draft_readers(user)
    if readers is None:
        return Record.objects.none()
    seen = discussions_visible_to(user=user).filter(readers)
    return Record.objects.filter(among(seen, "discussion"))


@remembered_per_person
def records_visible_to(*, user: Professional) -> QuerySet[Record]:
    """Records ``user`` may open: the draft readers' (above), and for a professional invited
    to the discussion, once a version of it has been distributed."""
    distributed = RecordVersion.objects.filter(record=OuterRef("pk"), distributed_at__isnull=False)
    invited = Invitation.objects.filter(discussion=OuterRef("discussion"), professional=user.pk)
    shared = Record.objects.filter(
        Exists(distributed),
        Exists(invited),
        among(discussions_visible_to(user=user), "discussion"),
    )
    drafts = record_drafts_visible_to(user=user)
    return Record.objects.filter(Q(among(drafts, "pk")) | Q(among(shared, "pk")))


@remembered_per_person
def record_versions_visible_to(
    *, user: Professional, per_row: bool = False
) -> QuerySet[RecordVersion]:
    """Draft readers see every version; the invited, the versions that were distributed.
    ``per_row``: each version walked is probed (``among``), for a list walked by index and
    cut at a page (My work), where a hashed set of every readable record would cost more."""
    return RecordVersion.objects.filter(
        Q(among(record_drafts_visible_to(user=user), "record", per_row=per_row))
        | Q(
            among(records_visible_to(user=user), "record", per_row=per_row),
            distributed_at__isnull=False,
        )
    )


def unsent_record_versions_visible_to(
    *, user: Professional, per_row: bool = False
) -> QuerySet[RecordVersion]:
    """The versions not yet sent that ``user`` sees: ``record_versions_visible_to``'s rows
    with ``distributed_at`` empty. Only its draft readers' half can hold them (the invited
    see a version once it is distributed), so the other half is left out: the same rows,
    with a query a third the size to build and plan (My work's versions to send, issue 15)."""
    return RecordVersion.objects.filter(
        among(record_drafts_visible_to(user=user), "record", per_row=per_row),
        distributed_at__isnull=True,
    )


def record_for(*, user: Professional, pk: int) -> Record:
    """The record of discussion ``pk`` if ``user`` may read it; 404 otherwise."""
    discussion = discussion_for(user=user, pk=pk)
    record = records_visible_to(user=user).filter(discussion=discussion).first()
    if record is None:
        raise Http404("No record of this discussion has been shared with you")
    record.discussion = discussion
    return record


def versions_visible_to(*, user: Professional, record: Record) -> QuerySet[RecordVersion]:
    return record_versions_visible_to(user=user).filter(record=record).order_by("-number")


def confirmations_visible_to(*, user: Professional) -> QuerySet[Confirmation]:
    """The draft readers see every confirmation (who has confirmed); a professional their own."""
    return Confirmation.objects.filter(
        Q(version__record__in=record_drafts_visible_to(user=user).values("pk"))
        | Q(professional=user.pk, version__in=record_versions_visible_to(user=user).values("pk"))
    )


def may_change_record(*, user: Professional, record: Record) -> bool:
    """Write, authorise's checks aside, distribute, correct: the chair, or a manager the policy
    lets chair, of a draft they read (``records.policy.may_chair``)."""
    return may_chair(user, record.discussion) and sees_draft(
        user=user, discussion=record.discussion
    )


def record_contents(*, record: Record) -> dict[RecordSection, dict[str, Any]]:
    return {RecordSection(e.section): e.content for e in record.entries.all()}


def record_completeness(
    *, record: Record, contents: Mapping[RecordSection, Mapping[str, Any]] | None = None
) -> Completeness:
    discussion = record.discussion
    return record_check(
        record,
        discussion_pack(discussion),
        discussion_facts(discussion),
        contents if contents is not None else record_contents(record=record),
        per_child=children_facts(discussion),
    )


@dataclass(frozen=True)
class TaskRow:
    part: sections.Part
    status: str  # not_started, in_progress, completed, cannot_start
    required: bool
    reason: str = ""

    @property
    def label(self) -> str:
        return {
            "not_started": "Not started",
            "in_progress": "In progress",
            "completed": "Completed",
            "cannot_start": "Cannot start yet",
        }[self.status]


def task_rows(*, record: Record) -> tuple[Completeness, list[tuple[str, list[TaskRow]]]]:
    """The task list: each part shown, with its status and whether the policy requires it."""
    contents = record_contents(record=record)
    check = record_completeness(record=record, contents=contents)
    facts = discussion_facts(record.discussion)
    required = frozenset(r.section for r in check.required)
    started = frozenset(s for s, c in contents.items() if sections.is_started(s, c))
    shown = shown_parts(facts, check.decision, required, started)
    attended = any(
        row.get("status") == "attended"
        for row in (contents.get(RecordSection.ATTENDANCE) or {}).get("rows", [])
    )
    groups: dict[str, list[TaskRow]] = {}
    for part in shown:
        covered = [s for s in part.covers]
        if part.section == RecordSection.PROFESSIONAL_VIEWS and not attended:
            row = TaskRow(part, "cannot_start", False, "Record who attended first")
        elif part.group == sections.Group.PLAN and check.decision is None:
            row = TaskRow(part, "cannot_start", False, "Record the decision first")
        else:
            done = all(s in check.complete for s in covered)
            status = (
                "completed" if done else "in_progress" if part.section in started else "not_started"
            )
            row = TaskRow(part, status, any(s in required for s in covered))
        groups.setdefault(part.group.value, []).append(row)
    return check, list(groups.items())


@dataclass(frozen=True)
class ConfirmationRow:
    name: str
    agency: str
    confirmation: Confirmation | None
    exempt: bool  # the chair or the authoriser, who made the record


def confirmation_rows(*, version: RecordVersion) -> list[ConfirmationRow]:
    found = {c.professional_id: c for c in version.confirmations.all()}
    exempt = {version.record.discussion.chair_id, version.authorised_by_id}
    return [
        ConfirmationRow(
            name=row.name,
            agency=row.agency.name if row.agency else "",
            confirmation=found.get(row.professional_id),
            exempt=row.professional_id in exempt,
        )
        for row in version.attendance.filter(status="attended").select_related("agency")
    ]


def deliveries(*, version: RecordVersion) -> QuerySet[DistributionLog]:
    return version.deliveries.order_by("kind", "recipient")


def owner_options(*, discussion: Discussion) -> tuple[list[Professional], list[Agency]]:
    """Who an action can be for: the invitees first, then the partnership's agencies."""
    people = [
        inv.professional
        for inv in Invitation.objects.filter(discussion=discussion).select_related(
            "professional__agency"
        )
    ]
    agencies = list(Agency.objects.filter(partnerships=discussion.partnership_id).order_by("name"))
    return people, agencies


def permissions(*, user: Professional, record: Record) -> dict[str, bool]:
    discussion = record.discussion
    chair = may_chair(user, discussion)
    return {
        "edit": chair and record.draft_open,
        "authorise": may_authorise(user, discussion) and record.draft_open,
        "distribute": chair and discussion.state == Discussion.State.AUTHORISED,
        "correct": chair and not record.draft_open,
        "chair": chair,
        "draft": sees_draft(user=user, discussion=discussion),
    }


def decision_label(decision: str | None) -> str:
    return sections.DECISION_LABELS[Decision(decision)] if decision else ""


def distribution_citation(*, record: Record) -> str:
    """The rule behind the record's distribution timescale, for the check page's "Why?"
    (the timescale itself is written in plain words, issue 18)."""
    return (
        Clock.objects.filter(
            subject_type=ContentType.objects.get_for_model(Discussion),
            subject_id=record.discussion_id,
            kind=ClockKind.RECORD_DISTRIBUTED,
        )
        .values_list("citation", flat=True)
        .first()
        or ""
    )
