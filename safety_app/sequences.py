"""Gap-free named counters (hazard codes, document numbers), safe under concurrency.

The counter row is incremented with UPDATE ... RETURNING inside the caller's
transaction: concurrent callers wait on the row lock, and a rolled-back
transaction gives its number back.

The data versions (``HAZARD_DATA``, ``INSPECTION_DATA``): counter rows that take a new
random value in the same transaction as every write of the data that cached figures and pages
read (``WATCHED``): hazards, enterprises, listed supervision, measures and users (names in the
ledgers); inspections, inspection plans and their tasks, and enterprises. An ORM flush that
touches one is caught by the session hook below; bulk Core writes such as the demo seed call
:func:`data_changed` themselves. Whatever is cached under a version (``figures.cache``: the
dashboard's figures, the coverage panel, ledger totals and pages) is therefore exactly the data of
that version. Random rather than +1: a counter
that goes back (a restored backup, truncated tables) could meet a number it had
already shown for other data; a random 31-bit value does not in practice.
"""
import secrets

from flask import g, has_app_context, has_request_context
from sqlalchemy import event, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .extensions import db
from .models import (
    Counter,
    Enterprise,
    Hazard,
    Inspection,
    InspectionPlan,
    Measure,
    PlanTask,
    Supervision,
    User,
)

HAZARD_DATA = "hazards:changes"
INSPECTION_DATA = "inspections:changes"
WATCHED = {HAZARD_DATA: (Hazard, Enterprise, Supervision, Measure, User),
           INSPECTION_DATA: (Inspection, InspectionPlan, PlanTask, Enterprise)}
_BUMPED = "data_versions_bumped"
_VERSIONS = "_data_versions"  # on flask.g: the versions read by this request


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


def _new_version(connection, name):
    value = secrets.randbelow(2**31 - 2) + 1
    changed = connection.execute(update(Counter).where(Counter.name == name).values(value=value))
    if changed.rowcount == 0:
        dialect = connection.dialect.name
        module = postgresql if dialect == "postgresql" else sqlite
        connection.execute(module.insert(Counter).values(name=name, value=0)
                           .on_conflict_do_nothing(index_elements=["name"]))
        connection.execute(update(Counter).where(Counter.name == name).values(value=value))


def data_changed(*names, session=None):
    """New data versions (default: every one), in the session's transaction (once per transaction is enough)."""
    session = session or db.session()
    forget_versions()
    bumped = session.info.setdefault(_BUMPED, set())
    for name in names or tuple(WATCHED):
        if name not in bumped:
            _new_version(session.connection(), name)
            bumped.add(name)


def hazard_data_changed(session=None):
    """A new version of the hazards' data (bulk SQL that writes hazards, settings the figures read)."""
    data_changed(HAZARD_DATA, session=session)


def data_version(name):
    """The current version of ``name`` (None before the first write: not to be cached under). Read
    once per request (the request's own writes forget it, see ``data_changed``)."""
    if not has_request_context():
        return db.session.scalar(select(Counter.value).where(Counter.name == name))
    known = g.setdefault(_VERSIONS, {})
    if name not in known:
        known[name] = db.session.scalar(select(Counter.value).where(Counter.name == name))
    return known[name]


def forget_versions():
    """Read the versions again (before each request, and after a write of this process)."""
    if has_app_context():
        g.pop(_VERSIONS, None)


def hazard_data_version():
    return data_version(HAZARD_DATA)


@event.listens_for(Session, "after_flush")
def _after_flush(session, flush_context):
    bumped = session.info.get(_BUMPED, set())
    due = [name for name in WATCHED if name not in bumped]
    if not due:
        return
    changed = (*session.new, *session.dirty, *session.deleted)
    for name in due:
        if any(isinstance(obj, WATCHED[name]) for obj in changed):
            data_changed(name, session=session)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session, transaction):
    # Any end, a savepoint's too (its rollback may have taken the new version back):
    # the next write bumps again, which costs one UPDATE and is never wrong.
    if session.info.pop(_BUMPED, None):
        forget_versions()
