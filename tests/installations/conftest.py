"""Fixtures of the major hazard installation tests: a park whose enterprise users have phones,
and a helper that registers an installation through the core."""
from datetime import date

import pytest

from safety_app import installations
from safety_app.accounts import create_user
from safety_app.extensions import db

from ..conftest import PASSWORD
from ..jobs.conftest import at, notified, park_time  # noqa: F401  (fixtures)
from ..loop.conftest import login_as, pdf_bytes  # noqa: F401  (fixtures)
from ..security.conftest import token_of  # noqa: F401  (fixture)

AMMONIA = {"name": "液氨", "cas": "7664-41-7", "max_quantity": "50", "critical_quantity": "10", "beta": "2"}
METHANOL = {"name": "甲醇", "cas": "67-56-1", "max_quantity": "200", "critical_quantity": "500", "beta": "1"}


@pytest.fixture
def people(park):
    """Enterprise A's three 包保 persons (users of A with phones); user_a gets a phone too."""
    park.user_a.phone = "13800000001"
    principal = create_user("a_principal", PASSWORD, "enterprise", enterprise=park.a, display_name="王总",
                            phone="13800000011", email="p@example.com", commit=False)
    technical = create_user("a_technical", PASSWORD, "enterprise", enterprise=park.a, display_name="李工",
                            phone="13800000012", email="t@example.com", commit=False)
    operations = create_user("a_operations", PASSWORD, "enterprise", enterprise=park.a, display_name="赵班长",
                             phone="13800000013", commit=False)
    db.session.commit()
    park.principal, park.technical, park.operations = principal, technical, operations
    return park


def data(**overrides):
    base = {"code": "RA-01", "name": "液氨罐区", "kind": "storage", "location": "东罐区",
            "people_within_500m": "60", "assessed_on": date(2026, 3, 1), "validity_years": "3",
            "substances": [dict(AMMONIA), dict(METHANOL)]}
    base.update(overrides)
    return base


def register(park, enterprise=None, actor=None, **overrides):
    return installations.create(enterprise or park.a, data(**overrides), actor or park.user_a)


def with_persons(park, **overrides):
    return register(park, principal_id=park.principal.id, technical_id=park.technical.id,
                    operations_id=park.operations.id, **overrides)
