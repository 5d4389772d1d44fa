"""The nightly ``planner-statistics`` job gives SQLite's planner statistics of the data as it is
(a database migrated while empty has none); on PostgreSQL autovacuum keeps them."""
from sqlalchemy import text

from safety_app.extensions import db
from safety_app.jobs import ledger


def stat_rows(table):
    return db.session.execute(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = :t"), {"t": table}).scalar()


def test_the_job_writes_sqlite_statistics_of_the_hazards(app, park):
    park.hazard()
    park.hazard(park.b)
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("DELETE FROM sqlite_stat1"))
        db.session.commit()
        assert stat_rows("hazards") == 0
    result = ledger.run("planner-statistics")
    assert result.outcome == "success"
    if db.engine.dialect.name == "sqlite":
        assert result.counts == {"analyzed": 1}
        assert stat_rows("hazards") > 0
    else:
        assert result.counts == {"analyzed": 0}
