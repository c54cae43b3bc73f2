"""An idempotent email back end: each message is a file named by its Message-ID, written once.

For development and tests (``EMAIL_BACKEND=convene.reminders.backends.SpoolEmailBackend``,
``EMAIL_SPOOL_DIR``): it behaves like a mail relay that refuses a Message-ID it
has already accepted, and it can say whether it has (``was_sent``), which is
what lets the delivery pass turn "in doubt" into "sent" without sending twice
(docs/decisions/0003-exactly-once-delivery.md).

A message is written to a temporary file, flushed to disk, then hard-linked to
its final name, which either succeeds or finds the name taken: a reader never
sees half a message, and two writers of one message leave one file.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

__all__ = ["SpoolEmailBackend", "spool_name"]


def spool_name(message_id: str) -> str:
    digest = hashlib.sha256(message_id.strip().encode()).hexdigest()[:40]
    return f"{digest}.eml"


class SpoolEmailBackend(BaseEmailBackend):
    def __init__(
        self, *, spool_dir: str | Path | None = None, fail_silently: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.spool_dir = Path(spool_dir or settings.EMAIL_SPOOL_DIR)

    def was_sent(self, message_id: str) -> bool:
        return (self.spool_dir / spool_name(message_id)).exists()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        accepted = 0
        for email in email_messages:
            message = email.message()
            message_id = str(message["Message-ID"])
            final = self.spool_dir / spool_name(message_id)
            if not final.exists():
                self._write_once(final, message.as_bytes(linesep="\n"))
            accepted += 1
            self.after_send(message_id)
        return accepted

    def after_send(self, message_id: str) -> None:
        """A hook for fault injection in tests (the message is on disk when it runs)."""

    def _write_once(self, final: Path, content: bytes) -> None:
        temporary = final.with_name(f".{final.name}.{os.getpid()}.tmp")
        with open(temporary, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, final)
        except FileExistsError:
            pass  # another writer delivered the same message first
        finally:
            temporary.unlink(missing_ok=True)
        directory = os.open(self.spool_dir, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
