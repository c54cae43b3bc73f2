"""Everything that stops a record being authorised: the policy's sections and the safety rules.

``record_check`` is ``records.policy.completeness`` (the sections the pack requires
for the decision) plus the rules that hold whatever the pack says, each listed
the same way, with its citation:

* R002.4: social care, the police and health attended, or a manager recorded why
  not (``convene.records.attendance_exceptions``);
* R003.6: each professional who attended answered the key question, or why not
  is recorded (named, in the views section's line);
* R002.3: a discussion held by phone says why, unless the risk was immediate.

The submit and authorise services, the task list, the check page and the API all
ask this one function, so each shows the same list.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from convene.policy.facts import CaseFacts
from convene.policy.pack import PolicyPack
from convene.policy.vocab import RecordSection
from convene.records import attendance_exceptions, sections
from convene.records.errors import MissingSection
from convene.records.models import Record
from convene.records.policy import Completeness, completeness

__all__ = ["PHONE_CITATION", "phone_gaps", "record_check"]

PHONE_CITATION = "R002.3: unless the risk is immediate, a meeting is preferred to phone calls"


def phone_gaps(
    facts: CaseFacts, contents: Mapping[RecordSection, Mapping[str, Any]]
) -> list[MissingSection]:
    """R002.3: held by phone without immediate risk, and no reason recorded."""
    attendance = sections.attendance_in(contents)
    if (
        attendance.format != sections.DiscussionFormat.PHONE
        or facts.immediate_risk
        or attendance.phone_reason.strip()
    ):
        return []
    return [
        MissingSection(
            section=RecordSection.ATTENDANCE,
            title="Attendance: why the discussion was held by phone rather than as a meeting",
            rule_ids=(),
            citation=PHONE_CITATION,
        )
    ]


def _named(missing: MissingSection, contents: Mapping[RecordSection, Any]) -> MissingSection:
    """The views line names who attended without an answer or a reason (R003.6)."""
    if missing.section != RecordSection.PROFESSIONAL_VIEWS:
        return missing
    names = sections.views_missing(contents)
    if not names:
        return missing
    return dataclasses.replace(
        missing,
        title=f"{missing.title}: no view or reason recorded for {', '.join(names)}",
    )


def record_check(
    record: Record,
    pack: PolicyPack,
    facts: CaseFacts,
    contents: Mapping[RecordSection, Mapping[str, Any]],
    *,
    per_child: Sequence[CaseFacts] = (),
) -> Completeness:
    """What the pack requires and the safety rules, as one list of what is missing.

    ``per_child`` is each child's own facts (``records.per_child.children_facts``, R000.2).
    """
    check = completeness(pack, facts, contents, per_child=per_child)
    if check.decision is None:
        return check
    missing = [_named(m, contents) for m in check.missing]
    extra = [
        *attendance_exceptions.gaps(record, pack, facts, contents),
        *phone_gaps(facts, contents),
    ]
    complete = check.complete - {m.section for m in extra}
    return dataclasses.replace(check, missing=(*missing, *extra), complete=complete)
