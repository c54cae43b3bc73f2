"""Who must confirm each record, and who is still to: stored on their attendance row.

An attendee confirms the version sent to them, or asks for a correction (R001.9); the chair
and the manager who authorised it made the record and are not asked. "Records to confirm" in
My work had to find a person's unanswered versions among every record they were ever invited
to: 5,023 invitations read for a police officer who had answered them all (57–75 ms at a
million discussions, issue 15). So the answer is kept on the row, ``awaiting_since``: when
the latest version reached the attendee, while they are still to answer it. A partial index
on the person holds only those rows.

The records services keep it, in their transaction, by calling ``store_awaiting`` for the
rows they change: distributing a version marks its attendees, a confirmation clears its
person, a new version authorised clears the record's earlier versions (the new one is not
sent yet). ``store_awaiting`` works it out from the versions and confirmations themselves,
so it is also how the migration that added the column filled it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, OuterRef, Q, Subquery

from convene.records.models import Attendance, Confirmation, RecordVersion

__all__ = ["MUST_CONFIRM", "store_awaiting"]

# Of a version's attendance rows, those whose person must confirm it.
MUST_CONFIRM = (
    Q(status="attended", professional__isnull=False)
    & ~Q(professional=F("version__authorised_by"))
    & (
        Q(version__record__discussion__chair__isnull=True)
        | ~Q(professional=F("version__record__discussion__chair"))
    )
)


def _still_to_answer(confirmation: type[Any]) -> Q:
    """Rows whose person must confirm a version that is sent, is the record's latest, and
    that they have not answered (either way)."""
    answered = confirmation.objects.filter(
        version=OuterRef("version_id"), professional=OuterRef("professional_id")
    )
    return (
        MUST_CONFIRM
        & Q(version__distributed_at__isnull=False)
        & Q(version__number=F("version__record__latest_number"))
        & ~Q(Exists(answered))
    )


Models = tuple[type[Any], type[Any], type[Any]]


def store_awaiting(rows: Q, *, models: Models | None = None) -> int:
    """Store ``awaiting_since`` on the attendance rows ``rows`` selects; how many changed.
    Only rows whose answer changes are written. ``models`` are (Attendance, Confirmation,
    RecordVersion): a migration passes its historical ones."""
    attendance, confirmation, version = models or (Attendance, Confirmation, RecordVersion)
    awaiting = _still_to_answer(confirmation)
    chosen = attendance.objects.filter(rows)
    answered = (
        chosen.filter(awaiting_since__isnull=False).exclude(awaiting).update(awaiting_since=None)
    )
    sent_at = version.objects.filter(pk=OuterRef("version_id")).values("distributed_at")[:1]
    return answered + chosen.filter(awaiting, awaiting_since__isnull=True).update(
        awaiting_since=Subquery(sent_at)
    )
