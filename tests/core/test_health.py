"""Issue 14: /healthz and /readyz for load balancers, and the JSON request and task logs."""

from __future__ import annotations

import json
import logging
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from convene.core import health
from convene.core.heartbeat import beat
from convene.core.jsonlog import JsonFormatter
from convene.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_healthz_needs_no_sign_in_and_says_nothing_else(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_not_ready_until_a_worker_beats(client, django_assert_max_num_queries):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": True, "migrations": True, "worker": False}

    beat("worker-1", started_at=timezone.now())
    with django_assert_max_num_queries(6):
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": True, "migrations": True, "worker": True},
    }


def test_readyz_fails_when_the_last_beat_is_too_old(client, settings):
    settings.CONVENE_READY_HEARTBEAT_MINUTES = 5
    beat("worker-1", started_at=timezone.now(), now=timezone.now() - timedelta(minutes=6))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] is False


def test_readyz_reports_unapplied_migrations(client, monkeypatch):
    beat("worker-1", started_at=timezone.now())
    monkeypatch.setattr(health, "_migrations_applied", False)
    monkeypatch.setattr(health.MigrationExecutor, "migration_plan", lambda self, targets: ["x"])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] is False


def test_readyz_reports_a_database_that_does_not_answer(client, monkeypatch):
    monkeypatch.setattr(health, "_database_answers", lambda: False)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": False, "migrations": False, "worker": False}


def test_a_beat_updates_its_row_and_forgets_workers_gone_a_day():
    now = timezone.now()
    beat("old", started_at=now - timedelta(days=3), now=now - timedelta(days=2))
    beat("w", started_at=now, now=now)
    beat("w", started_at=now, now=now + timedelta(seconds=30))
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["w"]
    assert WorkerHeartbeat.objects.get().seen_at == now + timedelta(seconds=30)


def _request_lines(caplog):
    return [r for r in caplog.records if r.name == "convene.request"]


def test_each_request_logs_one_json_line_with_its_id_and_no_path(client, caplog, people):
    professional = people["alice"]
    client.force_login(professional)
    with caplog.at_level(logging.INFO, logger="convene.request"):
        response = client.get("/?q=Synthetic+Name", HTTP_X_REQUEST_ID="lb-1234")
    assert response["X-Request-ID"] == "lb-1234"
    (record,) = _request_lines(caplog)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "lb-1234"
    assert line["user_id"] == professional.pk
    assert line["route"] == "people:home"
    assert line["status"] == response.status_code
    assert line["method"] == "GET"
    assert line["level"] == "INFO"
    assert isinstance(line["duration_ms"], float)
    # Route names only: never the path or what was typed into it.
    assert "Synthetic" not in json.dumps(line)


def test_a_forged_request_id_is_replaced(client, caplog):
    with caplog.at_level(logging.INFO, logger="convene.request"):
        response = client.get("/healthz", HTTP_X_REQUEST_ID='x"\n{"level":"ERROR"}')
    generated = response["X-Request-ID"]
    assert len(generated) == 32
    assert generated.isalnum()
    (record,) = _request_lines(caplog)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == generated
    assert "user_id" not in line  # nobody signed in


def test_each_task_logs_one_json_line(caplog):
    from convene.core.tasks import prune_once_keys

    with caplog.at_level(logging.INFO, logger="convene.task"):
        prune_once_keys.enqueue()
    (record,) = [r for r in caplog.records if r.name == "convene.task"]
    line = json.loads(JsonFormatter().format(record))
    assert line["task"] == "convene.core.tasks.prune_once_keys"
    assert line["status"] == "SUCCESSFUL"
    assert line["duration_ms"] >= 0
    assert {"time", "level", "task_id", "queue"} <= line.keys()


def test_the_formatter_logs_an_exception_type_not_its_message():
    try:
        raise ValueError("Jane Doe, 9990000018")
    except ValueError:
        record = logging.LogRecord("convene", logging.ERROR, "", 0, "failed", (), sys.exc_info())
    line = json.loads(JsonFormatter().format(record))
    assert line["exception"] == "ValueError"
    assert "Jane" not in json.dumps(line)
