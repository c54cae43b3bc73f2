# Convene: `make run` serves the app with demo data; `make test` runs every gate and the tests.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.9.30
# The demo signs in with a password only; production refuses CONVENE_DEMO_SKIP_2FA.
DEV_ENV := CONVENE_DEVELOPMENT=true DEBUG=true CONVENE_DEMO_SKIP_2FA=true
# The demo is served with DEBUG off, so a missing page is the GOV.UK "Page not found" page
# (never Django's list of URLs); WhiteNoise still serves the static files.
# `make run PORT=8080` serves on another port (the sign-in and the emails' links follow it).
PORT ?= 8000
RUN_ENV := CONVENE_DEVELOPMENT=true DEBUG=false CONVENE_DEMO_SKIP_2FA=true SITE_URL=http://127.0.0.1:$(PORT) \
	CONVENE_PARTNERSHIP_NAME="Riverside Safeguarding Children Partnership"
PYTEST_ARGS ?=

.PHONY: run test lint typecheck pytest deps chromium migrate demo worker clean bench bench-load

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the lock file changes, so a second `make run` starts in seconds.
$(VENV)/.installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --editable .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

deps: $(VENV)/.installed node_modules/.installed

# Debian's Chromium drives the browser tests; Playwright never downloads a browser.
chromium:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

var:
	mkdir -p var/static

migrate: deps var
	$(DEV_ENV) $(BIN)/convene migrate --no-input -v0

demo: migrate
	$(DEV_ENV) SITE_URL=http://127.0.0.1:$(PORT) $(BIN)/convene demo --children 200

# `convene serve` starts the background worker beside the web server.
run: demo
	$(RUN_ENV) $(BIN)/convene serve 127.0.0.1:$(PORT)

worker: migrate
	$(DEV_ENV) $(BIN)/convene worker

lint: deps
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: deps
	$(BIN)/mypy convene

# worksteal: pytest-django runs the transactional and browser tests last, the longest ones;
# an idle worker takes over the other's queue instead of waiting at the end. The slowest 25
# are listed at the end, so a CI log says where the suite's time goes.
pytest: deps chromium
	$(BIN)/pytest -n 2 --dist worksteal --durations=25 $(PYTEST_ARGS)

test: lint typecheck pytest

# A generated partnership of 5,000 discussions on a throwaway SQLite database, with the
# pages table for the demo and it side by side (bench/pages.py; together about 30 minutes
# on a busy 2-core machine). Larger: BENCH_DISCUSSIONS=50000, or a PostgreSQL database as in
# docs/performance.md ("Generating a large partnership"), which has the figures measured on
# a million discussions.
BENCH_DISCUSSIONS ?= 5000
BENCH_PAGES_ARGS ?= --repeat 3
bench: deps var
	$(BIN)/python bench/workdays.py
	$(BIN)/python bench/demo_load.py
	rm -f var/bench-partnership.sqlite3
	$(BIN)/python bench/generate.py --discussions $(BENCH_DISCUSSIONS) \
		--database-url sqlite:///$(CURDIR)/var/bench-partnership.sqlite3
	$(BIN)/python bench/sweep.py --database-url sqlite:///$(CURDIR)/var/bench-partnership.sqlite3
	$(BIN)/python bench/pages.py $(BENCH_PAGES_ARGS) \
		--database-url sqlite:///$(CURDIR)/var/bench-partnership.sqlite3
	rm -f var/bench-partnership.sqlite3

# 20 signed-in clients for 30 seconds through `convene serve --production` on a fresh
# demo database (docs/operations.md); LOAD_ARGS="--clients 50 --seconds 60" to vary.
LOAD_ARGS ?= --clients 20 --seconds 30
bench-load: deps
	$(BIN)/python bench/load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) node_modules var
