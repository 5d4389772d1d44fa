"""The scheduled jobs: name, schedule (park time), what a period is, and the function that does the work.

A job function is ``run(period, now) -> dict of counts``: ``period`` is a
date (daily jobs), ``'YYYY-MM'`` (the monthly report), a due date of the
statistics table (``statistics-reminder``) or the slot's datetime (frequent jobs); ``now`` is naive UTC. The function selects with
set-based queries and acts through the cores, writing with idempotency keys,
so running it again for the same period adds nothing.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from .. import duties, plans
from ..monitoring import loop as monitoring_loop
from ..monitoring import retention as monitoring_retention
from . import alerts, installations, maintenance, notices, outbox, reports, statistics_reminders
from .schedule import Daily, Every, Monthly


@dataclass(frozen=True)
class PeriodKind:
    name: str  # 'day' | 'month' | 'due' | 'slot'

    def of_slot(self, slot):
        if self.name == "day":
            return slot.date()
        if self.name == "due":  # the statistics table's due date whose reminder window is open
            return statistics_reminders.due_date_for(slot.date())
        if self.name == "month":  # the report made on the 1st is about the month before
            year, month = (slot.year - 1, 12) if slot.month == 1 else (slot.year, slot.month - 1)
            return f"{year:04d}-{month:02d}"
        return slot

    def key(self, period):
        if self.name in ("day", "due"):
            return period.isoformat()
        if self.name == "month":
            return period
        return period.strftime("%Y-%m-%dT%H:%M")

    def parse(self, key, tz):
        if self.name in ("day", "due"):
            return date.fromisoformat(key)
        if self.name == "month":
            return key
        return datetime.strptime(key, "%Y-%m-%dT%H:%M").replace(tzinfo=tz)


DAY, MONTH, DUE, SLOT = PeriodKind("day"), PeriodKind("month"), PeriodKind("due"), PeriodKind("slot")


@dataclass(frozen=True)
class Job:
    name: str
    schedule: object
    period: PeriodKind
    run: Callable
    # How many missed periods a scheduler that was down runs when it starts (newest first, then in order).
    catch_up: int
    description: str
    stale_minutes: int = 30  # a 'running' row older than this died with its process: run again


JOBS = {job.name: job for job in (
    Job("overdue-scan", Daily(8), DAY, alerts.overdue_scan, catch_up=31,
        description="Alert hazards that became overdue; escalate to admins"),
    Job("due-soon", Daily(8), DAY, alerts.due_soon, catch_up=31,
        description="Remind enterprises of deadlines in N days"),
    Job("notices", Every(15), SLOT, notices.remind_pending_notices, catch_up=1,
        description="Remind inspectors of new hazards without a rectification notice (never issues one)"),
    Job("monthly-report", Monthly(1, 6), MONTH, reports.monthly_report, catch_up=12,
        description="Build last month's park report and one per enterprise"),
    Job("statistics-reminder", Daily(9), DUE, statistics_reminders.remind, catch_up=7,
        description="Remind enterprises and the office N days before a statistics table is due"),
    Job("outbox", Every(1), SLOT, outbox.deliver, catch_up=1, stale_minutes=10,
        description="Deliver pending e-mails and webhook messages with back-off"),
    Job("installation-assessments", Daily(8), DAY, installations.assessment_reminders, catch_up=31,
        description="Remind of major hazard installation assessments due in 60 and 30 days; alert overdue"),
    Job("duty-tasks", Daily(7), DAY, duties.run_job, catch_up=31,
        description="Create each period's 包保 duty tasks, remind before due, mark missed ones"),
    Job("plan-tasks", Daily(7), DAY, plans.run_job, catch_up=31,
        description="Create each period's plan inspection tasks, remind before the period ends, flag missed ones"),
    Job("monitoring-data-loss", Every(1), SLOT, monitoring_loop.data_loss_job, catch_up=1, stale_minutes=10,
        description="Raise a data-loss alarm for measurement points silent for their N minutes (once per silence)"),
    Job("monitoring-retention", Daily(3), DAY, monitoring_retention.retention_job, catch_up=3, stale_minutes=120,
        description="Aggregate readings by hour; remove raw readings after 30 days, aggregates after 3 years"),
    Job("planner-statistics", Daily(3, 30), DAY, maintenance.refresh_statistics, catch_up=1,
        description="Refresh the query planner's statistics (SQLite ANALYZE; PostgreSQL's autovacuum does it)"),
)}

# Ledger rows of these jobs pile up quickly (one per slot); old successful ones are pruned.
FREQUENT = frozenset({"notices", "outbox", "monitoring-data-loss"})


def get(name):
    try:
        return JOBS[name]
    except KeyError:
        raise LookupError(f"unknown job {name!r}; known: {', '.join(JOBS)}") from None
