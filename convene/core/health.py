"""``/healthz`` and ``/readyz`` for load balancers and monitoring: no sign-in, no data.

``/healthz`` answers 200 while the process can serve at all. ``/readyz`` answers 200
only when the database answers, every migration is applied and a worker has beaten
within ``CONVENE_READY_HEARTBEAT_MINUTES``; otherwise 503 naming the failed check
(never a record, a name or an error message).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from convene.core.heartbeat import latest_beat

# Once every migration is seen applied, this process never needs to look again:
# migrations are only ever added by deploying new code, which starts new processes.
_migrations_applied = False


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return bool(cursor.fetchone() == (1,))
    except DatabaseError:
        return False


def _migrations_are_applied() -> bool:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        _migrations_applied = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrations_applied


def _worker_is_beating() -> bool:
    seen = latest_beat()
    limit = timedelta(minutes=settings.CONVENE_READY_HEARTBEAT_MINUTES)
    return seen is not None and timezone.now() - seen <= limit


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@login_not_required
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_answers()}
    # Without a database the other checks cannot be made; report them as failed.
    try:
        checks["migrations"] = checks["database"] and _migrations_are_applied()
        checks["worker"] = checks["database"] and _worker_is_beating()
    except DatabaseError:
        checks.setdefault("migrations", False)
        checks["worker"] = False
    ready = all(checks.values())
    return JsonResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status=200 if ready else 503,
    )
