# RepLog — the two commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)
# Install compiled bytecode: Python otherwise compiles every imported module from source where
# .pyc files cannot be written (PYTHONDONTWRITEBYTECODE, read-only trees): LiteLLM's import
# measured 7.1 s without and 3.5 s with.
export UV_COMPILE_BYTECODE := 1
VENV_PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Checks and tests import the settings, which require a SECRET_KEY outside DEBUG.
TEST_ENV := SECRET_KEY=test-only-secret-key

.PHONY: help setup run test lint typecheck pytest bench browser-deps

help:
	@echo "make run    set up, migrate, load demo data, start web + worker on http://$(HOST):$(PORT)"
	@echo "make test   set up, then ruff, mypy, checks and the whole pytest suite"
	@echo "make bench  run the benchmarks and print figures"

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==0.13.8

.venv/.synced: pyproject.toml uv.lock Makefile | $(UV)
	$(UV) sync --frozen
	touch $@

setup: .venv/.synced

run: setup
	bin/dev-key
	DEBUG=true $(VENV_PY) manage.py migrate --no-input
	DEBUG=true $(VENV_PY) manage.py seed_demo
	DEBUG=true HOST=$(HOST) PORT=$(PORT) bin/run

# Playwright drives Debian's Chromium; install it when missing and we may.
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = "0" ]; then \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; \
		else \
			echo "Chromium is missing: run 'sudo apt-get install -y chromium' (needed by the browser tests)"; exit 1; \
		fi; \
	fi

lint: setup
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

typecheck: setup
	$(TEST_ENV) $(UV) run --frozen mypy

pytest: setup browser-deps
	$(TEST_ENV) $(VENV_PY) manage.py check
	$(TEST_ENV) $(VENV_PY) manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(UV) run --frozen pytest $(PYTEST_ARGS)

test: lint typecheck pytest

bench: setup
	$(VENV_PY) bench/run.py $(BENCH_ARGS)
	$(VENV_PY) bench/drafts.py
	$(VENV_PY) bench/load.py
