"""Monitoring benchmarks (a script, not a test):

    .venv/bin/python -m tests.perf.monitoring_bench --db sqlite|postgresql [--duration 300]
        [--pace offered|max] [--via api|core] [--skip-ingest] [--days 61]

1. ingest with alarm evaluation: 20 enterprises × 25 installations × 20 points (10,000 points =
   500 installations × 20 points), one 500-reading batch per enterprise and tick (the simulator's
   values, with excursions and gaps), for ``--duration`` seconds. ``--pace offered`` (default)
   sends each tick's 20 batches every 5 s of wall clock — 2,000 readings/s offered, as the park's
   gateways would — and catches up at once when behind; ``--pace max`` sends as fast as it goes
   (the capacity). Reports readings/s achieved, p50/p95/max ms per batch and how far the sender
   fell behind (targets: ≥ 2,000/s on PostgreSQL sustained 5 minutes, ≥ 500/s on SQLite,
   p95 ≤ 200 ms);
2. a point's 24-hour chart (query + SVG) with ``--days`` (61) days of 5-second readings stored for
   two points of their own, and the retention job run once before (so the older part of the data
   is in the hourly aggregates, as in service): median ms (target ≤ 100 ms);
3. the retention job over that data (aggregates and removes the part older than 30 days; ≤ 60 s).

Data lives in /tmp/monitoring-bench.db or the PostgreSQL database of ``MONITORING_BENCH_URL``
(default ``hm_perf``; never ``test`` or ``bench``), rebuilt on each run.
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


TICK = 5.0  # seconds between a gateway's batches


def bench_ingest(seconds, via, pace="offered"):
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
    times, total, alarms, offered, ticks, worst_lag = [], 0, 0, 0, 0, 0.0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if pace == "offered":
            due = started + ticks * TICK
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            worst_lag = max(worst_lag, -wait)
        ticks += 1
        for enterprise_id, rows in sim.readings_at(when).items():
            offered += len(rows)
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
    if pace == "offered":  # the last tick's interval is part of the run
        elapsed = max(elapsed, ticks * TICK)
    db.session.remove()
    q = statistics.quantiles(times, n=20)
    return {"pace": pace, "via": via, "seconds": round(elapsed, 1), "offered": offered, "stored": total,
            "offered_per_s": round(offered / elapsed), "readings_per_s": round(total / elapsed),
            "batches": len(times), "batch_p50_ms": round(statistics.median(times), 1),
            "batch_p95_ms": round(q[18], 1), "batch_max_ms": round(max(times), 1),
            "worst_lag_s": round(worst_lag, 2), "alarms": alarms}


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


def _chart_points():
    """Two points of their own (an installation the ingest run does not feed)."""
    from safety_app.extensions import db
    from safety_app.models import Installation
    from safety_app.monitoring import simulate

    enterprise_id = db.session.execute(text("SELECT min(id) FROM enterprises")).scalar()
    inst = Installation(enterprise_id=enterprise_id, code="B-CHART", name="基准曲线单元", kind="storage", location="")
    db.session.add(inst)
    db.session.commit()
    return simulate.ensure_points([inst], 2)


def _chart_times(point, end, runs=21):
    from safety_app import charts
    from safety_app.monitoring import readings

    times = []
    for _ in range(runs):
        t1 = time.perf_counter()
        series = readings.last_24_hours([point.id], end)
        hours, avgs, lows, highs = series[point.id]
        charts.to_svg(charts.series_chart(hours, avgs, lows=lows, highs=highs, limits=point.limits), "x")
        times.append((time.perf_counter() - t1) * 1000)
    return statistics.median(times), len(hours)


def bench_chart_and_retention(days=61):
    from safety_app.clock import utcnow
    from safety_app.extensions import db
    from safety_app.monitoring import retention

    pts = _chart_points()
    now = utcnow().replace(microsecond=0)
    t0 = time.perf_counter()
    rows = sum(_fill(p.id, now - timedelta(days=days), now) for p in pts)
    fill_s = time.perf_counter() - t0
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE readings"))
    t2 = time.perf_counter()
    counts = retention.run(now)
    retention_s = time.perf_counter() - t2
    if db.session.get_bind().dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE readings"))
            conn.execute(text("ANALYZE reading_hours"))
    chart_ms, buckets = _chart_times(pts[0], utcnow())
    return {"rows": rows, "fill_s": round(fill_s, 1), "chart_median_ms": round(chart_ms, 1),
            "chart_buckets": buckets, "retention_s": round(retention_s, 1),
            "retention": {k: (v if not isinstance(v, list) else len(v)) for k, v in counts.items()}}


def _table(db_kind, ingest, chart):
    """The results as a plain table (budgets from issue 15)."""
    lines = [f"monitoring benchmark — {db_kind}", f"{'measure':<44}{'result':>14}  budget"]

    def row(name, value, budget=""):
        lines.append(f"{name:<44}{value:>14}  {budget}")

    if ingest:
        row(f"ingest readings/s ({ingest['pace']}, via {ingest['via']}, {ingest['seconds']} s)",
            ingest["readings_per_s"], "≥ 2,000/s" if db_kind == "postgresql" else "≥ 500/s")
        row("  offered readings/s", ingest["offered_per_s"])
        row("  batch p50 ms (500 readings)", ingest["batch_p50_ms"])
        row("  batch p95 ms", ingest["batch_p95_ms"], "≤ 200 ms")
        row("  batch max ms", ingest["batch_max_ms"])
        row("  worst lag behind the 5 s ticks, s", ingest["worst_lag_s"])
        row("  batches / alarms raised", f"{ingest['batches']} / {ingest['alarms']}")
    if chart:
        row("24-hour chart median ms", chart["chart_median_ms"], "≤ 100 ms")
        row(f"retention s ({chart['rows']:,} readings)", chart["retention_s"], "≤ 60 s")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--duration", "--seconds", dest="duration", type=float, default=300,
                        help="seconds of ingest (default 300: the 5-minute budget)")
    parser.add_argument("--pace", choices=("offered", "max"), default="offered",
                        help="offered: 20 batches every 5 s (2,000 readings/s); max: as fast as it goes")
    parser.add_argument("--via", choices=("api", "core"), default="api")
    parser.add_argument("--days", type=int, default=61, help="days of readings for the chart and retention")
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-chart", action="store_true")
    args = parser.parse_args()
    url = _database(args.db)
    app = _app(url)
    with app.app_context():
        import logging

        from flask_migrate import upgrade

        upgrade()
        logging.disable(logging.INFO)
        ingest = chart = None
        if not args.skip_ingest:
            ingest = bench_ingest(args.duration, args.via, args.pace)
            print("ingest:", ingest, flush=True)
        else:
            _setup()
        if not args.skip_chart:
            chart = bench_chart_and_retention(args.days)
            print("chart and retention:", chart, flush=True)
        print(_table(args.db, ingest, chart), flush=True)


if __name__ == "__main__":
    main()
