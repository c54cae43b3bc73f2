"""Django's ``CaptureQueriesContext`` with what it captured kept when the block ends.

Django's reads its list from the connection's log each time ``captured_queries`` is asked,
and every request the test client makes clears that log (``request_started`` resets it).
A count read after a later request was then of an emptied log: zero, or someone else's
queries, so a test comparing it passed whatever the code did (issue 15). The tests import
this one (``tests/test_architecture.py`` keeps it so).
"""

from __future__ import annotations

from typing import Any

from django.test.utils import CaptureQueriesContext as _DjangoCaptureQueriesContext


class CaptureQueriesContext(_DjangoCaptureQueriesContext):
    _kept: list[dict[str, str]] | None = None

    def __enter__(self) -> CaptureQueriesContext:
        self._kept = None
        super().__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        super().__exit__(*exc)
        self._kept = list(super().captured_queries)

    @property
    def captured_queries(self) -> list[dict[str, str]]:
        if self._kept is not None:
            return self._kept
        return super().captured_queries
