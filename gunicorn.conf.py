"""gunicorn settings read automatically from the project directory (``gunicorn wsgi:app``).

gunicorn answers request lines above ``limit_request_line`` itself, with an HTML 400. The app
refuses targets above ``MAX_URL_LENGTH`` (4094) with its own answer (JSON 414 under /api/), so
gunicorn lets lines up to its maximum through; a proxy in front should allow at least as much.
"""
import os

limit_request_line = 8190

# Processes × threads (gthread worker when threads > 1). Two processes per core keep both cores busy
# while a thread waits on the database; WEB_CONCURRENCY / WEB_THREADS override (tests/perf/http_bench.py
# measured the choice).
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1))
threads = int(os.environ.get("WEB_THREADS") or 4)
