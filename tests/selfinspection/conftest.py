"""Enterprise self-inspection: a second user of enterprise A (the acceptor), helpers."""
from datetime import timedelta

import pytest

from safety_app import clock, lifecycle
from safety_app.accounts import create_user

from ..conftest import PASSWORD
from ..loop.conftest import add_evidence, drive, login_as  # noqa: F401  (fixtures)


@pytest.fixture
def acceptor(park):
    """Enterprise A's safety manager: a different user than ``park.user_a`` (who rectifies)."""
    user = create_user("manager_a", PASSWORD, "enterprise", enterprise=park.a, display_name="李安全")
    user.enterprise_role = "safety_manager"
    from safety_app.extensions import db

    db.session.commit()
    return user


def self_filed(park, *, major=False, responsible_user=None, actor=None):
    """A hazard enterprise A's user found in its own inspection."""
    from ..conftest import major_criterion

    return lifecycle.file_hazard(
        actor or park.user_a, enterprise=park.a, title="储罐区可燃气体报警器失效", category="equipment",
        deadline=clock.today() + timedelta(days=7), source="self_inspection",
        criterion=major_criterion() if major else None, responsible_user=responsible_user)


def rectify_and_submit(hazard, user):
    """Acknowledge, one done measure, evidence, submit: as ``user``."""
    lifecycle.apply(hazard, "acknowledge", user, version=hazard.version)
    lifecycle.save_measure(hazard, user, description="更换报警器探头", done_on=clock.today())
    add_evidence(hazard, user)
    lifecycle.apply(hazard, "submit", user, version=hazard.version, note="已更换并检测")
    return hazard
