"""The rows a year's dashboard and statutory returns read, for N discussions, by COPY.

Not whole cases (bench/generate.py copies those, at about 150 rows a discussion and hours
for a million): only the row shapes the reporting and returns selectors read, made from
the real models' columns (every column the row does not set takes the model's default, so
a column another branch adds comes with its default). Per discussion: a referral with its
child, the discussion, an authorised record with its current version and four attendance
rows, four invitations, the triage, convene, record-distributed and outcome-told clocks
(about 17 rows), and for a share of them an S47 enquiry with its visit clock, allocation and
ICPC (with its clock), an action with its due clock, an escalation, an attendance exception.
Times are spread evenly over ``years`` years ending ``end``; about 70% of clocks are met
(a tenth of those late), 20% breached, the rest open or waived, so every figure has data.

Written in chunks by PostgreSQL ``COPY`` with the tables' secondary indexes and foreign
keys dropped for the load and rebuilt (and validated) at the end (bench/partnership/writer);
memory stays flat. Synthetic data only: no names of real people, no NHS numbers.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import models
from django.db.models import NOT_PROVIDED

CHUNK = 5_000  # discussions per COPY transaction
STAMP = datetime(2026, 1, 1, tzinfo=UTC)


class Layout:
    """A model's columns in table order, with the default of each (set once, reused)."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        fields = model._meta.concrete_fields
        self.columns = [f.column for f in fields]
        self.index = {column: n for n, column in enumerate(self.columns)}
        self.defaults = [_default(f) for f in fields]
        self.fresh = [n for n, f in enumerate(fields) if isinstance(f, models.UUIDField)]

    def row(self, values: dict[str, Any]) -> tuple[Any, ...]:
        row = list(self.defaults)
        for n in self.fresh:
            row[n] = uuid.uuid4()
        for column, value in values.items():
            row[self.index[column]] = value
        return tuple(row)


def _default(field: models.Field[Any, Any]) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return STAMP
    if field.default is not NOT_PROVIDED:
        value = field.default() if callable(field.default) else field.default
        if isinstance(field, models.JSONField):
            return json.dumps(value)
        return getattr(value, "value", value)
    if field.null:
        return None
    if isinstance(field, models.BinaryField):
        return b""
    if isinstance(field, models.JSONField):
        return "{}"
    return ""


class Copier:
    """Rows laid out per model, written by bench/partnership's Writer: PostgreSQL ``COPY``
    (SQLite ``executemany``, for the tests), one transaction a chunk."""

    def __init__(self, model_list: list[type[models.Model]]) -> None:
        from bench.partnership.writer import Writer

        self.layouts = {m: Layout(m) for m in model_list}
        self.writer = Writer()

    def add(self, model: type[models.Model], **values: Any) -> None:
        self.writer.add(model, self.layouts[model].row(values))

    def pending(self, model: type[models.Model]) -> int:
        return len(self.writer.buffers[model])

    def flush(self) -> None:
        self.writer.flush()


def build(
    *,
    discussions: int,
    years: int = 8,
    end: date = date(2026, 4, 1),
    seed: int = 13,
    log: Callable[[str], None] = print,
) -> dict[str, int]:
    """Add N discussions to a migrated database (PostgreSQL by COPY; SQLite too, slowly, for
    the tests); returns rows written per table."""
    from django.contrib.contenttypes.models import ContentType

    from bench.partnership.writer import finish, loading, next_ids
    from bench.reporting_case import CaseWriter, cast_of
    from convene.allocation.models import Allocation
    from convene.clocks.models import Clock, Escalation
    from convene.discussions.models import Discussion, Invitation
    from convene.followup.models import Icpc, S47Enquiry
    from convene.people.demo import demo_load
    from convene.people.models import Child
    from convene.records.models import (
        Action,
        Attendance,
        AttendanceException,
        Record,
        RecordVersion,
    )
    from convene.referrals.models import Referral, ReferralChild

    began = time.perf_counter()
    home = demo_load(children=0).partnership
    cast = cast_of(home)
    model_list: list[type[models.Model]] = [
        Child,
        Referral,
        ReferralChild,
        Discussion,
        Invitation,
        Record,
        RecordVersion,
        Attendance,
        AttendanceException,
        Action,
        Clock,
        Escalation,
        S47Enquiry,
        Icpc,
        Allocation,
    ]
    ids = next_ids(model_list)
    types = {
        m: ContentType.objects.get_for_model(m).pk
        for m in (Referral, Discussion, S47Enquiry, Icpc, Action)
    }
    copier = Copier(model_list)
    restore = loading(model_list)
    rng = random.Random(seed)
    children = max(200, int(discussions * 0.3))
    first = datetime(end.year - years, end.month, end.day, 9, tzinfo=UTC)
    step = (datetime(end.year, end.month, end.day, tzinfo=UTC) - first) / max(1, discussions)
    try:
        for n in range(children):
            copier.add(
                Child,
                id=ids[Child] + n,
                partnership_id=home.pk,
                first_name="Bench",
                last_name=f"Child {n}",
                date_of_birth=date(2010, 1, 1) + timedelta(days=n % 5000),
                sex=("female", "male")[n % 2],
                ethnicity=("WBRI", "ABAN", "")[n % 3],
            )
            if copier.pending(Child) >= 50_000:
                copier.flush()
        # Enquiries still open are the last two months' (older ones have concluded).
        open_after = datetime(end.year, end.month, end.day, tzinfo=UTC) - timedelta(days=60)
        case = CaseWriter(copier, ids, types, cast, home.pk, children, open_after)
        for n in range(discussions):
            case.write(n, first + step * n, rng)
            if (n + 1) % CHUNK == 0:
                copier.flush()
                if (n + 1) % (CHUNK * 20) == 0:
                    log(f"  {n + 1:,} discussions, {time.perf_counter() - began:.0f} s")
        copier.flush()
    finally:
        log(f"rebuilding indexes and foreign keys, {time.perf_counter() - began:.0f} s")
        finish(model_list, restore)
    # COPY went round the services: recount the reports' summary from the rows, as after
    # any bulk load (issue 13).
    from django.core.management import call_command

    tallied = time.perf_counter()
    call_command("reporting", "rebuild-summary", stdout=_Log(log))
    log(f"summary rebuilt in {time.perf_counter() - tallied:.1f} s")
    log(f"built {discussions:,} discussions in {time.perf_counter() - began:.0f} s")
    return dict(copier.writer.counts)


class _Log:
    """The command's output, to the build's log."""

    def __init__(self, log: Callable[[str], None]) -> None:
        self.log = log

    def write(self, text: str) -> None:
        if text.strip():
            self.log(text.strip())

    def flush(self) -> None:
        pass
