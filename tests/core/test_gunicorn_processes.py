"""How many web processes the production server starts (docs/operations.md, issue 15)."""

from __future__ import annotations

import importlib

import pytest

from convene import gunicorn_conf


@pytest.fixture
def reloaded(monkeypatch):
    """``convene.gunicorn_conf`` read afresh under a patched environment, restored after."""
    yield lambda: importlib.reload(gunicorn_conf)
    monkeypatch.undo()
    importlib.reload(gunicorn_conf)


@pytest.mark.parametrize(("cores", "expected"), [(1, 4), (2, 8), (None, 4)])
def test_four_processes_a_core_by_default(monkeypatch, reloaded, cores, expected):
    # Requests wait on PostgreSQL much of their time: 4 a core kept the load's p95 under
    # 500 ms on 2 cores at a million discussions where 2 a core did not.
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: cores)
    assert reloaded().workers == expected


def test_web_concurrency_sets_the_number(monkeypatch, reloaded):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert reloaded().workers == 3
