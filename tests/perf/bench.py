"""The park-scale benchmark: pages, API, jobs and documents against their budgets.

    .venv/bin/python -m tests.perf.bench [--db sqlite|postgresql] [--enterprises 500] [--hazards 200000]
                                         [--json PATH] [--runs 30] [--only NAME ...]

Data: ``flask demo seed`` in a subprocess, reused when the database already
holds the requested enterprises and at least the requested hazards (the
benchmark itself only adds rows: filed hazards, documents). SQLite keeps the
file at ``/tmp/bench-<enterprises>-<hazards>.db``; PostgreSQL uses the
dedicated database ``bench`` on 127.0.0.1:5432 (created when missing; never
``test``, which the test suite drops). ``flask db upgrade`` runs first, so the
indexes of the newest migration are there; on PostgreSQL a ``VACUUM ANALYZE``
follows (planner statistics and the visibility map, as autovacuum keeps them in
production; autovacuum is off on the test server).

Each operation runs in-process through the Flask test client, logged in as
the right role, after a few warm-up runs: median and p95 milliseconds and the
SQL queries per request (a ``before_cursor_execute`` listener). The ratio to
raw SQL: the SELECT statements the request issued, captured with their
parameters and replayed directly through the driver (sqlite3 / psycopg,
fetching every row) on one open connection; the operation's median divided by
the replay's median shows how close the page is to what the database itself
needs. The ratio is judged only where that SQL takes a millisecond or more: a page kept under
the data version (``figures.cache``) reads little more than the session and the version, and
its ratio to a few hundredths of a millisecond says nothing about it. Heavy jobs (CSV export,
monthly report) run in a child process so the peak resident memory is theirs; the overdue scan runs on a copy of the data.
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PG_DB = os.environ.get("BENCH_PG_DB", "bench")  # a copy (CREATE DATABASE … TEMPLATE bench) to time a migration
PASSWORD_KEY = "DEMO_PASSWORD"

# name: (median ms, p95 ms, ratio) — None where the issue sets no budget.
PAGE = (50, 100, 3)
BUDGETS = {
    "ledger_page": PAGE, "ledger_search": PAGE, "hazard_detail": PAGE, "my_tasks": (25, 50, 3),
    "dashboard_after_write": (100, 200, None),
    "ledger_search_code": PAGE, "ledger_search_enterprise": PAGE, "ledger_search_short": PAGE,
    "api_list": PAGE, "dashboard_park": (150, 300, 2), "dashboard_enterprise": (150, 300, 2),
    "file_hazard": (40, 80, None), "transition": (40, 80, None), "notice_pdf": (150, None, None),
}
MONTHLY_SECONDS, MONTHLY_MB = 10, 400
EXPORT_SECONDS, EXPORT_MB = 20, 300
SCAN_SECONDS = 3


def database_url(kind, enterprises, hazards, sqlite_file=None):
    if kind == "sqlite":
        return f"sqlite:///{sqlite_file or f'/tmp/bench-{enterprises}-{hazards}.db'}"
    return f"{PG_SERVER}/{PG_DB}"


def flask_env(url):
    return {**os.environ, "FLASK_APP": "wsgi:app", "APP_ENV": "development", "DATABASE_URL": url,
            "SCHEDULER_ENABLED": "0"}


def flask(url, *args):
    command = [sys.executable, "-m", "flask", *args]  # this interpreter's packages, whatever a script's shebang says
    subprocess.run(command, cwd=ROOT, env=flask_env(url), check=True)


def ensure_pg_database(name):
    import psycopg

    assert name != "test", "the test suite drops the database 'test'"
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def vacuum_analyze(name):
    """VACUUM ANALYZE the PostgreSQL data: statistics for the planner and the visibility map for
    index-only scans, as autovacuum keeps them in production (it is off on this test server)."""
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={name}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def counts(url):
    """(enterprises, hazards) in the database, or None when it has no schema yet."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return (conn.scalar(text("SELECT count(*) FROM enterprises")),
                    conn.scalar(text("SELECT count(*) FROM hazards")))
    except Exception:
        return None
    finally:
        engine.dispose()


