"""The monthly partitions of ``readings`` on PostgreSQL (``readings_pYYYYMM``).

Made by the migration for three months, then ahead by the retention job and on demand by the
ingest (a reading for a month without its partition); dropped whole by the retention job once
the month's readings are aggregated and older than the raw-retention window. On SQLite
``readings`` is one table and these functions do nothing.

Alembic's comparison (``flask db check``, ``tests/test_migrations.py``) ignores the partitions:
they are data, not schema (``include_object``, used by ``migrations/env.py``).
"""
import re
from datetime import date, datetime

from sqlalchemy import text

from ..extensions import db

PARTITION = re.compile(r"^readings_p(\d{4})(\d{2})$")


def include_object(obj, name, type_, reflected, compare_to):
    """Alembic filter: the monthly partitions of ``readings`` (and their indexes) are not schema."""
    if type_ == "table" and name and PARTITION.match(name):
        return False
    if type_ in ("index", "unique_constraint") and getattr(getattr(obj, "table", None), "name", "") and \
            PARTITION.match(obj.table.name):
        return False
    return True


def is_partitioned():
    return db.session.get_bind().dialect.name == "postgresql"


def month_of(value):
    return (value.year, value.month)


def next_month(year, month):
    return (year + 1, 1) if month == 12 else (year, month + 1)


def name_of(year, month):
    return f"readings_p{year:04d}{month:02d}"


def month_start(year, month):
    return datetime(year, month, 1)


def existing():
    """{(year, month): name} of the partitions there are."""
    if not is_partitioned():
        return {}
    rows = db.session.execute(text(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'readings'")).scalars()
    out = {}
    for name in rows:
        m = PARTITION.match(name)
        if m:
            out[(int(m.group(1)), int(m.group(2)))] = name
    return out


def ensure(months):
    """Create the partitions of ``months`` ((year, month) pairs) that are missing. Returns how many
    were created. The check is one catalogue query; creating takes a lock on ``readings`` only then."""
    if not is_partitioned():
        return 0
    months = set(months)
    if not months:
        return 0
    missing = months - set(existing())
    for year, month in sorted(missing):
        ny, nm = next_month(year, month)
        db.session.execute(text(
            f"CREATE TABLE IF NOT EXISTS {name_of(year, month)} PARTITION OF readings "
            f"FOR VALUES FROM ('{year:04d}-{month:02d}-01') TO ('{ny:04d}-{nm:02d}-01')"))
    return len(missing)


def ensure_ahead(today: date, count=3):
    months, ym = [], (today.year, today.month)
    for _ in range(count):
        months.append(ym)
        ym = next_month(*ym)
    return ensure(months)


def drop_before(cutoff: datetime):
    """Drop every partition whose whole month ends at or before ``cutoff``; returns their months."""
    dropped = []
    for (year, month), name in sorted(existing().items()):
        if month_start(*next_month(year, month)) <= cutoff:
            db.session.execute(text(f"DROP TABLE {name}"))
            dropped.append((year, month))
    return dropped
