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
