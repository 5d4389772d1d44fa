"""``flask jobs list|run`` and ``flask scheduler run|status``."""
import signal
import threading
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from .. import clock
from ..jobs.schedule import slot_of_day

jobs_group = AppGroup("jobs", help="Scheduled jobs: list them, run one by hand for any day.")
scheduler_group = AppGroup("scheduler", help="The job scheduler (one process runs jobs at a time).")


@jobs_group.command("list")
def list_jobs():
    """Jobs with their schedule (park time), last run and next run."""
    from ..jobs import ledger, registry
    from ..jobs.schedule import next_slot

    now = clock.local_now()
    for job in registry.JOBS.values():
        last = ledger.last_run(job.name)
        if last is None:
            last_text = "never"
        else:
            when = clock.to_local(last.finished_at or last.started_at).strftime("%Y-%m-%d %H:%M")
            last_text = f"{last.period_key} {last.outcome} at {when}"
            if last.counts:
                last_text += " " + ", ".join(f"{k}={v}" for k, v in last.counts.items())
        click.echo(f"{job.name:<15} {job.schedule.describe():<24} next {next_slot(job.schedule, now):%Y-%m-%d %H:%M}"
                   f"   last {last_text}")
        click.echo(f"{'':<15} {job.description}")


def _period(job, today, month):
    if month and job.period.name != "month":
        raise click.UsageError("--month applies to monthly-report only")
    if job.period.name == "day":
        return today or clock.today()
    if job.period.name == "due":  # the due date whose reminder window is open on that day
        return job.period.of_slot(slot_of_day(today or clock.today(), clock.park_tz()))
    if job.period.name == "month":
        if month:
            try:
                date.fromisoformat(f"{month}-01")
            except ValueError:
                raise click.BadParameter("give the month as YYYY-MM", param_hint="--month") from None
            return month
        day = today or clock.today()
        year, mon = (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)
        return f"{year:04d}-{mon:02d}"
    return job.schedule.latest_slot(clock.local_now())


@jobs_group.command("run")
@click.argument("name")
@click.option("--today", "today_value", type=click.DateTime(["%Y-%m-%d"]),
              help="The park day to run a daily job for (default: today, Asia/Shanghai).")
@click.option("--month", help="YYYY-MM for monthly-report (default: the month before --today).")
@click.option("--force", is_flag=True, help="Run again even if this period already succeeded "
              "(still sends nothing twice).")
def run_job(name, today_value, month, force):
    """Run job NAME once for a period; a period already done is skipped."""
    from ..jobs import ledger, registry

    try:
        job = registry.get(name)
    except LookupError as exc:
        raise click.BadParameter(str(exc), param_hint="NAME") from None
    period = _period(job, today_value.date() if today_value else None, month)
    result = ledger.run(job.name, period, force=force)
    details = ", ".join(f"{k}={v}" for k, v in result.counts.items())
    message = {"success": f"done: {details}" if details else "done",
               "skipped": "already done for this period (use --force to run again)",
               "busy": "another runner is running it right now",
               "failed": f"FAILED: {result.error}"}[result.outcome]
    click.echo(f"{job.name} {result.period_key}: {message}")
    if result.outcome == "failed":
        raise SystemExit(1)


@scheduler_group.command("run")
@click.option("--tick", default=30, show_default=True, type=click.IntRange(1, 3600), help="Seconds between checks.")
def run_scheduler(tick):
    """Run the scheduler in the foreground (production: one beside gunicorn); stops on SIGTERM/SIGINT."""
    from ..jobs.scheduler import Scheduler

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_args: stop.set())
    scheduler = Scheduler(current_app._get_current_object(), tick_seconds=tick).start()
    click.echo(f"scheduler {scheduler.holder} started (tick {tick}s); jobs run while it holds the lease")
    while not stop.wait(1):
        pass
    click.echo("stopping: waiting for a running job, then releasing the lease")
    scheduler.shutdown()
    click.echo("scheduler stopped")


@scheduler_group.command("status")
def scheduler_status():
    """Who holds the scheduler lease, and until when."""
    from ..jobs import lease

    row = lease.current()
    if row is None or row.expires_at < clock.utcnow():
        click.echo("no scheduler holds the lease")
    else:
        click.echo(f"held by {row.holder} until {clock.to_local(row.expires_at):%Y-%m-%d %H:%M:%S}")


COMMANDS = [jobs_group, scheduler_group]
