"""gunicorn settings read automatically from the project directory (``gunicorn wsgi:app``).

gunicorn answers request lines above ``limit_request_line`` itself, with an HTML 400. The app
refuses targets above ``MAX_URL_LENGTH`` (4094) with its own answer (JSON 414 under /api/), so
gunicorn lets lines up to its maximum through; a proxy in front should allow at least as much.
"""
import os

limit_request_line = 8190

# Processes × threads (gthread worker when threads > 1). Two processes per core keep both cores busy
# while a thread waits on the database. Threads of one process take turns (one Python interpreter
# lock): with PostgreSQL a thread often waits on the server, so 4 per process; with SQLite the
# queries run in the process itself, and 2 threads per process did more (2 cores, 16 clients:
# 211 pages/s, p95 134 ms, against 186 pages/s, p95 174 ms with 4). WEB_CONCURRENCY / WEB_THREADS
# override; tests/perf/http_bench.py measured the choice.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1))
_sqlite = os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite")
threads = int(os.environ.get("WEB_THREADS") or (2 if _sqlite else 4))
