#!/usr/bin/env bash
# Set everything up and serve the app with its scheduler on SQLite.
#   ./run.sh            -> http://127.0.0.1:5000   (HOST / PORT to change)
set -euo pipefail
cd "$(dirname "$0")"
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}

bin/install-system-packages fonts-wqy-zenhei
bin/setup-venv requirements.txt

mkdir -p instance
if [ -z "${SECRET_KEY:-}" ] && ! grep -qs '^SECRET_KEY' instance/config.py; then
  # A random key for this installation, kept out of the repository.
  echo "SECRET_KEY = \"$(.venv/bin/python -c 'import secrets; print(secrets.token_hex(32))')\"" >> instance/config.py
fi
export FLASK_APP=wsgi:app
export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://$HOST:$PORT}

.venv/bin/flask db upgrade
.venv/bin/flask demo seed --if-empty

cat <<MSG

  Park hazard tracker: http://$HOST:$PORT/login
  Demo logins (password: ${DEMO_PASSWORD:-demo-password}):
    admin        park safety office
    inspector    inspector on site
    enterprise1  safety manager of enterprise 1
    enterprise2  safety manager of enterprise 2

MSG
export SCHEDULER_ENABLED=${SCHEDULER_ENABLED:-1}
exec .venv/bin/flask run --host "$HOST" --port "$PORT" --no-reload --no-debugger
