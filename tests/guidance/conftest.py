"""Fixtures of the guidance tests: the rectification-loop driver and a login that drops
Flask-Login's per-context cache (see tests/loop/conftest.py)."""
import pytest

from ..loop.conftest import Driver


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
