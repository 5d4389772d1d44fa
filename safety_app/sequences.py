"""Gap-free named counters (hazard codes, document numbers), safe under concurrency.

The counter row is incremented with UPDATE ... RETURNING inside the caller's
transaction: concurrent callers wait on the row lock, and a rolled-back
transaction gives its number back.

The data version of the park (``HAZARD_DATA``): a counter row that takes a
new random value in the same transaction as every write of the data the cached
figures read: hazards, enterprises, inspections and inspection plans with their
tasks (an ORM flush that touches one, caught by the session hook below;
bulk Core writes such as the demo seed call :func:`hazard_data_changed`
themselves). Whatever is cached under a version (the dashboard's figures) is
therefore exactly the data of that version. Random rather than +1: a counter
that goes back (a restored backup, truncated tables) could meet a number it had
already shown for other data; a random 31-bit value does not in practice.
"""
import secrets

from sqlalchemy import event, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .extensions import db
from .models import Counter, Enterprise, Hazard, Inspection, InspectionPlan, PlanTask

HAZARD_DATA = "hazards:changes"
WATCHED = (Hazard, Enterprise, Inspection, InspectionPlan, PlanTask)  # what the cached figures read
_BUMPED = "hazard_data_bumped"


def insert_ignore(model, values, index_elements):
    """INSERT ... ON CONFLICT DO NOTHING for SQLite and PostgreSQL."""
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(model).values(**values).on_conflict_do_nothing(index_elements=index_elements)


def next_value(name):
    # One round trip once the counter exists; the row is created (from 0) only when missing.
    advance = update(Counter).where(Counter.name == name).values(value=Counter.value + 1).returning(Counter.value)
    value = db.session.execute(advance).scalar_one_or_none()
    if value is None:
        db.session.execute(insert_ignore(Counter, {"name": name, "value": 0}, ["name"]))
        value = db.session.execute(advance).scalar_one()
    return value


def set_at_least(name, value):
    """Make sure the next value is above ``value`` (after bulk imports)."""
    db.session.execute(insert_ignore(Counter, {"name": name, "value": 0}, ["name"]))
    db.session.execute(update(Counter).where(Counter.name == name, Counter.value < value).values(value=value))


def hazard_code(year):
    return f"YH-{year}-{next_value(f'hazard:{year}'):06d}"


def _new_version(connection):
    value = secrets.randbelow(2**31 - 2) + 1
    changed = connection.execute(update(Counter).where(Counter.name == HAZARD_DATA).values(value=value))
    if changed.rowcount == 0:
        dialect = connection.dialect.name
        module = postgresql if dialect == "postgresql" else sqlite
        connection.execute(module.insert(Counter).values(name=HAZARD_DATA, value=0)
                           .on_conflict_do_nothing(index_elements=["name"]))
        connection.execute(update(Counter).where(Counter.name == HAZARD_DATA).values(value=value))


def hazard_data_changed(session=None):
    """A new data version, in the session's transaction (once per transaction is enough)."""
    session = session or db.session()
    if not session.info.get(_BUMPED):
        _new_version(session.connection())
        session.info[_BUMPED] = True


def hazard_data_version():
    """The current data version (None before the first write: not to be cached under)."""
    return db.session.scalar(select(Counter.value).where(Counter.name == HAZARD_DATA))


@event.listens_for(Session, "after_flush")
def _after_flush(session, flush_context):
    if session.info.get(_BUMPED):
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, WATCHED):
            hazard_data_changed(session)
            return


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session, transaction):
    # Any end, a savepoint's too (its rollback may have taken the new version back):
    # the next write bumps again, which costs one UPDATE and is never wrong.
    session.info.pop(_BUMPED, None)
