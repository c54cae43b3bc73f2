"""What apps above records offer a record when it opens, without records importing them.

An app registers a source at ``ready()``; ``discussion_hold`` writes what the sources
give as the first version of the section, which the chair then edits (issue 16: the
agencies' checks become the "information shared by each agency" section).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from convene.discussions.models import Discussion

# A source answers with the section's contributions: dicts of ``sections.Contribution``'s fields.
ContributionSource = Callable[[Discussion], list[dict[str, Any]]]

_sources: dict[str, ContributionSource] = {}


def register_contribution_source(name: str, source: ContributionSource) -> None:
    _sources[name] = source


def contributions_for(discussion: Discussion) -> list[dict[str, Any]]:
    return [item for source in _sources.values() for item in source(discussion)]