def ensure_data(kind, enterprises, hazards, upgrade=True, sqlite_file=None):
    url = database_url(kind, enterprises, hazards, sqlite_file)
    if kind == "postgresql":
        ensure_pg_database(PG_DB)
    found = counts(url)
    if found and found[0] == enterprises and found[1] >= hazards:
        print(f"reusing {url}: {found[0]} enterprises, {found[1]} hazards", flush=True)
        if upgrade:
            flask(url, "db", "upgrade")
        if kind == "postgresql":
            vacuum_analyze(PG_DB)
        return url
    if found and found[0]:
        if kind == "sqlite":
            os.remove(url.removeprefix("sqlite:///"))
        else:
            raise SystemExit(f"{url} holds other data ({found}); drop it first")
    print(f"seeding {url} with {enterprises} enterprises / {hazards} hazards ...", flush=True)
    flask(url, "db", "upgrade")
    flask(url, "demo", "seed", "--enterprises", str(enterprises), "--hazards", str(hazards))
    if kind == "postgresql":
        vacuum_analyze(PG_DB)
    return url


def make_app(url, tmp):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("APP_ENV", "development")
    from safety_app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, "SCHEDULER_ENABLED": False,
                       "REPORTS_DIR": str(tmp / "reports"), "UPLOAD_DIR": str(tmp / "uploads"),
                       "PUBLIC_BASE_URL": "http://park.example", "RATELIMIT_ENABLED": False})


