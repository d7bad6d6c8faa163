# Two commands for a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export PORTAL_TEST_PG_ADMIN ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: install demo test test-fast lint bench

install:
	@scripts/install.sh

demo: install
	$(VENV)/bin/portal demo

test: install
	@scripts/run_tests.sh

test-fast:
	$(PY) -m pytest -x -q -m "not slow"

lint:
	$(VENV)/bin/ruff check .

include chatbot/Makefile.inc

bench: install
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done
