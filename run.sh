#!/usr/bin/env bash
# Set everything up and serve the app with its scheduler on SQLite.
#   ./run.sh                         -> http://127.0.0.1:5000
#   PORT=8080 ./run.sh               -> http://127.0.0.1:8080
#   HOST=0.0.0.0 PORT=8080 ./run.sh  -> every interface of this machine, port 8080
set -euo pipefail
cd "$(dirname "$0")"
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}
case "$PORT" in ''|*[!0-9]*) echo "run.sh: PORT must be a number (got '$PORT')" >&2; exit 2;; esac

step() { printf '==> %s\n' "$*"; }

step "checking system packages (Chinese font for the PDFs)…"
bin/install-system-packages fonts-wqy-zenhei
if [ ! -x .venv/bin/python ]; then
  step "creating the virtual environment (.venv)…"
fi
step "installing dependencies (first run takes a few minutes; later runs only check them)…"
bin/setup-venv requirements.txt

mkdir -p instance
if [ -z "${SECRET_KEY:-}" ] && ! grep -qs '^SECRET_KEY' instance/config.py; then
  # A random key for this installation, kept out of the repository.
  step "writing a random SECRET_KEY into instance/config.py…"
  echo "SECRET_KEY = \"$(.venv/bin/python -c 'import secrets; print(secrets.token_hex(32))')\"" >> instance/config.py
fi
export FLASK_APP=wsgi:app
export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://$HOST:$PORT}

step "migrating the database…"
.venv/bin/flask db upgrade
step "loading demo data (only into an empty database)…"
.venv/bin/flask demo seed --if-empty

cat <<MSG

  Park hazard tracker: http://$HOST:$PORT/login
  Demo logins (password: ${DEMO_PASSWORD:-demo-password}):
    admin        park safety office
    inspector    inspector on site
    enterprise1  safety manager of enterprise 1
    enterprise2  safety manager of enterprise 2

MSG
step "serving on http://$HOST:$PORT (Ctrl+C to stop)"
export SCHEDULER_ENABLED=${SCHEDULER_ENABLED:-1}
exec .venv/bin/flask run --host "$HOST" --port "$PORT" --no-reload --no-debugger
