"""A point silent for its N minutes gets one data-loss alarm per silence (the scheduled job, frozen clock)."""
from datetime import timedelta

from sqlalchemy import select

from safety_app import clock
from safety_app.extensions import db
from safety_app.jobs import ledger
from safety_app.models import Alarm
from safety_app.monitoring import ingest

from .helpers import iso


def data_loss(point):
    return db.session.execute(select(Alarm).where(Alarm.point_id == point.id, Alarm.kind == "data_loss")
                              .order_by(Alarm.id)).scalars().all()


def send(point, value=50.0):
    t = clock.utcnow().replace(microsecond=0)
    ingest.ingest(point.enterprise_id, [{"point_id": point.id, "time": iso(t), "value": value}])


def test_a_silent_point_raises_data_loss_once_per_silence(app, park, plant, at):
    send(plant.ti)                       # 16:00: TI-101 is silent after 10 minutes, PI-201 after 5
    send(plant.pi, 0.8)
    at("2026-12-01 16:04")
    assert ledger.run("monitoring-data-loss").counts == {"raised": 0}
    at("2026-12-01 16:09")
    assert ledger.run("monitoring-data-loss").counts == {"raised": 1}
    assert data_loss(plant.ti) == [] and len(data_loss(plant.pi)) == 1
    at("2026-12-01 16:10")
    ledger.run("monitoring-data-loss")
    (alarm,) = data_loss(plant.ti)
    assert (alarm.state, alarm.raised_at) == ("active", clock.utcnow())
    for when in ("2026-12-01 16:11", "2026-12-01 16:30", "2026-12-01 18:00"):
        at(when)
        ledger.run("monitoring-data-loss")
    assert len(data_loss(plant.ti)) == 1
    assert len(data_loss(plant.pi)) == 1
    send(plant.ti)                       # the next reading clears it
    db.session.refresh(alarm)
    assert (alarm.state, alarm.cleared_at) == ("cleared", clock.utcnow())
    at("2026-12-01 18:10")
    ledger.run("monitoring-data-loss")
    assert [a.state for a in data_loss(plant.ti)] == ["cleared", "active"]  # a new silence, a new alarm


def test_a_point_that_never_reported_is_silent_from_its_creation(app, park, plant, at):
    at("2026-12-01 16:04")
    ledger.run("monitoring-data-loss")
    assert data_loss(plant.pi) == []
    at("2026-12-01 16:05")
    ledger.run("monitoring-data-loss")
    assert len(data_loss(plant.pi)) == 1 and data_loss(plant.ti) == []


def test_a_rerun_of_the_same_minute_raises_nothing_twice(app, park, plant, at):
    at("2026-12-01 16:30")
    first = ledger.run("monitoring-data-loss", force=True)
    again = ledger.run("monitoring-data-loss", force=True)
    assert first.counts["raised"] == 3 and again.counts["raised"] == 0
    assert len(data_loss(plant.ti)) == 1


def test_an_inactive_point_raises_nothing(app, park, plant, at):
    plant.ti.active = False
    db.session.commit()
    at("2026-12-02 16:00")
    ledger.run("monitoring-data-loss")
    assert data_loss(plant.ti) == [] and len(data_loss(plant.pi)) == 1
    assert clock.utcnow() - data_loss(plant.pi)[0].raised_at < timedelta(days=1)
