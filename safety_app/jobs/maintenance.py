"""``planner-statistics`` (daily, 03:30): fresh statistics for the database's query planner.

SQLite keeps no statistics until ``ANALYZE`` runs; a database migrated while empty (a new
installation) has none, and without them SQLite picks narrow indexes: the ledger's first page at
200,000 hazards took 102 ms instead of 18 ms. The job runs ``ANALYZE`` every night, so the
statistics follow the data as it grows (0.3 s at 200,000 hazards). PostgreSQL's autovacuum keeps
its own statistics: there the job does nothing.
"""
from sqlalchemy import text

from ..extensions import db


def refresh_statistics(period, now):
    if db.engine.dialect.name != "sqlite":
        return {"analyzed": 0}
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return {"analyzed": 1}
