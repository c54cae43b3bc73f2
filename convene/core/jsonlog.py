"""Structured logs: one JSON line per request and per background task.

Each line carries the time, level, request id, user id (a number, never a name),
route name, status and duration. Nothing a person typed and no child's name is
ever logged: the route *name* is logged, not the path or query string, because
paths and queries can carry search text.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponseBase

request_logger = logging.getLogger("convene.request")
task_logger = logging.getLogger("convene.task")

# The request being served, so every line logged while serving it carries its id.
current_request_id: ContextVar[str] = ContextVar("convene_request_id", default="")

# A load balancer's or proxy's id is kept when it looks like one; anything else (too
# long, or with characters that could forge log lines) is replaced by our own.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

# Only these attributes of a log record become JSON fields (set with ``extra=``).
STRUCTURED_FIELDS = (
    "request_id",
    "user_id",
    "method",
    "route",
    "status",
    "duration_ms",
    "task_id",
    "task",
    "queue",
    "worker_id",
)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, event and the fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or current_request_id.get()
        if request_id:
            line["request_id"] = request_id
        for name in STRUCTURED_FIELDS[1:]:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info and record.exc_info[0] is not None:
            # The type only: an exception's message can quote the data that caused it.
            line["exception"] = record.exc_info[0].__name__
        return json.dumps(line, separators=(",", ":"))


def request_id_for(request: HttpRequest) -> str:
    offered = request.headers.get("X-Request-ID", "")
    return offered if _REQUEST_ID.match(offered) else uuid.uuid4().hex


class RequestLogMiddleware:
    """Give each request an id (X-Request-ID, kept or made), echo it, and log one line.

    First in the middleware list, so it times and logs everything, static files and
    refusals included.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        request_id = request_id_for(request)
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        request_logger.info(
            "request",
            extra={
                "request_id": request_id,
                "user_id": user.pk if user is not None and user.is_authenticated else None,
                "method": request.method,
                "route": (match.view_name if match else None) or "",
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response


def log_task_finished(sender: object, task_result: Any, **kwargs: Any) -> None:
    """django-tasks' ``task_finished`` signal: one line per task run, with how it ended."""
    started, finished = task_result.started_at, task_result.finished_at
    duration = (finished - started).total_seconds() * 1000 if started and finished else None
    status = str(getattr(task_result.status, "value", task_result.status))
    task_logger.log(
        logging.ERROR if status == "FAILED" else logging.INFO,
        "task",
        extra={
            "task_id": str(task_result.id),
            "task": task_result.task.module_path,
            "queue": task_result.task.queue_name,
            "status": status,
            "duration_ms": round(duration, 1) if duration is not None else None,
        },
    )
