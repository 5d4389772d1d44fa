"""Measure the overdue scan over 200,000 hazards with about 2,000 newly overdue (SQLite).

    .venv/bin/python tests/perf/overdue_scan.py [--db /tmp/big.db] [--newly 2000] [--day 2026-12-10]

Copies the big demo database (never modifies it; when it does not exist, one
is made with ``flask demo seed --enterprises 500 --hazards 200000``), moves
the deadlines of ``--newly`` open hazards to the day before ``--day`` (and
the open hazards already due that day one day earlier, so exactly that many
become newly overdue), then times ``overdue-scan`` for ``--day`` through the
job ledger, and once more with ``--force`` (the idempotent rerun). The bar:
under 3 s.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT_SECONDS = 3.0


def ensure_source(path):
    if path.exists():
        return path
    env = {**os.environ, "FLASK_APP": "wsgi:app", "APP_ENV": "development", "DATABASE_URL": f"sqlite:///{path}"}
    flask = str(Path(sys.executable).with_name("flask"))
    subprocess.run([flask, "db", "upgrade"], cwd=ROOT, env=env, check=True)
    subprocess.run([flask, "demo", "seed", "--enterprises", "500", "--hazards", "200000"], cwd=ROOT, env=env,
                   check=True)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="/tmp/big.db")
    parser.add_argument("--newly", type=int, default=2000)
    parser.add_argument("--day", type=date.fromisoformat, default=None,
                        help="the scan's day (default: 11 days after the newest hazard's found_on)")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("APP_ENV", "development")
    from sqlalchemy import func, select, text

    from safety_app import create_app
    from safety_app.extensions import db
    from safety_app.jobs import alerts, ledger
    from safety_app.models import Hazard, Notification, OutboxMessage

    source = ensure_source(Path(args.db))
    tmp = Path(tempfile.mkdtemp(prefix="overdue-perf-"))
    copy = tmp / "big.db"
    shutil.copyfile(source, copy)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{copy}", "REPORTS_DIR": str(tmp / "reports"),
                      "UPLOAD_DIR": str(tmp / "uploads"), "SCHEDULER_ENABLED": False,
                      "PUBLIC_BASE_URL": "http://park.example"})
    with app.app_context():
        total = db.session.scalar(select(func.count(Hazard.id)))
        day = args.day or (db.session.scalar(select(func.max(Hazard.found_on))) + timedelta(days=11))
        yesterday = day - timedelta(days=1)
        open_statuses = alerts.OPEN_STATUSES
        # Open hazards already due yesterday became overdue a day earlier; then exactly --newly become due.
        db.session.execute(text(
            "UPDATE hazards SET deadline = :before WHERE deadline = :yesterday AND status IN "
            f"({', '.join(repr(s) for s in open_statuses)})"), {"before": yesterday - timedelta(days=1),
                                                                 "yesterday": yesterday})
        ids = db.session.scalars(
            select(Hazard.id).where(Hazard.status.in_(open_statuses), Hazard.deadline >= day)
            .order_by(Hazard.id).limit(args.newly)).all()
        db.session.execute(text(f"UPDATE hazards SET deadline = :d WHERE id IN ({', '.join(map(str, ids))})"),
                           {"d": yesterday})
        db.session.commit()
        overdue_total = db.session.scalar(select(func.count(Hazard.id)).where(
            Hazard.status.in_(open_statuses), Hazard.deadline < day))
        db.session.remove()
        db.engine.dispose()

    with app.app_context():
        started = time.perf_counter()
        result = ledger.run("overdue-scan", day)
        first = time.perf_counter() - started
        started = time.perf_counter()
        again = ledger.run("overdue-scan", day, force=True)
        rerun = time.perf_counter() - started
        report = {
            "hazards": total, "overdue_on_day": overdue_total, "newly_overdue": len(ids), "day": day.isoformat(),
            "outcome": result.outcome, "counts": result.counts, "seconds": round(first, 2),
            "rerun_counts": again.counts, "rerun_seconds": round(rerun, 2),
            "notifications": db.session.scalar(select(func.count(Notification.id))),
            "outbox": db.session.scalar(select(func.count(OutboxMessage.id))),
            "limit_seconds": LIMIT_SECONDS, "ok": result.outcome == "success" and first < LIMIT_SECONDS,
        }
    shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
