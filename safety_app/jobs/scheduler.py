"""The scheduler: every few seconds the lease holder runs whatever is due, catching up what it missed.

Rather than one timer per job, a single APScheduler tick asks the ledger which
periods are due: the latest period of each job, plus — for a scheduler that
was down — the periods missed since the job's first recorded run (at most
``job.catch_up``), oldest first. Periods already done are skipped, failed
ones are retried with a growing pause. Only the holder of the database lease
runs anything, so any number of schedulers may be started.
"""
import logging
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import delete, func, select

from ..clock import park_tz, to_local, utcnow
from ..extensions import db
from ..models import JobRun
from . import lease, ledger, registry

log = logging.getLogger(__name__)

TICK_SECONDS = 30
LEASE_SECONDS = 120  # several ticks: a busy holder keeps it, a dead one loses it within two minutes
KEEP_FREQUENT_RUNS_DAYS = 7


def latest_period(job, now):
    """The period of ``job``'s most recent slot at or before ``now`` (naive UTC)."""
    return job.period.of_slot(job.schedule.latest_slot(to_local(now)))


def _retry_pause(attempts):
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


def due_periods(job, now):
    """Periods of ``job`` to run at ``now``, oldest first (see the module docstring)."""
    slot = job.schedule.latest_slot(to_local(now))
    window = []
    for _ in range(job.catch_up):
        window.append(job.period.of_slot(slot))
        slot = job.schedule.previous_slot(slot)
    first_key = db.session.scalar(select(func.min(JobRun.period_key)).where(JobRun.job == job.name))
    if first_key is None:
        window = window[:1]  # never ran here: start with the latest period, do not back-fill history
    oldest_key = job.period.key(window[-1])
    rows = {row.period_key: row for row in db.session.execute(
        select(JobRun).where(JobRun.job == job.name, JobRun.period_key >= oldest_key)
    ).scalars()}
    due = []
    for period in reversed(window):
        key = job.period.key(period)
        if first_key is not None and key < first_key and key != job.period.key(window[0]):
            continue
        row = rows.get(key)
        if row is None:
            due.append(period)
        elif row.outcome == ledger.FAILED and (row.finished_at or row.started_at) <= now - _retry_pause(row.attempts):
            due.append(period)
        elif row.outcome == ledger.RUNNING and row.started_at <= now - timedelta(minutes=job.stale_minutes):
            due.append(period)
    return due


def prune(now):
    """Drop successful ledger rows of the every-few-minutes jobs after a week."""
    for name in registry.FREQUENT:
        job = registry.JOBS[name]
        cutoff = job.period.key(job.period.of_slot(to_local(now - timedelta(days=KEEP_FREQUENT_RUNS_DAYS))))
        db.session.execute(delete(JobRun).where(JobRun.job == name, JobRun.period_key < cutoff,
                                                JobRun.outcome == ledger.SUCCESS))
    db.session.commit()


class Scheduler:
    """One scheduler: ``tick()`` once, or ``start()`` an APScheduler BackgroundScheduler that ticks."""

    def __init__(self, app, *, holder=None, tick_seconds=TICK_SECONDS, lease_seconds=LEASE_SECONDS):
        self.app = app
        self.holder = holder or lease.new_holder_id()
        self.tick_seconds = tick_seconds
        self.lease_seconds = lease_seconds
        self.is_leader = False
        self.ticks = 0  # completed ticks (for status and tests)
        self._background = None
        self._last_prune = None

    def tick(self):
        """Run what is due if this scheduler holds the lease; returns the ledger results."""
        with self.app.app_context():
            try:
                return self._tick()
            finally:
                db.session.remove()
                self.ticks += 1

    def _tick(self):
        results = []
        self.is_leader = lease.acquire(self.holder, self.lease_seconds)
        if not self.is_leader:
            return results
        for job in registry.JOBS.values():
            for period in due_periods(job, utcnow()):
                # Renew before each run; a scheduler that lost the lease (e.g. stalled) stops here.
                if not lease.acquire(self.holder, self.lease_seconds):
                    self.is_leader = False
                    return results
                results.append(ledger.run(job.name, period))
        if self._last_prune is None or utcnow() - self._last_prune > timedelta(hours=1):
            prune(utcnow())
            self._last_prune = utcnow()
        return results

    def _safe_tick(self):
        try:
            self.tick()
        except Exception:  # noqa: BLE001 — e.g. the database is briefly unreachable; next tick tries again
            log.exception("scheduler tick failed")

    def start(self):
        """Tick now (catch-up) and every ``tick_seconds`` in a background thread."""
        self._background = BackgroundScheduler(timezone=park_tz())
        self._background.add_job(self._safe_tick, "interval", seconds=self.tick_seconds, id="tick",
                                 next_run_time=datetime.now(park_tz()), coalesce=True, max_instances=1)
        self._background.start()
        log.info("scheduler %s started", self.holder)
        return self

    def shutdown(self):
        """Stop ticking (waiting for a running job) and give the lease up."""
        if self._background is not None:
            if self._background.running:
                self._background.shutdown(wait=True)
            self._background = None
        with self.app.app_context():
            try:
                lease.release(self.holder)
            finally:
                db.session.remove()
        self.is_leader = False