class Recorder:
    """Counts (and on demand captures) the SQL statements of the engine."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.count = 0
        self.capture = None
        event.listen(engine, "before_cursor_execute", self._on)

    def _on(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        if self.capture is not None:
            self.capture.append((statement, parameters))


class RawReplay:
    """Replays captured SELECTs straight through the DB-API driver."""

    def __init__(self, url):
        if url.startswith("sqlite"):
            import sqlite3

            self.conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        else:
            import psycopg

            self.conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))

    def run(self, statements):
        cursor = self.conn.cursor()
        for statement, parameters in statements:
            cursor.execute(statement, parameters)
            cursor.fetchall()
        self.conn.rollback()

    def close(self):
        self.conn.close()


def pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


RATIO_FLOOR_MS = 1.0  # below this much raw SQL the ratio is shown, not judged
SLOW_MS = 300  # an operation slower than this is timed fewer times (5 runs), to keep the benchmark short


def timed(fn, runs, warmup=3):
    for _ in range(warmup):
        started = time.perf_counter()
        fn()
        if (time.perf_counter() - started) * 1000 > SLOW_MS:
            runs = min(runs, 5)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def login(app, username):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": app.config[PASSWORD_KEY]})
    assert response.status_code == 302, (username, response.status_code)
    return client


def token(app, username):
    response = app.test_client().post("/api/v1/tokens", json={"username": username,
                                                              "password": app.config[PASSWORD_KEY]})
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def bench_get(name, client, url, recorder, raw, runs, headers=None, note="", before=None):
    def once():
        if before:
            before()
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (name, url, response.status_code)
        return response

    times = timed(once, runs)
    recorder.capture, recorder.count = [], 0
    once()
    statements, queries = recorder.capture, recorder.count
    recorder.capture = None
    selects = [(s, p) for s, p in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    raw_times = timed(lambda: raw.run(selects), runs)
    return result(name, times, queries, raw_times, note or url)


def result(name, times, queries=None, raw_times=None, note="", **extra):
    median = statistics.median(times)
    row = {"operation": name, "median_ms": round(median, 1), "p95_ms": round(pct(times, 0.95), 1),
           "runs": len(times), "queries": queries, "note": note}
    if raw_times:
        raw_median = statistics.median(raw_times)
        row["raw_sql_ms"] = round(raw_median, 2)
        row["ratio"] = round(median / raw_median, 1) if raw_median else None
    row.update(extra)
    budget = BUDGETS.get(name)
    if budget:
        row["budget"] = {"median_ms": budget[0], "p95_ms": budget[1], "ratio": budget[2]}
        row["ok"] = (median <= budget[0] and (budget[1] is None or row["p95_ms"] <= budget[1])
                     and (budget[2] is None or row.get("ratio") is None or row["raw_sql_ms"] < RATIO_FLOOR_MS
                          or row["ratio"] <= budget[2]))
    return row


def file_payload(enterprise_id, deadline, i):
    return {"enterprise_id": enterprise_id, "title": f"基准测试隐患 {i}", "category": "fire",
            "deadline": deadline.isoformat(), "location": "基准测试区"}


def web_ops(app, url, runs, only):
    from sqlalchemy import func, select

    from safety_app.clock import today
    from safety_app.extensions import db
    from safety_app.models import Enterprise, Hazard, Measure, User

    rows = []
    with app.app_context():
        recorder = Recorder(db.engine)
        raw = RawReplay(url)
        enterprise1 = db.session.scalar(select(User).where(User.username == "enterprise1"))
        ent_id = enterprise1.enterprise_id
        # A hazard with measures: the detail page's usual case.
        detail_id = db.session.scalar(select(Measure.hazard_id).join(Hazard).where(Hazard.level == "major")
                                      .order_by(Measure.hazard_id.desc()).limit(1))
        # The code of a hazard filed mid-way, less its last two digits: about a hundred codes share it.
        code_prefix = db.session.scalar(select(Hazard.code).order_by(Hazard.id).offset(100000).limit(1))[:-2]
        db.session.remove()
    admin, ent = login(app, "admin"), login(app, "enterprise1")
    admin_api, ent_api = token(app, "admin"), token(app, "enterprise1")

    def want(name):
        return not only or name in only

    pages = [
        ("ledger_page", admin, "/ledgers/hazards?status=rectifying&overdue=1&sort=deadline", None),
        ("ledger_search", admin, "/ledgers/hazards?q=%E5%AE%89%E5%85%A8%E9%98%80", None),  # q=安全阀
        # A code's start (a few matches, every trigram common), an enterprise's own search, two characters.
        ("ledger_search_code", admin, f"/ledgers/hazards?q={code_prefix}", None),
        ("ledger_search_enterprise", ent, "/ledgers/hazards?q=%E5%AE%89%E5%85%A8%E9%98%80", None),
        ("ledger_search_short", admin, "/ledgers/hazards?q=%E7%BD%90%E5%8C%BA", None),  # q=罐区
        ("hazard_detail", admin, f"/hazards/{detail_id}", None),
        ("my_tasks", ent, "/portal/", None),
        ("dashboard_park", admin, "/dashboard", None),
        ("dashboard_enterprise", ent, "/dashboard", None),
        ("api_list", admin, "/api/v1/hazards?per_page=50", admin_api),
    ]
    for name, client, path, headers in pages:
        if want(name):
            rows.append(bench_get(name, client, path, recorder, raw, runs, headers=headers))
            print_row(rows[-1])
    # The dashboard's figures are cached until the next write of a hazard (the rows above show
    # the usual, cached view); these show a view right after a write, computing every figure.
    from safety_app import dashboard

    for name, client in (("dashboard_park_uncached", admin), ("dashboard_enterprise_uncached", ent)):
        if want(name) or want(name.removesuffix("_uncached")):
            rows.append(bench_get(name, client, "/dashboard", recorder, raw, runs, before=dashboard.clear_cache,
                                  note="/dashboard, cache emptied before each view"))
            print_row(rows[-1])

    deadline = today() + timedelta(days=30)
    if want("dashboard_after_write"):
        rows.append(dashboard_after_write(app, admin, admin_api, ent_id, deadline, recorder, runs))
        print_row(rows[-1])
    filed = []
    if want("file_hazard") or want("transition") or want("notice_pdf"):
        client = app.test_client()
        counter = iter(range(10**9))

        def file_one():
            response = client.post("/api/v1/hazards", json=file_payload(ent_id, deadline, next(counter)),
                                   headers=admin_api)
            assert response.status_code == 201, response.get_data(as_text=True)[:500]
            filed.append(response.get_json())

        recorder.count = 0
        times = timed(file_one, max(runs, 40))
        queries = recorder.count // len(filed)
        if want("file_hazard"):
            rows.append(result("file_hazard", times, queries, note="POST /api/v1/hazards (admin token)"))
            print_row(rows[-1])
    if want("transition"):
        client = app.test_client()
        pool = iter(filed)

        def acknowledge():
            hazard = next(pool)
            response = client.post(f"/api/v1/hazards/{hazard['id']}/transitions",
                                   json={"action": "acknowledge", "version": hazard["version"]}, headers=ent_api)
            assert response.status_code == 200, response.get_data(as_text=True)[:500]

        recorder.count = 0
        times = timed(acknowledge, runs)
        rows.append(result("transition", times, recorder.count // (runs + 3),
                           note="POST /api/v1/hazards/<id>/transitions acknowledge (enterprise1 token)"))
        print_row(rows[-1])
    if want("notice_pdf"):
        from safety_app.documents import service

        with app.app_context():
            service.warm_up(app)
            user = db.session.scalar(select(User).where(User.username == "inspector"))
            officers = list(db.session.scalars(select(User).where(User.username.in_(("inspector", "inspector2")))))
            pool = iter(h["id"] for h in reversed(filed))

            def notice():
                hazard = db.session.get(Hazard, next(pool))
                service.issue_notice([hazard], user, officers=officers)
                db.session.expire_all()

            recorder.count = 0
            times = timed(notice, min(runs, 20))
            rows.append(result("notice_pdf", times, recorder.count // (min(runs, 20) + 3),
                               note="documents.service.issue_notice, one hazard"))
            print_row(rows[-1])
            db.session.remove()
    with app.app_context():
        total = db.session.scalar(select(func.count(Hazard.id)))
        ents = db.session.scalar(select(func.count(Enterprise.id)))
        db.session.remove()
    raw.close()
    return rows, {"enterprises": ents, "hazards": total}


def dashboard_after_write(app, admin, admin_api, enterprise_id, deadline, recorder, runs):
    """The park dashboard right after a write: file one hazard (a new data version, so the cached
    figures no longer answer), then time only the dashboard view; repeated."""
    writer = app.test_client()
    counter = iter(range(10**9))

    def write():
        response = writer.post("/api/v1/hazards", json=file_payload(enterprise_id, deadline, next(counter)),
                               headers=admin_api)
        assert response.status_code == 201, response.get_data(as_text=True)[:500]

    times, queries = [], None
    for i in range(runs + 3):
        write()
        recorder.count = 0
        started = time.perf_counter()
        response = admin.get("/dashboard")
        ms = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        queries = recorder.count
        if i >= 3:
            times.append(ms)
    return result("dashboard_after_write", times, queries,
                  note="/dashboard (admin) after POST /api/v1/hazards, the write not timed")


# ----------------------------------------------------------------------------- child processes


def rss_mb():
    """Current resident set (VmRSS) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak():
    """Reset VmHWM to the current RSS (Linux ≥ 4.0); False when not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def peak_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_export(url, tmp):
    app = make_app(url, tmp)
    client = login(app, "admin")
    client.get("/ledgers/hazards/export.csv?found_from=2999-01-01")  # warm imports
    base = rss_mb()
    reset_peak()
    started = time.perf_counter()
    response = client.get("/ledgers/hazards/export.csv", buffered=False)
    size = lines = 0
    for chunk in response.response:
        size += len(chunk)
        lines += chunk.count(b"\n")
    response.close()
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "rows": lines - 1, "bytes": size, "rss_before_mb": round(base, 1),
            "peak_mb": round(peak_mb(), 1), "growth_mb": round(peak_mb() - base, 1)}


def child_monthly(url, tmp, period):
    from sqlalchemy import func, select

    from safety_app.documents import service
    from safety_app.extensions import db
    from safety_app.models import Hazard

    app = make_app(url, tmp)
    with app.app_context():
        service.warm_up(app)
        year, month = map(int, period.split("-"))
        first = date(year, month, 1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        found = db.session.scalar(select(func.count(Hazard.id)).where(Hazard.found_on.between(first, last)))
        base = rss_mb()
        reset_peak()
        started = time.perf_counter()
        document = service.build_monthly_report(period)
        seconds = time.perf_counter() - started
        return {"period": period, "hazards_found_in_month": found, "seconds": round(seconds, 2),
                "bytes": document.size, "rss_before_mb": round(base, 1), "peak_mb": round(peak_mb(), 1),
                "growth_mb": round(peak_mb() - base, 1)}


def run_child(args, what, extra=()):
    command = [sys.executable, "-m", "tests.perf.bench", "--child", what, "--db", args.db,
               "--enterprises", str(args.enterprises), "--hazards", str(args.hazards), *extra]
    if args.sqlite_file:
        command += ["--sqlite-file", args.sqlite_file]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        print(out.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"child {what} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- overdue scan


def copy_database(url, tmp):
    """A throw-away copy of the data (the scan moves deadlines and writes notifications)."""
    if url.startswith("sqlite"):
        copy = tmp / "scan.db"
        shutil.copyfile(url.removeprefix("sqlite:///"), copy)
        return f"sqlite:///{copy}", lambda: None
    import psycopg

    name = f"{PG_DB}_scan"
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{PG_DB}"')

    def drop():
        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{PG_SERVER}/{name}", drop


def overdue_scan(url, tmp, newly=2000):
    """tests/perf/overdue_scan.py's setup on a copy: exactly ``newly`` hazards become overdue on the day."""
    from sqlalchemy import func, select, text

    from safety_app.extensions import db
    from safety_app.jobs import alerts, ledger
    from safety_app.models import Hazard

    copy, drop = copy_database(url, tmp)
    try:
        app = make_app(copy, tmp)
        with app.app_context():
            total = db.session.scalar(select(func.count(Hazard.id)))
            day = db.session.scalar(select(func.max(Hazard.found_on))) + timedelta(days=11)
            yesterday = day - timedelta(days=1)
            statuses = ", ".join(f"'{s}'" for s in alerts.OPEN_STATUSES)
            db.session.execute(text(f"UPDATE hazards SET deadline = :before WHERE deadline = :y "
                                    f"AND status IN ({statuses})"),
                               {"before": yesterday - timedelta(days=1), "y": yesterday})
            ids = db.session.scalars(select(Hazard.id).where(Hazard.status.in_(alerts.OPEN_STATUSES),
                                                             Hazard.deadline >= day)
                                     .order_by(Hazard.id).limit(newly)).all()
            db.session.execute(text(f"UPDATE hazards SET deadline = :d WHERE id IN ({', '.join(map(str, ids))})"),
                               {"d": yesterday})
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
        with app.app_context():
            started = time.perf_counter()
            outcome = ledger.run("overdue-scan", day)
            seconds = time.perf_counter() - started
            db.session.remove()
            db.engine.dispose()
        return {"operation": "overdue_scan", "median_ms": round(seconds * 1000), "p95_ms": None, "runs": 1,
                "queries": None, "note": f"{total} hazards, {len(ids)} newly overdue on {day}",
                "outcome": outcome.outcome, "counts": outcome.counts,
                "budget": {"seconds": SCAN_SECONDS}, "ok": outcome.outcome == "success" and seconds <= SCAN_SECONDS}
    finally:
        drop()


