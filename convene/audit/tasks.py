"""Background task of the audit log, run by ``convene worker`` on a schedule."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from convene.audit.anchors import anchor_write


@task()
def write_anchor() -> str:
    """Append the chain's head to the anchor file (CONVENE_AUDIT_ANCHOR_SECONDS)."""
    anchor = anchor_write(now=timezone.now())
    return anchor.line() if anchor is not None else "unchanged"
