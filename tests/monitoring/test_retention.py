"""Retention: raw readings kept at least 30 days, hourly aggregates of what is removed kept 3 years."""
from datetime import datetime, timedelta

from sqlalchemy import func, select, text

from safety_app import clock
from safety_app.extensions import db
from safety_app.jobs import ledger
from safety_app.models import Reading, ReadingHour
from safety_app.monitoring import partitions, retention


def bulk(point, start, end, every_minutes=10, value=lambda t: 40.0 + t.hour):
    """Readings straight into the table (the ingest refuses times outside the raw window)."""
    rows, t = [], start
    months = set()
    while t < end:
        rows.append({"point_id": point.id, "time": t, "value": value(t)})
        months.add((t.year, t.month))
        t += timedelta(minutes=every_minutes)
    partitions.ensure(months)
    db.session.execute(Reading.__table__.insert(), rows)
    db.session.commit()
    return len(rows)


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_raw_readings_go_after_30_days_and_their_hours_stay(app, park, plant, at):
    at("2026-12-01 16:00")                         # 08:00 UTC
    now = clock.utcnow()
    start = datetime(2026, 9, 20)
    bulk(plant.ti, start, now)
    result = ledger.run("monitoring-retention")
    assert result.outcome == "success", result.error
    cutoff = now - timedelta(days=30)
    oldest = db.session.scalar(select(func.min(Reading.time)))
    assert oldest >= start and db.session.scalar(select(func.max(Reading.time))) < now
    assert count(Reading, Reading.time >= cutoff) == 30 * 24 * 6  # nothing younger than 30 days removed
    if partitions.is_partitioned():
        # September and October ended before the cutoff (1 Nov 08:00): their partitions are dropped whole;
        # November's stays, so raw data is kept 30 to 61 days
        assert oldest == datetime(2026, 11, 1)
        assert {(2026, 9), (2026, 10)} & set(partitions.existing()) == set()
        assert (2027, 2) in partitions.existing()
    else:
        assert oldest == cutoff.replace(minute=0)  # SQLite deletes up to the cutoff hour
    removed_until = oldest
    hours = db.session.execute(select(ReadingHour).where(ReadingHour.point_id == plant.ti.id,
                                                         ReadingHour.hour < removed_until)
                               .order_by(ReadingHour.hour)).scalars().all()
    expected_hours = int((removed_until - start).total_seconds() // 3600)
    assert len(hours) == expected_hours
    first = hours[0]
    assert (first.hour, first.count, first.min, first.max, first.avg) == (start, 6, 40.0, 40.0, 40.0)
    assert hours[13].hour == start + timedelta(hours=13) and hours[13].avg == 53.0


def test_a_rerun_changes_nothing_and_keeps_aggregates(app, park, plant, at):
    at("2026-12-01 16:00")
    bulk(plant.ti, datetime(2026, 10, 1), clock.utcnow())
    ledger.run("monitoring-retention")
    raw, agg = count(Reading), count(ReadingHour)
    ledger.run("monitoring-retention", force=True)
    assert (count(Reading), count(ReadingHour)) == (raw, agg)
    assert agg >= 24  # at least yesterday's hours


def test_aggregates_older_than_three_years_are_removed(app, park, plant, at):
    at("2026-12-01 16:00")
    db.session.execute(text("INSERT INTO reading_hours (point_id, hour, min, max, avg, count) VALUES "
                            "(:p, :old, 1, 1, 1, 1), (:p, :kept, 2, 2, 2, 1)").bindparams(),
                       {"p": plant.ti.id, "old": datetime(2023, 11, 1), "kept": datetime(2024, 1, 1)})
    db.session.commit()
    retention.run()
    assert db.session.execute(select(ReadingHour.hour)).scalars().all() == [datetime(2024, 1, 1)]
