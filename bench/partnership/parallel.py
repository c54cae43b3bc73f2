"""Writer processes: the copies split between processes, each with its own connection.

Forked (the compiled row programs and the plan's inputs are shared, not pickled);
each writer plans every copy from one seed and writes its share (see
``run._writes_rows``); writer 0 also chains and writes every audit entry, in
order, so the hash chain is the one a single writer makes.
"""

from __future__ import annotations

import multiprocessing
import queue
import traceback
from collections.abc import Callable
from typing import Any

from django.db import connection, connections

from bench.partnership.writer import tune_session


def run_writers(load: Callable[[Any, int, int], Any], job: Any, writers: int) -> list[Any]:
    """Run ``load(job, role, writers)`` in ``writers`` forked processes; their results, by role."""
    context = multiprocessing.get_context("fork")
    connections.close_all()  # a forked child must not share the parent's socket
    results: Any = context.Queue()
    processes = [
        context.Process(target=_child, args=(load, job, role, writers, results), daemon=True)
        for role in range(writers)
    ]
    for process in processes:
        process.start()
    found: dict[int, Any] = {}
    try:
        while len(found) < writers:
            try:
                role, ok, value = results.get(timeout=5)
            except queue.Empty:
                dead = [p for p in processes if p.exitcode not in (None, 0)]
                if dead:
                    raise RuntimeError(f"a writer died: exit code {dead[0].exitcode}") from None
                continue
            if not ok:
                raise RuntimeError(f"writer {role} failed:\n{value}")
            found[role] = value
    finally:
        for process in processes:
            if process.is_alive() and len(found) < writers:
                process.terminate()
            process.join()
    return [found[role] for role in range(writers)]


def _child(
    load: Callable[[Any, int, int], Any], job: Any, role: int, writers: int, results: Any
) -> None:
    try:
        with connection.cursor() as cursor:
            tune_session(cursor)
        results.put((role, True, load(job, role, writers)))
    except BaseException:  # reported to the parent, which stops the others
        results.put((role, False, traceback.format_exc()))
    finally:
        connections.close_all()
