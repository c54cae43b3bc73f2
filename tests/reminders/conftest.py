"""The throwaway database the worker subprocess tests share (SQLite, and PostgreSQL when
DATABASE_URL points at a server): defined in test_worker_kill.py, used by
test_worker_outbox.py too."""

from tests.reminders.test_worker_kill import database  # noqa: F401 - fixture
