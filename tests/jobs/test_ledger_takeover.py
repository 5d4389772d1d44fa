"""A run whose process died (SIGKILL) on this host is taken over at once, not after the timeout."""
import subprocess
import sys

from sqlalchemy import select

from safety_app.clock import utcnow
from safety_app.extensions import db
from safety_app.jobs import ledger
from safety_app.models import JobRun


def _dead_pid():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_run_left_running_by_a_dead_process_is_taken_over(app, park):
    row = JobRun(job="due-soon", period_key="2026-11-21", started_at=utcnow(), outcome="running", attempts=1,
                 counts={"runner": f"{ledger.socket.gethostname()}:{_dead_pid()}"}, error="")
    db.session.add(row)
    db.session.commit()
    from datetime import date

    result = ledger.run("due-soon", date(2026, 11, 21))
    assert result.outcome == "success"
    assert db.session.scalar(select(JobRun.attempts).where(JobRun.period_key == "2026-11-21")) == 2


def test_run_held_by_a_live_process_is_busy(app, park):
    import os

    row = JobRun(job="due-soon", period_key="2026-11-22", started_at=utcnow(), outcome="running", attempts=1,
                 counts={"runner": f"{ledger.socket.gethostname()}:{os.getpid()}"}, error="")
    db.session.add(row)
    db.session.commit()
    from datetime import date

    assert ledger.run("due-soon", date(2026, 11, 22)).outcome == "busy"
