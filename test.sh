#!/usr/bin/env bash
# Set up and run the tests; extra arguments go to pytest.
# SQLite always; PostgreSQL too when TEST_DATABASE_URL is set.
set -euo pipefail
cd "$(dirname "$0")"
bin/setup-venv requirements-dev.txt
# Two workers (this machine has 2 cores); each gets its own SQLite file and PostgreSQL database.
# loadgroup: tests are handed out one by one; those sharing a server stay together (tests/conftest.py).
exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-2}" --dist loadgroup "$@"
