"""flask jobs list / run and flask scheduler run."""
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from safety_app.clock import utcnow
from safety_app.extensions import db
from safety_app.models import JobRun, SchedulerLease

from .conftest import filed_before, notified

ROOT = Path(__file__).resolve().parents[2]


def test_jobs_list_shows_every_job_with_schedule_last_and_next_run(runner, app, at):
    at("2026-11-21 09:00")
    runner.invoke(args=["jobs", "run", "overdue-scan"])
    output = runner.invoke(args=["jobs", "list"]).output
    for name in ("overdue-scan", "due-soon", "notices", "monthly-report", "outbox"):
        assert name in output
    scan_line = next(line for line in output.splitlines() if line.startswith("overdue-scan"))
    assert "daily 08:00" in scan_line and "next 2026-11-22 08:00" in scan_line
    assert "last 2026-11-21 success at 2026-11-21 09:00" in scan_line
    assert "next 2026-12-01 06:00" in output and "last never" in output


def test_jobs_run_for_a_given_day(runner, park, at):
    at("2026-11-10 10:00")
    filed_before(park, date(2026, 11, 20))
    at("2026-11-29 09:00")
    result = runner.invoke(args=["jobs", "run", "overdue-scan", "--today", "2026-11-21"])
    assert result.exit_code == 0, result.output
    assert "overdue-scan 2026-11-21: done: hazards=1" in result.output
    assert len(notified(kind="overdue")) == 2


def test_jobs_run_twice_for_the_same_day_says_it_is_done(runner, app, at):
    at("2026-11-21 09:00")
    runner.invoke(args=["jobs", "run", "due-soon", "--today", "2026-11-21"])
    again = runner.invoke(args=["jobs", "run", "due-soon", "--today", "2026-11-21"])
    assert again.exit_code == 0 and "already done" in again.output


def test_jobs_run_monthly_report_defaults_to_last_month(runner, app, at):
    at("2026-12-03 09:00")
    result = runner.invoke(args=["jobs", "run", "monthly-report"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(JobRun.period_key).where(JobRun.job == "monthly-report")) == "2026-11"


def test_jobs_run_refuses_an_unknown_job_and_a_bad_month(runner, app):
    unknown = runner.invoke(args=["jobs", "run", "overdue"])
    assert unknown.exit_code == 2 and "unknown job" in unknown.output
    bad = runner.invoke(args=["jobs", "run", "monthly-report", "--month", "2026-13"])
    assert bad.exit_code == 2 and "YYYY-MM" in bad.output
    misplaced = runner.invoke(args=["jobs", "run", "overdue-scan", "--month", "2026-10"])
    assert misplaced.exit_code == 2


def test_a_failed_job_run_exits_non_zero(runner, app, monkeypatch):
    from dataclasses import replace

    from safety_app.jobs.registry import JOBS

    def broken(period, now):
        raise RuntimeError("SMTP settings unreadable")

    monkeypatch.setitem(JOBS, "outbox", replace(JOBS["outbox"], run=broken))
    result = runner.invoke(args=["jobs", "run", "outbox"])
    assert result.exit_code == 1 and "FAILED: RuntimeError: SMTP settings unreadable" in result.output


def test_flask_scheduler_run_takes_the_lease_and_releases_it_on_sigterm(app, tmp_path):
    env = {**os.environ, "FLASK_APP": "wsgi:app", "APP_ENV": "development",
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REPORTS_DIR": str(tmp_path / "reports"),
           "UPLOAD_DIR": str(tmp_path / "uploads"), "SCHEDULER_ENABLED": "0"}
    process = subprocess.Popen([str(Path(sys.executable).with_name("flask")), "scheduler", "run", "--tick", "1"],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        holder = None
        while time.monotonic() < deadline and holder is None:
            db.session.expire_all()
            lease = db.session.get(SchedulerLease, "scheduler")
            holder = lease.holder if lease is not None and lease.expires_at > utcnow() else None
            db.session.rollback()
            time.sleep(0.2)
        assert holder is not None and f":{process.pid}:" in holder
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert "scheduler stopped" in output
    db.session.expire_all()
    assert db.session.get(SchedulerLease, "scheduler").expires_at < utcnow()
