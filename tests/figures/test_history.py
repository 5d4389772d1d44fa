"""The state of every hazard as of the end of a park day, rebuilt from the event history."""
from datetime import date, timedelta

from sqlalchemy import select

from safety_app import clock
from safety_app.extensions import db
from safety_app.figures import history
from safety_app.models import Enterprise

from .conftest import at

D = date


def as_of(day):
    sub = history.hazards_as_of(day)
    return {r.id: (r.status, r.level, r.deadline, r.closed_on, r.submitted_on)
            for r in db.session.execute(select(sub))}


def test_later_changes_are_undone(park, drive, time_machine):
    at(time_machine, D(2026, 11, 10))
    late = park.hazard(deadline=D(2026, 11, 20))
    on_time = park.hazard(deadline=D(2026, 11, 25))
    extended = park.hazard(deadline=D(2026, 11, 18))
    mistaken = park.hazard(deadline=D(2026, 11, 30))
    raised = park.hazard(deadline=D(2026, 12, 20))
    for h in (late, on_time, extended):
        drive.apply(h, "acknowledge", park.user_a)
    at(time_machine, D(2026, 11, 24))
    drive.ready_to_submit(on_time)
    drive.apply(on_time, "submit", park.user_a, note="已整改")
    at(time_machine, D(2026, 11, 28), hour=23)  # 15:00 UTC: still 28 November in the park
    drive.ready_to_submit(late)
    drive.apply(late, "submit", park.user_a, note="已整改")
    drive.apply(extended, "request_extension", park.user_a, reason="备件未到", new_deadline=D(2026, 12, 31))
    before = as_of(D(2026, 11, 30))
    assert before[late.id] == ("submitted", "general", D(2026, 11, 20), None, D(2026, 11, 28))
    assert before[extended.id][:3] == ("rectifying", "general", D(2026, 11, 18))

    at(time_machine, D(2026, 12, 2))
    drive.apply(extended, "approve_extension", park.admin)
    drive.apply(on_time, "verify", park.inspector, opinion="现场复查合格")
    drive.apply(late, "reject", park.inspector, reason="证据不足")
    drive.apply(late, "submit", park.user_a, note="补充证据")
    drive.apply(mistaken, "withdraw", park.admin, reason="误报")
    drive.apply(raised, "reclassify", park.inspector, level="major", major_ground="harm_difficulty", reason="复核认定")
    park.hazard(found_on=D(2026, 11, 29), deadline=D(2026, 12, 9))  # filed late, found in November
    db.session.add(Enterprise(name="新登记企业", credit_code="91120116MA0000001X"))
    db.session.commit()

    assert as_of(D(2026, 11, 30)) == before
    now = as_of(clock.today())
    assert now[extended.id][2] == D(2026, 12, 31)
    assert now[on_time.id][0] == "closed" and now[on_time.id][3] == D(2026, 12, 2)
    assert now[late.id][4] == D(2026, 12, 2)
    assert now[mistaken.id][0] == "withdrawn" and now[raised.id][1] == "major"
    assert len(now) == len(before) + 1
    # the day before: only what existed then, as it was
    assert as_of(D(2026, 11, 9)) == {}
    assert as_of(D(2026, 11, 27))[late.id][0] == "rectifying"
    assert as_of(D(2026, 12, 1))[extended.id][2] == D(2026, 11, 18)
    assert clock.today() - timedelta(days=2) == D(2026, 11, 30)
