"""The strategy discussion record: its draft, history, frozen versions and what follows them.

The discussion's lifecycle state lives on ``discussions.Discussion.state``;
this app moves it from ``held`` onwards (``convene.records.services``). Here:

* ``Record``: one per discussion, from the moment it is held; the pack it is
  decided under and whether the draft is open for editing.
* ``RecordSectionEntry``: the draft of one part (``convene.records.sections``),
  JSON content with a ``version`` for optimistic locking.
* ``SectionHistory``: every change of an entry, before and after. Append-only.
* ``RecordVersion``: a numbered, frozen snapshot with its PDF and their
  SHA-256, made when the record is authorised. Never altered: only its
  distribution is stamped, once.
* ``Attendance`` and ``ProfessionalView``: a version's attendance and views
  as rows, for reports and for who confirms.
* ``Action``: an agreed action, living on across versions (its due date is a
  clock); the follow-through issue adds updates to it.
* ``Confirmation``: an attendee's "accurate" or "please correct" (R001.9).
* ``DistributionLog``: every message sent with a version, or not sent and why.
* ``RecordEvent``: the record's transitions, who and when. Append-only.
* ``AttendanceException``: a manager's reason for authorising without social care,
  the police or health (R002.4): who, when, why. Append-only; reports query it.
"""

from convene.records.models.distribution import (
    Confirmation,
    DistributionLog,
    RecordEvent,
)
from convene.records.models.meeting import (
    Action,
    Attendance,
    AttendanceException,
    AttendanceStatusChoices,
    ProfessionalView,
)
from convene.records.models.record import (
    DECISION_CHOICES,
    SECTION_CHOICES,
    AppendOnlyError,
    AppendOnlyQuerySet,
    Record,
    RecordSectionEntry,
    RecordVersion,
    SectionHistory,
)
from convene.records.models.tally import (
    AttendanceTally,
    DecisionTally,
    ExceptionTally,
    QualityTally,
)

__all__ = [
    "DECISION_CHOICES",
    "SECTION_CHOICES",
    "Action",
    "AppendOnlyError",
    "AppendOnlyQuerySet",
    "Attendance",
    "AttendanceException",
    "AttendanceStatusChoices",
    "AttendanceTally",
    "Confirmation",
    "DecisionTally",
    "DistributionLog",
    "ExceptionTally",
    "ProfessionalView",
    "QualityTally",
    "Record",
    "RecordEvent",
    "RecordSectionEntry",
    "RecordVersion",
    "SectionHistory",
]
