#!/usr/bin/env bash
# Runs every test: the core on SQLite and PostgreSQL, Qt offscreen, browser, Rasa.
# pytest's exit 5 (no tests collected) is a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen
export PYTHONHASHSEED=0
# PostgreSQL must be up: the ledger, locking and concurrency tests run on it.
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2
  exit 1
fi
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
rc=$?
if [ $rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi
exit $rc
