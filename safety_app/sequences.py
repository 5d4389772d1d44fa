"""Gap-free named counters (hazard codes, document numbers), safe under concurrency.

The counter row is incremented with UPDATE ... RETURNING inside the caller's
transaction: concurrent callers wait on the row lock, and a rolled-back
transaction gives its number back.
"""
from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db
from .models import Counter


def insert_ignore(model, values, index_elements):
    """INSERT ... ON CONFLICT DO NOTHING for SQLite and PostgreSQL."""
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(model).values(**values).on_conflict_do_nothing(index_elements=index_elements)


def next_value(name):
    db.session.execute(insert_ignore(Counter, {"name": name, "value": 0}, ["name"]))
    return db.session.execute(
        update(Counter).where(Counter.name == name).values(value=Counter.value + 1).returning(Counter.value)
    ).scalar_one()


def set_at_least(name, value):
    """Make sure the next value is above ``value`` (after bulk imports)."""
    db.session.execute(insert_ignore(Counter, {"name": name, "value": 0}, ["name"]))
    db.session.execute(update(Counter).where(Counter.name == name, Counter.value < value).values(value=value))


def hazard_code(year):
    return f"YH-{year}-{next_value(f'hazard:{year}'):06d}"
