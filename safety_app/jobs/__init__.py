"""Scheduled jobs: overdue alerts, deadline reminders, notices, the monthly report, the outbox.

- ``registry``: the jobs, their schedules (Asia/Shanghai) and functions;
- ``ledger.run(name, period)``: run one job for one period exactly once
  (the ``job_runs`` ledger, claimed atomically);
- ``scheduler.Scheduler``: ticks, holds the database lease, runs what is
  due and catches up what it missed;
- ``alerts``, ``notices``, ``reports``, ``outbox``: the jobs themselves.
"""
import atexit
import logging
import os

log = logging.getLogger(__name__)


def _serving_here():
    """False for CLI commands other than ``flask run`` (and for the reloader's watcher process)."""
    import click

    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return True  # a WSGI server (gunicorn, ...) importing the app
    if ctx.info_name != "run":
        return False
    return not ctx.params.get("reload") or os.environ.get("WERKZEUG_RUN_MAIN") == "true"


def init_app(app):
    """Start an in-process scheduler when ``SCHEDULER_ENABLED`` (the development server of ./run.sh).

    In production run one ``flask scheduler run`` instead; extra schedulers are
    harmless (the lease lets one run jobs) but need not be started.
    """
    app.extensions["scheduler"] = None
    if not app.config.get("SCHEDULER_ENABLED") or not _serving_here():
        return
    from .scheduler import Scheduler

    scheduler = Scheduler(app).start()
    app.extensions["scheduler"] = scheduler
    atexit.register(scheduler.shutdown)
