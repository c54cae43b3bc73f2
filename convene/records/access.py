"""Records in the one access layer (``convene.core.access``).

* A record: opened if it is in ``records_visible_to`` (social care of the
  partnership; the invited once a version is distributed); its family summary
  (``EXPORT``) by those who read the draft (``record_drafts_visible_to``);
  changed by the chair, or a manager the policy lets chair
  (``may_change_record``).
* A version (and its attendance and views): read if in
  ``record_versions_visible_to``; changed (distributed, corrected) as its record.
* The draft's own rows (its parts, their history, its events, who it was sent
  to): read by the draft's readers, changed as the record.
* A confirmation: the draft's readers and the person who confirmed; resolved as
  the record is changed.

An action of the record is the follow-through's (``convene.followup.access``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet

from convene.core.access import (
    READS,
    AccessAction,
    can,
    in_selector,
    part_of,
    rule_for,
    seen_through,
)
from convene.people.models import Professional
from convene.records.models import (
    Attendance,
    AttendanceException,
    Confirmation,
    DistributionLog,
    ProfessionalView,
    Record,
    RecordEvent,
    RecordSectionEntry,
    RecordVersion,
    SectionHistory,
)
from convene.records.selectors import (
    confirmations_visible_to,
    may_change_record,
    record_drafts_visible_to,
    record_versions_visible_to,
    records_visible_to,
)


@rule_for(Record)
def _record_rule(user: Professional, action: AccessAction, record: Record) -> bool:
    if action == AccessAction.EXPORT:
        # The family summary is for the family, shared by social care (docs/access.md).
        return in_selector(record_drafts_visible_to, user=user, obj=record)
    if action in READS:
        return in_selector(records_visible_to, user=user, obj=record)
    return in_selector(record_drafts_visible_to, user=user, obj=record) and may_change_record(
        user=user, record=record
    )


@rule_for(RecordVersion)
def _version_rule(user: Professional, action: AccessAction, version: RecordVersion) -> bool:
    if action in READS:
        return in_selector(record_versions_visible_to, user=user, obj=version)
    return can(user=user, action=action, obj=version.record)


def _draft_record(obj: Any) -> Record:
    record: Record = obj.version.record if isinstance(obj, DistributionLog) else obj.record
    return record


@rule_for(RecordSectionEntry)
@rule_for(AttendanceException)
@rule_for(SectionHistory)
@rule_for(RecordEvent)
@rule_for(DistributionLog)
def _draft_row_rule(user: Professional, action: AccessAction, obj: Any) -> bool:
    record = _draft_record(obj)
    if action in READS:
        return in_selector(record_drafts_visible_to, user=user, obj=record)
    return can(user=user, action=action, obj=record)


@rule_for(Confirmation)
def _confirmation_rule(
    user: Professional, action: AccessAction, confirmation: Confirmation
) -> bool:
    if action in READS:
        return in_selector(confirmations_visible_to, user=user, obj=confirmation)
    return can(user=user, action=action, obj=confirmation.version.record)


# A version's attendance and professional views are the version.
part_of(Attendance, parent=lambda row: row.version, via="version")
part_of(ProfessionalView, parent=lambda row: row.version, via="version")

# The same answers, as sets (the "who has looked" table lists many at once).
seen_through(Record, records_visible_to)
seen_through(RecordVersion, record_versions_visible_to)
seen_through(Confirmation, confirmations_visible_to)


def _draft_rows(model: type[Model], path: str) -> Any:
    def selector(*, user: Professional) -> QuerySet[Any]:
        drafts = record_drafts_visible_to(user=user).values("pk")
        rows: QuerySet[Any] = model._default_manager.filter(**{f"{path}__in": drafts})
        return rows

    return selector


for _model in (RecordSectionEntry, SectionHistory, RecordEvent, AttendanceException):
    seen_through(_model, _draft_rows(_model, "record"))
seen_through(DistributionLog, _draft_rows(DistributionLog, "version__record"))
