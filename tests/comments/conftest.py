"""The comment thread: the park of tests/conftest.py on a frozen park day, hazards driven by the real core."""
import pytest

from ..loop.conftest import Driver

DAY = "2026-11-20"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    """Park time frozen on 2026-11-20, 10:00 in Tianjin (the date never flips during a test)."""
    time_machine.move_to(f"{DAY} 10:00:00+08:00", tick=False)


@pytest.fixture
def drive(park):
    return Driver(park)


@pytest.fixture
def login_as(client):
    from flask import g

    from ..conftest import login

    def _login(user):
        with client.session_transaction() as s:
            s.clear()
        for name in ("_login_user", "unread_count"):
            g.pop(name, None)
        return login(client, user)

    return _login
