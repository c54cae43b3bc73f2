"""What apps above records do when a version is authorised, without records importing them.

An app registers a hook at ``ready()``; ``record_authorise`` calls every hook with the new
version inside its own transaction, after the discussion is authorised. A hook that
refuses (raises a ``convene.core.errors`` problem) refuses the authorisation: nothing is
written. Issue 18: the S47 enquiries a decision starts begin with its authorisation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from convene.people.models import Professional
from convene.records.models import RecordVersion

__all__ = ["register_authorised_hook", "run_authorised_hooks"]

# A hook is called as ``hook(version=..., by=..., now=...)``.
AuthorisedHook = Callable[..., Any]

_hooks: dict[str, AuthorisedHook] = {}


def register_authorised_hook(name: str, hook: AuthorisedHook) -> None:
    """Registering a name again replaces its hook."""
    _hooks[name] = hook


def run_authorised_hooks(*, version: RecordVersion, by: Professional, now: datetime) -> None:
    for hook in _hooks.values():
        hook(version=version, by=by, now=now)
