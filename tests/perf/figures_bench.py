"""Time the figures computed as of a day on an existing database (no budget: prints the numbers).

    DATABASE_URL=sqlite:////tmp/figures-bench.db .venv/bin/python -m tests.perf.figures_bench

Fill the database first with ``flask db upgrade`` and ``flask demo seed --enterprises N --hazards M``.
Each line: what was computed, median and worst of the runs in milliseconds.
"""
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def timed(fn, runs=5):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def main():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("APP_ENV", "development")
    from sqlalchemy import func, select

    from safety_app import clock, create_app, dashboard
    from safety_app.documents import service
    from safety_app.extensions import db
    from safety_app.figures import history
    from safety_app.figures.statistics import statistics_table
    from safety_app.models import Event, Hazard, User

    tmp = Path(tempfile.mkdtemp())
    app = create_app({"SQLALCHEMY_DATABASE_URI": os.environ["DATABASE_URL"], "SCHEDULER_ENABLED": False,
                      "REPORTS_DIR": str(tmp / "reports"), "UPLOAD_DIR": str(tmp / "uploads")})
    with app.app_context():
        today = clock.today()
        last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        old_month = (today.replace(day=1) - timedelta(days=200)).strftime("%Y-%m")
        quarter = f"{today.year}Q{(today.month - 1) // 3}" if today.month > 3 else f"{today.year - 1}Q4"
        admin = db.session.scalar(select(User).where(User.role == "admin"))
        print(f"{db.engine.dialect.name}: {db.session.scalar(select(func.count(Hazard.id)))} hazards, "
              f"{db.session.scalar(select(func.count(Event.id)))} events, today {today}")

        def as_of_count(day):
            sub = history.hazards_as_of(day)
            return db.session.scalar(select(func.count()).select_from(sub).where(sub.c.status != "withdrawn"))

        cases = [
            (f"hazards as of {today - timedelta(days=32)} (count)", lambda: as_of_count(today - timedelta(days=32))),
            (f"monthly_data {last_month} (closed month)", lambda: service.monthly_data(last_month)),
            (f"monthly_data {old_month} (closed, ~7 months ago)", lambda: service.monthly_data(old_month)),
            (f"monthly_data {today:%Y-%m} (current)", lambda: service.monthly_data(f"{today:%Y-%m}")),
            (f"statistics_table quarterly {quarter}", lambda: statistics_table("quarterly", quarter)),
            (f"statistics_table annual {today.year} (current)", lambda: statistics_table("annual", str(today.year))),
            ("dashboard.figures (park, not cached)", lambda: (dashboard.clear_cache(), dashboard.figures(admin))),
        ]
        for name, fn in cases:
            median, worst = timed(fn, runs=3)
            print(f"  {name:55s} median {median:8.0f} ms   worst {worst:8.0f} ms")
        db.session.rollback()


if __name__ == "__main__":
    main()
