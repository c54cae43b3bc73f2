"""Fault injection for the kill test: a spool back end that dies right after sending.

Used by ``test_worker_kill.py`` through ``EMAIL_BACKEND`` in a ``convene worker``
subprocess. Every call to send is logged to ``sends.log`` in the spool's parent
directory *before* the spool's own de-duplication, so the test sees whether the
worker ever asked to send one message twice. With ``CONVENE_TEST_CRASH_AFTER_SEND=1``
the process ends with ``os._exit`` once the message is on disk and before the
worker can record it as sent: no clean-up, no commit, as if killed. With
``CONVENE_TEST_MAIL_DOWN=1`` every send is refused, as by a mail server that is down.
"""

from __future__ import annotations

import os

from convene.reminders.backends import SpoolEmailBackend

CRASH_EXIT_CODE = 86


class CrashAfterSendBackend(SpoolEmailBackend):
    def send_messages(self, email_messages):
        if os.environ.get("CONVENE_TEST_MAIL_DOWN") == "1":
            # The mail server is down: nothing is accepted, nothing is logged as requested.
            raise ConnectionRefusedError("Connection refused by the test's mail server")
        with open(self.spool_dir.parent / "sends.log", "a", encoding="utf-8") as log:
            for email in email_messages:
                log.write(f"{email.extra_headers['Message-ID']}\n")
            log.flush()
            os.fsync(log.fileno())
        return super().send_messages(email_messages)

    def after_send(self, message_id):
        if os.environ.get("CONVENE_TEST_CRASH_AFTER_SEND") == "1":
            os._exit(CRASH_EXIT_CODE)
