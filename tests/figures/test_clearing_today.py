"""Cleared to zero today is counted from the hazards table as it is (plain counts per status and
enterprise), and agrees with the same figure rebuilt from the event history for today: withdrawn
hazards never count, a hazard found after the day does not exist yet."""
from datetime import timedelta

from sqlalchemy import text

from safety_app import clock, lifecycle
from safety_app.extensions import db
from safety_app.figures import aggregates


def test_clearing_today_equals_the_history_and_leaves_out_later_and_withdrawn_hazards(park):
    today = clock.today()
    open_one = park.hazard()  # enterprise a: not cleared
    withdrawn = park.hazard(enterprise=park.b)  # enterprise b: only a withdrawn hazard
    lifecycle.apply(withdrawn, "withdraw", park.admin, version=withdrawn.version, reason="误报")
    later = park.hazard(enterprise=park.b)
    db.session.execute(text("UPDATE hazards SET found_on = :d WHERE id = :id"),
                       {"d": today + timedelta(days=3), "id": later.id})
    db.session.commit()
    counts, by_status = aggregates._live_and_open_today(today, ())
    assert counts == aggregates._live_and_open_as_of(today, ())
    # every hazard by status, the one found later too (the dashboard's status counts)
    assert by_status == dict(db.session.execute(text("SELECT status, count(*) FROM hazards GROUP BY status")).all())
    assert counts[open_one.enterprise_id] == (1, 1) and counts[park.b.id] == (0, 0)
    result = aggregates.clearing(today)
    assert [i for i, _name in result.not_cleared] == [park.a.id]
    assert park.b.id not in [i for i, _name in result.cleared + result.not_cleared]
