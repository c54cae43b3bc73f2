"""Writes of the record: hold, save a section, authorise, distribute, confirm, correct.

Each function is keyword-only, takes ``by`` and an explicit ``now``, checks
before it writes and runs in one transaction (a failure anywhere leaves the
record as it was). Each locks the ``Record`` row first, so two saves or
transitions of one record never interleave; a section save carries the
version its form showed and is refused, with both versions, when stale.

One module per stage (docs/architecture.md); import from here, which keeps the
names every caller used when this was one module. The state moves go through
``convene.discussions.transitions``.
"""

from convene.records.services._common import AT_HOLD, FOLLOW_ON, State
from convene.records.services.authorise import record_authorise
from convene.records.services.confirm import (
    confirmation_resolve,
    record_confirm,
    record_correction_start,
)
from convene.records.services.distribute import record_distribute
from convene.records.services.draft import (
    record_action_remove,
    record_action_save,
    record_section_save,
    record_submit,
)
from convene.records.services.hold import discussion_hold

__all__ = [
    "AT_HOLD",
    "FOLLOW_ON",
    "State",
    "confirmation_resolve",
    "discussion_hold",
    "record_action_remove",
    "record_action_save",
    "record_authorise",
    "record_confirm",
    "record_correction_start",
    "record_distribute",
    "record_section_save",
    "record_submit",
]