# ----------------------------------------------------------------------------- output


def fmt(value, digits=1):
    if value is None:
        return "—"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def print_row(row):
    budget = row.get("budget") or {}
    limits = "/".join(fmt(budget.get(k)) for k in ("median_ms", "p95_ms", "ratio") if k in budget) \
        or fmt(budget.get("seconds"))
    print(f"{row['operation']:<22}{fmt(row['median_ms']):>10}{fmt(row['p95_ms']):>10}{fmt(row['queries']):>6}"
          f"{fmt(row.get('raw_sql_ms'), 2):>10}{fmt(row.get('ratio')):>7}  {limits:<14}"
          f"{'ok' if row.get('ok') else ('OVER' if 'ok' in row else ''):<5} {row.get('note', '')}", flush=True)


def header(title):
    print(f"\n== {title}")
    print(f"{'operation':<22}{'median':>10}{'p95':>10}{'q/req':>6}{'raw ms':>10}{'ratio':>7}  "
          f"{'budget':<14}{'':<5} note")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--enterprises", type=int, default=500)
    parser.add_argument("--hazards", type=int, default=200000)
    parser.add_argument("--json", dest="json_path")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per operation (after 3 warm-ups)")
    parser.add_argument("--month", help="monthly report period YYYY-MM (default: the last full month)")
    parser.add_argument("--only", nargs="*", default=[], help="operation names to run (default: all)")
    parser.add_argument("--no-upgrade", action="store_true",
                        help="reuse the data at its current migration (e.g. to time the schema before an upgrade)")
    parser.add_argument("--sqlite-file", help="the SQLite data file (default /tmp/bench-<enterprises>-<hazards>.db);"
                        " e.g. a copy, to time a branch's migration without upgrading the shared file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = database_url(args.db, args.enterprises, args.hazards, args.sqlite_file)
    if args.child:
        tmp = Path(tempfile.mkdtemp(prefix="bench-child-"))
        try:
            out = child_export(url, tmp) if args.child == "export" else child_monthly(url, tmp, args.month)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        print(json.dumps(out))
        return 0

    url = ensure_data(args.db, args.enterprises, args.hazards, upgrade=not args.no_upgrade,
                      sqlite_file=args.sqlite_file)
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    only = set(args.only)
    try:
        app = make_app(url, tmp)
        header(f"{args.db}: {url}")
        rows, data = web_ops(app, url, args.runs, only)
        with app.app_context():
            from safety_app.extensions import db

            db.engine.dispose()
        if not only or "csv_export" in only:
            out = run_child(args, "export")
            rows.append({"operation": "csv_export", "median_ms": round(out["seconds"] * 1000), "p95_ms": None,
                         "runs": 1, "queries": None, "note": f"{out['rows']:,} rows, {out['bytes'] / 1e6:.0f} MB,"
                         f" peak RSS +{out['growth_mb']} MB (of {out['peak_mb']} MB)", **out,
                         "budget": {"seconds": EXPORT_SECONDS, "peak_mb": EXPORT_MB},
                         "ok": out["seconds"] <= EXPORT_SECONDS and out["growth_mb"] <= EXPORT_MB})
            print_row(rows[-1])
        if not only or "monthly_pdf" in only:
            today = date.today()
            period = args.month or f"{(today.replace(day=1) - timedelta(days=1)):%Y-%m}"
            out = run_child(args, "monthly", ["--month", period])
            rows.append({"operation": "monthly_pdf", "median_ms": round(out["seconds"] * 1000), "p95_ms": None,
                         "runs": 1, "queries": None, "note": f"{period}: {out['hazards_found_in_month']:,} hazards "
                         f"found in the month, peak RSS +{out['growth_mb']} MB (of {out['peak_mb']} MB)", **out,
                         "budget": {"seconds": MONTHLY_SECONDS, "peak_mb": MONTHLY_MB},
                         "ok": out["seconds"] <= MONTHLY_SECONDS and out["growth_mb"] <= MONTHLY_MB})
            print_row(rows[-1])
        if not only or "overdue_scan" in only:
            rows.append(overdue_scan(url, tmp))
            print_row(rows[-1])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report = {"db": args.db, "url": url, "data": data, "when": time.strftime("%Y-%m-%d %H:%M:%S"),
              "operations": rows}
    failed = [r["operation"] for r in rows if r.get("ok") is False]
    print(f"\n{len(rows)} operations, over budget: {', '.join(failed) or 'none'}")
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str))
        print(f"JSON: {args.json_path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
