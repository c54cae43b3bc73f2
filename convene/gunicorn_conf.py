"""gunicorn's configuration for Convene, read from the environment (docs/operations.md).

Used by ``convene serve --production`` and by gunicorn directly::

    gunicorn --config python:convene.gunicorn_conf convene.wsgi:application

Synchronous worker processes: Convene's pages are short database-bound requests,
so N processes (``WEB_CONCURRENCY``) give N requests in parallel; a request that
runs past ``CONVENE_REQUEST_TIMEOUT`` has its process killed and replaced. On
SIGTERM the master stops accepting connections and gives requests in flight
``CONVENE_GRACEFUL_SECONDS`` to finish.
"""

from __future__ import annotations

import os

from convene.core.env import env_int, env_str

bind = [env_str("CONVENE_BIND", "0.0.0.0:8000")]
# Four per core: a request spends much of its time waiting on PostgreSQL, so a process per
# request in flight keeps the cores busy. On 2 cores at a million discussions, 50 clients
# each reading a page a second got a p95 of 965-1,250 ms from 4 processes (the machine
# partly idle, waiting on the disk) and 251-391 ms from 8 (docs/performance.md). At least
# two, so one slow request never blocks the rest.
PROCESSES_PER_CORE = 4
workers = env_int("WEB_CONCURRENCY", max(2, PROCESSES_PER_CORE * (os.cpu_count() or 1)), minimum=1)
worker_class = "sync"
# Load Django once in the master and fork the workers from it: each starts in
# milliseconds, and a broken configuration stops the master before it listens.
preload_app = True
timeout = env_int("CONVENE_REQUEST_TIMEOUT", 30, minimum=1)
graceful_timeout = env_int("CONVENE_GRACEFUL_SECONDS", 30, minimum=1)
keepalive = 5
# Replace each process after a while, so a slow leak never grows without bound.
max_requests = env_int("CONVENE_MAX_REQUESTS", 1000, minimum=0)
max_requests_jitter = max_requests // 10
# Refuse oversized request lines and headers before Django sees them.
limit_request_line = 8190
limit_request_fields = 100
# Convene logs one JSON line per request itself (convene/core/jsonlog.py): no access
# log, which would repeat it with the path and query string.
accesslog = None
errorlog = "-"
loglevel = env_str("LOG_LEVEL", "INFO").lower()
# Only trust X-Forwarded-* from the proxies named here (default: none but this host).
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The workers' heartbeat files: memory, not a disk that may stall (in a container, /tmp
# may be an overlay file system). gunicorn unlinks each file at once, so a shared
# directory exposes nothing.
SHARED_MEMORY = "/dev/shm"  # noqa: S108
if os.path.isdir(SHARED_MEMORY):
    worker_tmp_dir = SHARED_MEMORY
proc_name = "convene"
# gunicorn's control socket (for `gunicornc`) would sit in the home directory, shared by
# every instance on the host; Convene is managed by signals (docs/operations.md).
control_socket_disable = True
