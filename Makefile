# Two commands for a fresh machine (see README.md):
#   make demo   set up, load demo data, serve the site at http://127.0.0.1:$(PORT)
#   make test   set up, run the whole suite on SQLite and on PostgreSQL
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
PORT ?= 5000
PG_URL_BASE ?= postgresql+psycopg://postgres@127.0.0.1:5432
export FLASK_APP := marketplace:create_app

.PHONY: setup venv assets browser db demo serve test test-sqlite test-postgres lint clean bench

setup: venv assets

venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	touch $@

assets: static/build/app.css
static/build/app.css: package.json package-lock.json static/src/app.scss static/src/build.mjs static/src/favicon.svg
	npm ci --no-audit --no-fund
	npm run --silent build

# Debian's Chromium for the browser tests (Playwright cannot download a browser here).
browser:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian chromium for the browser tests..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation >/dev/null; }

db: setup
	$(FLASK) db upgrade

demo: db
	$(FLASK) demo-data
	$(FLASK) reindex
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

serve: setup
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: setup browser
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite:
	@echo "=== Test suite on SQLite ==="
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# A fresh database of our own, dropped afterwards. No PostgreSQL: skipped with a message,
# except under CI=true, where that is a failure.
test-postgres:
	@echo "=== Test suite on PostgreSQL ==="
	@if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then \
	  if [ "$$CI" = "true" ]; then echo "PostgreSQL is not answering on 127.0.0.1:5432 (required under CI)"; exit 1; fi; \
	  echo "SKIPPED: PostgreSQL is not answering on 127.0.0.1:5432; the PostgreSQL pass did not run."; exit 0; \
	fi; \
	name="marketplace_test_$$$$"; \
	createdb -h 127.0.0.1 -U postgres "$$name" || exit 1; \
	trap 'dropdb -h 127.0.0.1 -U postgres --if-exists "$$name"' EXIT; \
	DATABASE_URL="$(PG_URL_BASE)/$$name" $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: db
	$(PY) -m bench.run_all

clean:
	rm -rf $(VENV) node_modules static/build instance
