"""Fixtures of the plan, campaign and coverage tests: a frozen park clock, the loop's helpers, and
``inspect``: an inspection completed on site (the shared contract: only 'completed' counts)."""
from datetime import date, datetime

import pytest

from safety_app import clock, lifecycle
from safety_app.extensions import db
from safety_app.models import Enterprise

from ..conftest import make_credit_code
from ..jobs.conftest import at, notified, park_time  # noqa: F401  (fixtures)
from ..loop.conftest import drive, login_as  # noqa: F401  (fixtures)


def inspect(park, enterprise, on, *, inspection_type="routine", campaign=None, completed=True, inspector=None):
    """An inspection of ``enterprise`` held ``on``, completed now unless ``completed`` is False."""
    inspection = lifecycle.start_inspection(inspector or park.inspector, enterprise=enterprise,
                                            inspection_type=inspection_type, inspected_on=on, campaign=campaign)
    inspection.status = "in_progress"
    db.session.commit()
    return complete(inspection) if completed else inspection


def complete(inspection):
    """Mark ``inspection`` completed now (the sign-off itself is tested in tests/inspections)."""
    inspection.status = "completed"
    inspection.completed_at = clock.utcnow()
    db.session.commit()
    return inspection


def registered_early(*enterprises, on=datetime(2026, 1, 1)):
    """The park's enterprises are made at the real time the test runs; coverage counts an enterprise from
    its registration, so tests about earlier periods register them at the start of the year."""
    for enterprise in enterprises:
        enterprise.created_at = on
    db.session.commit()


def add_enterprises(n, start=10, **fields):
    rows = [Enterprise(name=f"测试化工{start + i:02d}有限公司", credit_code=make_credit_code(start + i), **fields)
            for i in range(n)]
    db.session.add_all(rows)
    db.session.commit()
    return rows


@pytest.fixture
def year():
    return date(2026, 1, 1), date(2026, 12, 31)
