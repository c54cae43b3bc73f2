"""Record pages: thin. Each parses input, calls one service, and redirects or re-renders.

One module per step: writing (held, task list, parts, actions), checking and authorising,
the versions, distributing, confirming, correcting.
"""

from convene.records.views.check import check
from convene.records.views.confirm import confirm, confirmations, resolve
from convene.records.views.correct import correct
from convene.records.views.distribute import distribute
from convene.records.views.versions import (
    family_summary_page,
    version_detail,
    version_pdf,
    versions,
)
from convene.records.views.write import action_page, action_remove, hold, part_page, task_list

__all__ = [
    "action_page",
    "action_remove",
    "check",
    "confirm",
    "confirmations",
    "correct",
    "distribute",
    "family_summary_page",
    "hold",
    "part_page",
    "resolve",
    "task_list",
    "version_detail",
    "version_pdf",
    "versions",
]
