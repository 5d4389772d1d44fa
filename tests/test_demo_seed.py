from sqlalchemy import func, select

from safety_app.credit_code import is_valid
from safety_app.extensions import db
from safety_app.models import Enterprise, Hazard, User


def test_demo_seed_makes_a_park_with_the_demo_accounts(runner):
    result = runner.invoke(args=["demo", "seed", "--enterprises", "5", "--hazards", "120", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Hazard.id))) == 120
    usernames = set(db.session.scalars(select(User.username)))
    assert {"admin", "inspector", "enterprise1", "enterprise2"} <= usernames
    e1 = db.session.scalar(select(User).where(User.username == "enterprise1"))
    e2 = db.session.scalar(select(User).where(User.username == "enterprise2"))
    assert e1.enterprise_id != e2.enterprise_id
    assert e1.check_password("demo-password")
    assert all(is_valid(c) for c in db.session.scalars(select(Enterprise.credit_code)))
    statuses = set(db.session.scalars(select(Hazard.status).distinct()))
    assert {"open", "rectifying", "closed"} <= statuses
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_demo_seed_is_deterministic_and_refuses_a_full_database(runner):
    runner.invoke(args=["demo", "seed", "--enterprises", "3", "--hazards", "30", "--seed", "7"])
    titles = list(db.session.scalars(select(Hazard.title).order_by(Hazard.id)))
    again = runner.invoke(args=["demo", "seed", "--enterprises", "3", "--hazards", "30"])
    assert again.exit_code != 0
    skipped = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert skipped.exit_code == 0 and "skipped" in skipped.output
    assert len(titles) == 30


def test_new_hazards_continue_after_the_demo_codes(runner, app):
    runner.invoke(args=["demo", "seed", "--enterprises", "2", "--hazards", "10", "--today", "2026-06-01"])
    codes = set(db.session.scalars(select(Hazard.code)))
    from safety_app import sequences

    for year in {c[3:7] for c in codes}:
        new = f"YH-{year}-{sequences.next_value(f'hazard:{year}'):06d}"
        assert new not in codes
    db.session.rollback()


def test_demo_seed_shows_installations_duties_points_readings_and_open_alarms(runner):
    from safety_app.models import Alarm, DutyTask, Installation, MeasurementPoint, Reading

    result = runner.invoke(args=["demo", "seed", "--enterprises", "3", "--hazards", "40", "--seed", "5"])
    assert result.exit_code == 0, result.output
    installations = db.session.scalars(select(Installation).order_by(Installation.id)).all()
    assert len(installations) == 3 and all(i.level != "none" and i.substances for i in installations)
    for i in installations:
        persons = [i.principal, i.technical, i.operations]
        assert all(p is not None and p.phone and p.enterprise_id == i.enterprise_id for p in persons)
    assert db.session.scalar(select(func.count(DutyTask.id))) == 9
    points = db.session.scalar(select(func.count(MeasurementPoint.id)))
    assert points >= 8
    assert db.session.scalar(select(func.count()).select_from(Reading)) > points * 200  # a day of readings
    open_alarms = set(db.session.scalars(select(Alarm.kind).where(Alarm.closed_at.is_(None))))
    assert open_alarms == {"H", "data_loss"}
    assert db.session.scalar(select(func.count(Hazard.id)).where(Hazard.installation_id.is_not(None))) >= 1
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
