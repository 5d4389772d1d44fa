"""One bad row never stops a job: process rows one by one, record a failing row with its error, carry on.

``attempt(job, period, item, work)`` runs ``work()`` for one item in its own
transaction: a success commits (and clears an earlier failure
of the same item); an exception rolls the item back, is recorded in
``job_failures`` (one record per job and item, counting occurrences) and the
loop goes on. A database that went away (``TRANSIENT``) is no bad row: it fails
the whole run, which the ledger retries. The admin's jobs page lists the records.
"""
import logging
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy import exc as sa_exc

from ..clock import utcnow
from ..extensions import db
from ..models import JobFailure

log = logging.getLogger(__name__)

# Not a bad row but a sick system (the database went away, a pool timeout): the whole run fails
# and the ledger runs it again later, as for any failed run.
TRANSIENT = (ConnectionError, sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)

ERROR_CHARS = 2000
ITEM_CHARS = 100


def period_key(period):
    """The ledger's key of a job period: a date, a 'YYYY-MM' month or a slot datetime."""
    if isinstance(period, datetime):
        return period.strftime("%Y-%m-%dT%H:%M")
    if isinstance(period, date):
        return period.isoformat()
    return str(period)[:30]


def describe(exc):
    """A one-paragraph description of an exception for the admin (the traceback goes to the log)."""
    return f"{type(exc).__name__}: {exc}"[:ERROR_CHARS]


def item_name(kind, *ids):
    """``'hazards:3,4,9'``, shortened to fit the column."""
    name = f"{kind}:{','.join(str(i) for i in ids)}"
    return name if len(name) <= ITEM_CHARS else name[:ITEM_CHARS - 1] + "…"


def record(job, item, period, exc):
    """Record that ``item`` failed in ``job`` for ``period`` (after the caller rolled back); commits."""
    now = utcnow()
    row = db.session.execute(select(JobFailure).where(JobFailure.job == job, JobFailure.item == item)).scalar_one_or_none()
    if row is None:
        db.session.add(JobFailure(job=job, item=item, period_key=period_key(period), error=describe(exc),
                                  occurrences=1, first_failed_at=now, last_failed_at=now))
    else:
        row.period_key, row.error, row.last_failed_at = period_key(period), describe(exc), now
        row.occurrences += 1
    db.session.commit()


def clear(job, item):
    """Forget an earlier failure of ``item`` (it succeeded); in the caller's transaction."""
    db.session.execute(delete(JobFailure).where(JobFailure.job == job, JobFailure.item == item))


def failing_items(job):
    """Items of ``job`` that currently have a failure record."""
    return set(db.session.scalars(select(JobFailure.item).where(JobFailure.job == job)))


def attempt(job, period, item, work):
    """Run ``work()`` for one item; True when it succeeded (committed), False when it failed (recorded)."""
    try:
        work()
        clear(job, item)
        db.session.commit()
    except TRANSIENT:
        db.session.rollback()
        raise
    except Exception as exc:  # noqa: BLE001 — one bad row is recorded; the job goes on with the rest
        db.session.rollback()
        log.exception("job %s: %s failed", job, item)
        record(job, item, period, exc)
        return False
    return True
