"""Which columns a request's queries read, for the tests that lists load only what they show."""

from __future__ import annotations

from tests.queries import CaptureQueriesContext


def columns_read(captured: CaptureQueriesContext, *columns: str) -> list[str]:
    """Those of ``columns`` (each ``'"table"."column"'``) that any captured query names."""
    return [c for c in columns if any(c in q["sql"] for q in captured.captured_queries)]
