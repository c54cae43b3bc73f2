"""The quality standards audit's month tallies (issue 13; the model in
convene.records.models.tally), kept in the writer's transaction as the other summaries are.

Each standard is a flag of a current version read from stored rows (``flags``, the one
definition the live audit in convene.reporting.quality uses too): the chair's roles now,
the version's attendance by agency kind now, and the discussion's record-distributed and
outcome-told clocks met on time. Whatever changes one of those inputs moves the counts:

- ``tally_authorised`` (records.tally, in ``record_authorise``): the new version's flags
  added, the superseded version's taken away;
- ``on_clock_met`` (the clocks' ``clock_met`` signal, from ``clock_meet``/``clock_start``):
  a distribution or outcome clock met on time sets its flag, unless another already had;
- ``before_change``/``after_change`` around a change of a chair's roles or an agency's
  kind (model signals, records.signals, so the admin's edits count too): the flags of the
  versions it touches counted before and after, the difference added.

A clock met is final (never waived or met again), so a flag set by a clock never clears.
``rebuild_quality_tallies`` recounts everything (``convene reporting rebuild-summary``).
"""

from __future__ import annotations

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, QuerySet

from convene.clocks.models import Clock
from convene.clocks.tally import add_to, replace_rows
from convene.discussions.models import Discussion
from convene.people.models import RoleGrant
from convene.people.vocab import AgencyKind, Role
from convene.policy.vocab import ClockKind
from convene.records.models import (
    Attendance,
    AttendanceStatusChoices,
    QualityTally,
    RecordVersion,
)
from convene.records.tally import current, held_month

HEALTH_KINDS = [
    AgencyKind.HEALTH_ACUTE.value,
    AgencyKind.HEALTH_COMMUNITY.value,
    AgencyKind.HEALTH_GP.value,
]
# The qs2014 standard's chair roles (convene/policy/packs/standards/qs2014.toml, qs2014.chair).
CHAIR_ROLES = [Role.DEPUTY_TEAM_MANAGER.value, Role.TEAM_MANAGER.value]
# The clocks whose being met on time is a standard, and the flag each sets.
CLOCK_FLAGS = {
    ClockKind.RECORD_DISTRIBUTED.value: "distributed_in_time",
    ClockKind.OUTCOME_NOTIFIED.value: "told_in_time",
}
COLUMNS = (
    "records",
    "chaired_by_manager",
    "police_attended",
    "health_attended",
    "distributed_in_time",
    "told_in_time",
)
Key = tuple[int, date]  # partnership, month held
Counts = dict[Key, dict[str, int]]


def _on_time(kind: str) -> Exists:
    return Exists(
        Clock.objects.filter(
            kind=kind,
            subject_type=ContentType.objects.get_for_model(Discussion),
            subject_id=OuterRef("record__discussion_id"),
            state=Clock.State.MET,
            met_at__lte=F("due_at"),
        )
    )


def _attended(**agency: object) -> Exists:
    return Exists(
        Attendance.objects.filter(
            version=OuterRef("pk"), status=AttendanceStatusChoices.ATTENDED, **agency
        )
    )


def flags() -> dict[str, Exists]:
    """Each standard's flag of a version, as an ``EXISTS`` over the stored rows."""
    return {
        "chaired_by_manager": Exists(
            RoleGrant.objects.filter(
                professional=OuterRef("record__discussion__chair"), role__in=CHAIR_ROLES
            )
        ),
        "police_attended": _attended(agency__kind=AgencyKind.POLICE.value),
        "health_attended": _attended(agency__kind__in=HEALTH_KINDS),
        **{name: _on_time(kind) for kind, name in CLOCK_FLAGS.items()},
    }


def count_quality(versions: QuerySet[RecordVersion]) -> Counts:
    """``versions`` and those meeting each standard, by partnership and month held: one
    grouped query (each count carries its own ``EXISTS``, as the live audit's do)."""
    rows = (
        versions.annotate(m=held_month(""))
        .order_by()
        .values("record__discussion__partnership_id", "m")
        .annotate(
            records=Count("pk"),
            **{name: Count("pk", filter=flag) for name, flag in flags().items()},
        )
    )
    return {
        (row["record__discussion__partnership_id"], row["m"]): {name: row[name] for name in COLUMNS}
        for row in rows
    }


def add_quality(counts: Counts, sign: int = 1) -> None:
    """Add (``sign`` -1: take away) ``counts`` to the month rows, one statement a month."""
    for (partnership_id, month), row in counts.items():
        deltas = {name: sign * row.get(name, 0) for name in COLUMNS}
        if any(deltas.values()):
            keys = {"partnership_id": partnership_id, "month": month}
            add_to(QualityTally._meta.db_table, keys, deltas)


def tally_version(version: RecordVersion, sign: int) -> None:
    """Count one version in (1) or out (-1) of the tallies."""
    add_quality(count_quality(RecordVersion.objects.filter(pk=version.pk)), sign)


def before_change(versions: QuerySet[RecordVersion]) -> Counts:
    """Before a change to what the standards read of ``versions``: their counts now (the
    current ones only), to hand to ``after_change``."""
    return count_quality(current(versions))


def after_change(versions: QuerySet[RecordVersion], before: Counts) -> None:
    """After the change: the counts ``before_change`` took away, the counts now added."""
    add_quality(before, -1)
    add_quality(count_quality(current(versions)))


def on_clock_met(clock: Clock) -> None:
    """``clock`` has just been met: if it is a discussion's distribution or outcome clock
    met on time, and no other such clock of the discussion was, its current version now
    meets that standard."""
    name = CLOCK_FLAGS.get(clock.kind)
    if name is None or clock.met_at is None or clock.met_at > clock.due_at:
        return
    discussion_type = ContentType.objects.get_for_model(Discussion)
    if clock.subject_type_id != discussion_type.pk:
        return
    others = Clock.objects.filter(
        kind=clock.kind,
        subject_type=discussion_type,
        subject_id=clock.subject_id,
        state=Clock.State.MET,
        met_at__lte=F("due_at"),
    ).exclude(pk=clock.pk)
    versions = current(RecordVersion.objects.filter(record__discussion_id=clock.subject_id)).filter(
        ~Exists(others)
    )
    found = (
        versions.annotate(m=held_month(""))
        .values_list("record__discussion__partnership_id", "m")
        .order_by()
    )
    add_quality({key: {name: 1} for key in found})


def chaired_by(professional_id: int) -> QuerySet[RecordVersion]:
    return RecordVersion.objects.filter(record__discussion__chair_id=professional_id)


def attended_by_agency(agency_id: int) -> QuerySet[RecordVersion]:
    return RecordVersion.objects.filter(
        Exists(Attendance.objects.filter(version=OuterRef("pk"), agency_id=agency_id))
    )


@transaction.atomic
def rebuild_quality_tallies(*, partnership_id: int | None = None) -> int:
    """Recount the quality tallies (of one partnership, or all); returns the rows written."""
    versions = current(RecordVersion.objects.all())
    if partnership_id is not None:
        versions = versions.filter(record__discussion__partnership_id=partnership_id)
    rows = [
        QualityTally(partnership_id=p, month=m, **counts)
        for (p, m), counts in count_quality(versions).items()
    ]
    return replace_rows(QualityTally, partnership_id, rows)
