"""Independent read-only figure queries run at once, each on its own database connection.

The park dashboard's figures are a dozen aggregate queries over the hazards. Run one after the
other they took about 140 ms at 200,000 hazards on SQLite; SQLite (in WAL mode) and PostgreSQL
both serve several readers at once, and the driver lets other threads run while a query
executes, so the groups of queries run side by side on the machine's cores.

Each group runs in its own application context, so it has its own session and connection and
sees the committed data (what every other request sees). A group must not write, nor touch ORM
objects of the caller's session: ``Viewer`` is the plain snapshot of a user it scopes by.
"""
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from flask import current_app, has_app_context

from ..extensions import db
from ..models import Role
from ..permissions import STAFF

WORKERS = 3  # the dashboard's four groups: three here, one in the caller's thread
_POOL = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="figures")


@dataclass(frozen=True)
class Viewer:
    """What ``permissions.scope`` and the figures read of a user, read once in the caller's thread."""

    id: int
    role: Role
    enterprise_id: int | None
    is_authenticated: bool = True

    @classmethod
    def of(cls, user):
        return cls(user.id, Role(user.role), user.enterprise_id)

    @property
    def is_staff(self):
        return self.role in STAFF


def at_once(*groups):
    """The results of the callables ``groups``, the first run in this thread, the others at the same
    time in the pool, each in an application context of its own."""
    if not has_app_context() or len(groups) < 2:
        return [group() for group in groups]
    app = current_app._get_current_object()

    def run(group):
        with app.app_context():
            try:
                return group()
            finally:
                db.session.remove()

    futures = [_POOL.submit(run, group) for group in groups[1:]]
    try:
        first = groups[0]()
    finally:
        others = [future.result() for future in futures]  # wait for every group, even after a failure
    return [first, *others]
