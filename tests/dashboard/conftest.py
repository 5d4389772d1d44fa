"""A small park on a frozen day: what the dashboard's headline, table and charts must show."""
from datetime import date, datetime

import pytest

from safety_app import lifecycle
from safety_app.extensions import db
from safety_app.models import Enterprise
from tests.conftest import make_credit_code
from tests.loop.conftest import Driver, add_evidence

DAY = date(2026, 11, 20)


def at(time_machine, day, hour=10):
    """Move the clock to ``day`` at ``hour`` o'clock park time (frozen)."""
    time_machine.move_to(f"{day.isoformat()} {hour:02d}:00 +08:00", tick=False)


def close_out(park, hazard, user):
    """Acknowledge, a done measure, evidence, submit, and the inspector's passing re-inspection."""
    drive = Driver(park)
    drive.apply(hazard, "acknowledge", user)
    lifecycle.save_measure(hazard, user, description="更换安全阀", done_on=hazard.found_on)
    add_evidence(hazard, user)
    drive.apply(hazard, "submit", user, note="已整改")
    drive.apply(hazard, "verify", park.inspector, opinion="现场复查合格")
    assert hazard.status == "closed"
    return hazard


@pytest.fixture
def small_park(park, time_machine):
    """Four enterprises seen on 20 November 2026 (park time):

    - A: one hazard found in October, closed out in November → cleared to zero;
    - B: two hazards found in November (equipment, fire), both open → not cleared;
    - C: inspected in November, nothing found;
    - D: registered, never inspected (尚未检查).
    """
    c = Enterprise(name="天津临港化工储运有限公司", credit_code=make_credit_code(3), created_at=datetime(2026, 1, 1))
    d = Enterprise(name="天津港东物流有限公司", credit_code=make_credit_code(4), created_at=datetime(2026, 1, 1))
    for e in (park.a, park.b):
        e.created_at = datetime(2026, 1, 1)
    db.session.add_all([c, d])
    db.session.commit()
    at(time_machine, date(2026, 10, 12))
    a_closed = park.hazard(park.a, deadline=date(2026, 11, 30))
    at(time_machine, date(2026, 11, 5))
    close_out(park, a_closed, park.user_a)
    at(time_machine, date(2026, 11, 9))
    b_equipment = park.hazard(park.b, deadline=date(2026, 11, 30))
    b_fire = park.hazard(park.b, deadline=date(2026, 11, 30), category="fire", title="消防通道堵塞")
    lifecycle.start_inspection(park.inspector, enterprise=c, inspection_type="routine")
    db.session.commit()
    at(time_machine, DAY)
    return {"a": park.a, "b": park.b, "c": c, "d": d, "a_closed": a_closed, "b_equipment": b_equipment,
            "b_fire": b_fire}
