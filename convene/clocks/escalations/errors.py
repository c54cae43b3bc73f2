"""The error every escalation change raises when the rules refuse it."""

from __future__ import annotations

from collections.abc import Sequence


class EscalationError(ValueError):
    """An escalation change the rules refuse; ``field`` names the form field at fault."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        # Every problem found with the same request, this one first (``every``).
        self.errors: list[EscalationError] = [self]

    @classmethod
    def every(cls, errors: Sequence[EscalationError]) -> EscalationError:
        """The first of ``errors``, carrying them all (``.errors``) for a form to show."""
        first = errors[0]
        first.errors = list(errors)
        return first
