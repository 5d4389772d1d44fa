"""The scheduler lease: a row in ``scheduler_leases`` that only one process holds at a time.

Taking or renewing it is one conditional UPDATE (``holder = me OR expired``),
atomic on SQLite and PostgreSQL alike, so several web workers or machines may
each start a scheduler and only one runs jobs. When the holder dies, its
lease expires and another scheduler takes over.
"""
import os
import socket
import uuid
from datetime import timedelta

from sqlalchemy import or_, update

from ..clock import utcnow
from ..extensions import db
from ..models import SchedulerLease
from ..sequences import insert_ignore

NAME = "scheduler"


def new_holder_id():
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire(holder, ttl_seconds, name=NAME):
    """Take or renew the lease for ``ttl_seconds``; True when ``holder`` has it. Commits."""
    now = utcnow()
    expires = now + timedelta(seconds=ttl_seconds)
    try:
        db.session.execute(insert_ignore(SchedulerLease, {"name": name, "holder": holder, "expires_at": expires},
                                         ["name"]))
        won = db.session.execute(
            update(SchedulerLease)
            .where(SchedulerLease.name == name,
                   or_(SchedulerLease.holder == holder, SchedulerLease.expires_at < now))
            .values(holder=holder, expires_at=expires)
        ).rowcount
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return won == 1


def release(holder, name=NAME):
    """Give the lease up at once (clean shutdown) so another scheduler need not wait for expiry."""
    db.session.execute(
        update(SchedulerLease).where(SchedulerLease.name == name, SchedulerLease.holder == holder)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()


def current(name=NAME):
    return db.session.get(SchedulerLease, name)
