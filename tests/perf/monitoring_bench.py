"""Monitoring benchmarks (a script, not a test):

    .venv/bin/python -m tests.perf.monitoring_bench --db sqlite|postgresql [--seconds 60] [--via api|core]

1. ingest with alarm evaluation: 20 enterprises × 25 installations × 20 points (10,000 points),
   one 500-reading batch per enterprise and tick (the simulator's values, with excursions and
   gaps), as fast as it goes for ``--seconds``: readings/s and p50/p95 ms per batch
   (target ≥ 2,000/s on PostgreSQL, ≥ 500/s on SQLite, p95 ≤ 200 ms);
2. a point's 24-hour chart (query + SVG) with 61 days of 5-second readings stored for two points
   (target median ≤ 100 ms);
3. the retention job over that data (removes/aggregates the part older than 30 days; ≤ 60 s).

Data lives in /tmp/monitoring-bench.db or the PostgreSQL database ``hm_perf`` (never ``test`` or
``bench``), rebuilt on each run.
"""
import argparse
import os
import statistics
import time
from datetime import timedelta

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_URL = os.environ.get("MONITORING_BENCH_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/hm_perf")
SQLITE_PATH = "/tmp/monitoring-bench.db"


def _database(kind):
    if kind == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(SQLITE_PATH + suffix):
                os.remove(SQLITE_PATH + suffix)
        return f"sqlite:///{SQLITE_PATH}"
    url = make_url(PG_URL)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}"'))
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    return PG_URL


def _app(url):
    from safety_app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "SCHEDULER_ENABLED": False,
                       "TESTING": True, "WTF_CSRF_ENABLED": False})


def _setup(enterprises=20, installations=25, points=20):
    from safety_app import credit_code
    from safety_app.accounts import create_user
    from safety_app.extensions import db
    from safety_app.models import Enterprise, Installation
    from safety_app.monitoring import simulate

    users, insts = [], []
    for e in range(enterprises):
        ent = Enterprise(name=f"基准企业{e + 1}", credit_code=credit_code.compose(f"{e + 100:08d}"))
        db.session.add(ent)
        db.session.flush()
        users.append(create_user(f"gateway{e + 1}", "correct-horse-battery", "enterprise", enterprise=ent,
                                 commit=False))
        for i in range(installations):
            inst = Installation(enterprise_id=ent.id, code=f"B-{i + 1:03d}", name=f"基准单元{e + 1}-{i + 1}",
                                kind="storage", location="")
            db.session.add(inst)
            insts.append(inst)
    db.session.commit()
    pts = simulate.ensure_points(insts, points)
    return users, pts


def bench_ingest(seconds, via):
    from safety_app.clock import utcnow
    from safety_app.extensions import db
    from safety_app.monitoring import ingest, simulate

    users, pts = _setup()
    sim = simulate.simulator(pts)
    users = [type("U", (), {"username": u.username, "enterprise_id": u.enterprise_id}) for u in users]
    db.session.remove()  # a request starts with an empty session
    client, tokens = None, {}
    if via == "api":
        from flask import current_app

        client = current_app.test_client()
        for u in users:
            r = client.post("/api/v1/tokens", json={"username": u.username, "password": "correct-horse-battery"})
            tokens[u.enterprise_id] = r.get_json()["token"]
    when = utcnow().replace(microsecond=0) - timedelta(hours=6)   # simulated time runs ahead of the wall
    times, total, alarms = [], 0, 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for enterprise_id, rows in sim.readings_at(when).items():
            t0 = time.perf_counter()
            if via == "api":
                r = client.post("/api/v1/monitoring/readings", json={"readings": rows},
                                headers={"Authorization": f"Bearer {tokens[enterprise_id]}"})
                body = r.get_json()
                stored, raised = body["stored"], len(body["alarms_raised"])
            else:
                result = ingest.ingest(enterprise_id, rows, now=when)
                stored, raised = result.counts["stored"], len(result.alarms_raised)
            times.append((time.perf_counter() - t0) * 1000)
            total += stored
            alarms += raised
        when += timedelta(seconds=5)
    elapsed = time.perf_counter() - started
    db.session.remove()
    q = statistics.quantiles(times, n=20)
    return {"readings": total, "seconds": round(elapsed, 1), "readings_per_s": round(total / elapsed),
            "batches": len(times), "batch_p50_ms": round(statistics.median(times), 1), "batch_p95_ms": round(q[18], 1),
            "alarms": alarms}


def _fill(point_id, start, end, step=5):
    """Readings every ``step`` s from ``start`` to ``end`` straight into the table (SQL-generated)."""
    from safety_app.extensions import db
    from safety_app.monitoring import partitions

    months, m = set(), (start.year, start.month)
    while partitions.month_start(*m) < end:
        months.add(m)
        m = partitions.next_month(*m)
    partitions.ensure(months)
    n = int((end - start).total_seconds() // step)
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(
            "INSERT INTO readings (point_id, time, value) SELECT :p, :s + g * make_interval(secs => :step), "
            "40 + 10 * sin(g / 500.0) FROM generate_series(0, :n - 1) g"), {"p": point_id, "s": start, "n": n, "step": step})
    else:
        db.session.execute(text(
            "WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i < :n - 1) "
            "INSERT INTO readings (point_id, time, value) SELECT :p, "
            "strftime('%Y-%m-%d %H:%M:%f000', :s, '+' || (i * :step) || ' seconds'), 40 + (i % 1000) / 100.0 FROM g"),
            {"p": point_id, "s": start.strftime("%Y-%m-%d %H:%M:%S"), "n": n, "step": step})
    db.session.commit()
    return n


def bench_chart_and_retention(days=61):
    from safety_app import charts
    from safety_app.clock import utcnow
    from safety_app.extensions import db
    from safety_app.models import MeasurementPoint
    from safety_app.monitoring import readings, retention

    pts = db.session.execute(text("SELECT id FROM measurement_points ORDER BY id LIMIT 2")).scalars().all()
    now = utcnow().replace(microsecond=0)
    t0 = time.perf_counter()
    rows = sum(_fill(p, now - timedelta(days=days), now) for p in pts)
    fill_s = time.perf_counter() - t0
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE readings"))
    point = db.session.get(MeasurementPoint, pts[0])
    times = []
    for _ in range(21):
        t1 = time.perf_counter()
        series = readings.last_24_hours([point.id], utcnow())
        hours, avgs, lows, highs = series[point.id]
        charts.to_svg(charts.series_chart(hours, avgs, lows=lows, highs=highs, limits=point.limits), "x")
        times.append((time.perf_counter() - t1) * 1000)
    t2 = time.perf_counter()
    counts = retention.run(now)
    retention_s = time.perf_counter() - t2
    return {"rows": rows, "fill_s": round(fill_s, 1), "chart_median_ms": round(statistics.median(times), 1),
            "chart_buckets": len(hours), "retention_s": round(retention_s, 1),
            "retention": {k: (v if not isinstance(v, list) else len(v)) for k, v in counts.items()}}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--via", choices=("api", "core"), default="api")
    parser.add_argument("--skip-ingest", action="store_true")
    args = parser.parse_args()
    url = _database(args.db)
    app = _app(url)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        if not args.skip_ingest:
            print("ingest:", bench_ingest(args.seconds, args.via), flush=True)
        else:
            _setup()
        print("chart and retention:", bench_chart_and_retention(), flush=True)


if __name__ == "__main__":
    main()
