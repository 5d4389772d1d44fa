"""Time the document service on a big database (not collected by pytest).

Run on a COPY of the 500-enterprise / 200,000-hazard database:
    cp /tmp/big.db /tmp/yourcopy.db
    .venv/bin/python tests/documents/bench_service.py /tmp/yourcopy.db [2026-10]

Prints the hazards of the month, the park monthly report's wall time and
peak memory (a fresh process each), one enterprise's report, and a notice
issued from the database (warm: the font is registered at start-up).
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def make_app(db_path: str, reports: str):
    from safety_app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "REPORTS_DIR": reports,
                       "SECRET_KEY": "bench", "TESTING": True, "SCHEDULER_ENABLED": False})


def bench_monthly(db_path: str, reports: str, period: str) -> None:
    from sqlalchemy import func, select

    from safety_app.documents import service
    from safety_app.extensions import db
    from safety_app.models import Enterprise, Hazard

    app = make_app(db_path, reports)
    with app.app_context():
        year, month = map(int, period.split("-"))
        found = db.session.scalar(select(func.count(Hazard.id)).where(
            func.strftime("%Y-%m", Hazard.found_on) == period))
        t0, c0 = time.perf_counter(), time.process_time()
        data = service.monthly_data(period)
        gathered = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        document = service.build_monthly_report(period)
        total, cpu = time.perf_counter() - t0, time.process_time() - c0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"park monthly {period}: {found} hazards found in the month, {len(data.clearing)} enterprises, "
              f"{data.overdue_total} overdue ({len(data.overdue_list)} listed), "
              f"{len(data.major_hazards)} major rows; gather {gathered:.2f} s, gather+build+record "
              f"{total:.2f} s wall ({cpu:.2f} s CPU), {document.size / 1e6:.1f} MB, peak RSS {peak:.0f} MB")
        enterprise = db.session.get(Enterprise, 1)
        t0 = time.perf_counter()
        service.build_monthly_report(period, enterprise)
        print(f"enterprise monthly {period}: {time.perf_counter() - t0:.2f} s")
        db.session.rollback()


def bench_notice(db_path: str, reports: str) -> None:
    from sqlalchemy import select

    from safety_app import settings
    from safety_app.documents import service
    from safety_app.extensions import db
    from safety_app.models import Hazard, User

    app = make_app(db_path, reports)
    with app.app_context():
        service.warm_up(app)
        noticed = service.noticed_hazard_ids
        officers = list(db.session.scalars(select(User).where(User.username.in_(("inspector", "inspector2")))))
        if not settings.get("reconsideration_body"):  # the demo leaves the office's remedies to be set
            settings.set_many({"reconsideration_body": "（复议机关）", "litigation_court": "（人民法院）"})
        ids = [i for i in db.session.scalars(select(Hazard.id).where(Hazard.status == "open")
                                              .order_by(Hazard.id.desc()).limit(200)) if not noticed([i])][:21]
        times = []
        for ident in ids:
            db.session.expire_all()
            t0 = time.perf_counter()
            hazard = db.session.get(Hazard, ident)
            document = service.issue_notice([hazard], officers[0], officers=officers)
            times.append(time.perf_counter() - t0)
        print(f"notice from the DB (font registered at start-up): first {times[0] * 1000:.0f} ms, "
              f"median {statistics.median(times[1:]) * 1000:.0f} ms, max {max(times[1:]) * 1000:.0f} ms "
              f"(last {document.number})")


if __name__ == "__main__":
    if sys.argv[1] in ("monthly", "notice"):
        which, db_path, reports, *rest = sys.argv[1:]
        if which == "monthly":
            bench_monthly(db_path, reports, rest[0])
        else:
            bench_notice(db_path, reports)
    else:
        db_path, period = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "2026-10")
        with tempfile.TemporaryDirectory() as tmp:
            for args in (["monthly", db_path, tmp, period], ["notice", db_path, tmp]):
                subprocess.run([sys.executable, __file__, *args], check=True)
