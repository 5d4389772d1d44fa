"""The job-run ledger: one ``job_runs`` row per job and period, claimed atomically.

``run(job, period)`` is the one way a job is run (scheduler and CLI alike):

1. claim the (job, period) row: INSERT ... ON CONFLICT DO NOTHING, or, for a
   row that failed or whose runner died (``running`` for too long), a
   compare-and-set UPDATE — two runners racing for the same period: one wins,
   the other is told ``busy``;
2. a period that already succeeded is ``skipped`` (unless forced);
3. run the job function, then record success with its counts, or failure
   with the error. A rerun after a failure is safe because every write of a
   job carries an idempotency key.
"""
import logging
import os
import socket
import traceback
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select, update

from ..clock import utcnow
from ..extensions import db
from ..models import JobOutcome, JobRun
from ..sequences import insert_ignore
from . import registry

log = logging.getLogger(__name__)

SUCCESS, FAILED, RUNNING = JobOutcome.SUCCESS.value, JobOutcome.FAILED.value, JobOutcome.RUNNING.value


@dataclass
class Result:
    job: str
    period_key: str
    outcome: str  # success | failed | skipped (already done) | busy (another runner has it)
    counts: dict = field(default_factory=dict)
    error: str = ""


def _runner():
    """Who runs a job: host and process, so a run whose process died on this host is taken over at once."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _runner_is_dead(row):
    """True when the row's runner was a process on this host that no longer exists."""
    host, _, pid = str((row.counts or {}).get("runner", "")).rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine: wait for the lease-like staleness timeout
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _claim(job, key, now, force):
    """Return 'claimed', 'done' or 'busy'. Commits."""
    inserted = db.session.execute(insert_ignore(JobRun, {
        "job": job.name, "period_key": key, "started_at": now, "outcome": RUNNING, "attempts": 1,
        "counts": {"runner": _runner()}, "error": "",
    }, ["job", "period_key"]).returning(JobRun.id)).scalar_one_or_none()
    db.session.commit()
    if inserted is not None:
        return "claimed"
    row = db.session.execute(select(JobRun).where(JobRun.job == job.name, JobRun.period_key == key)).scalar_one()
    if row.outcome == SUCCESS and not force:
        return "done"
    if (row.outcome == RUNNING and row.started_at > utcnow() - timedelta(minutes=job.stale_minutes)
            and not _runner_is_dead(row)):
        return "busy"
    # Compare-and-set on what we just read: only one of several racing runners gets the row.
    won = db.session.execute(
        update(JobRun)
        .where(JobRun.id == row.id, JobRun.outcome == row.outcome, JobRun.attempts == row.attempts)
        .values(outcome=RUNNING, started_at=now, finished_at=None, attempts=JobRun.attempts + 1, error="",
                counts={"runner": _runner()})
    ).rowcount
    db.session.commit()
    return "claimed" if won == 1 else "busy"


def _finish(job, key, outcome, counts=None, error=""):
    db.session.execute(
        update(JobRun).where(JobRun.job == job.name, JobRun.period_key == key)
        .values(outcome=outcome, finished_at=utcnow(), counts=counts or {}, error=error[:4000])
    )
    db.session.commit()


def run(name, period=None, *, now=None, force=False):
    """Run job ``name`` for ``period`` (default: its latest due period) once; returns a Result."""
    job = registry.get(name)
    now = now or utcnow()
    if period is None:
        from .scheduler import latest_period

        period = latest_period(job, now)
    key = job.period.key(period)
    state = _claim(job, key, now, force)
    if state == "done":
        return Result(name, key, "skipped")
    if state == "busy":
        return Result(name, key, "busy")
    try:
        counts = job.run(period, now) or {}
    except Exception as exc:  # noqa: BLE001 — any failure is recorded, the next run retries
        db.session.rollback()
        error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=8)}"
        log.exception("job %s for %s failed", name, key)
        _finish(job, key, FAILED, error=error)
        return Result(name, key, "failed", error=f"{type(exc).__name__}: {exc}")
    db.session.commit()
    _finish(job, key, SUCCESS, counts)
    log.info("job %s for %s: %s", name, key, counts)
    return Result(name, key, "success", counts)


def last_run(name):
    """The most recent ledger row of job ``name`` (for ``flask jobs list``), or None."""
    return db.session.execute(
        select(JobRun).where(JobRun.job == name).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(1)
    ).scalar_one_or_none()
