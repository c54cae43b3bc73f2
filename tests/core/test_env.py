import pytest
from django.core.exceptions import ImproperlyConfigured

from convene.core import env


def test_bool_refuses_a_bad_value_naming_the_variable(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be true or false"):
        env.env_bool("DEBUG", False)


def test_required_string_names_the_variable(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        env.env_str("SECRET_KEY")


def test_secret_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert env.env_str("SECRET_KEY") == "from-a-file"


def test_unreadable_secret_file(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FILE: cannot read"):
        env.env_str("SECRET_KEY")


def test_database_url_must_be_sqlite_or_postgres(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://x@y/z")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL must be a sqlite"):
        env.env_database("DATABASE_URL", "sqlite:///x")


def test_database_url_postgres(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    config = env.env_database("DATABASE_URL", "sqlite:///x")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "test"


def test_postgres_connections_run_without_jit(monkeypatch):
    """Issue 15: JIT compiling took seconds for visibility queries that run in milliseconds."""
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    assert "-c jit=off" in env.env_database("DATABASE_URL", "sqlite:///x")["OPTIONS"]["options"]
    monkeypatch.setenv("DATABASE_URL", "sqlite:///x")
    assert "options" not in env.env_database("DATABASE_URL", "sqlite:///x").get("OPTIONS", {})


def test_int_minimum(monkeypatch):
    monkeypatch.setenv("SESSION_IDLE_SECONDS", "5")
    with pytest.raises(ImproperlyConfigured, match="SESSION_IDLE_SECONDS must be at least 60"):
        env.env_int("SESSION_IDLE_SECONDS", 1800, minimum=60)


def test_list_must_not_be_empty(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " , ")
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS must list"):
        env.env_list("ALLOWED_HOSTS", [])
