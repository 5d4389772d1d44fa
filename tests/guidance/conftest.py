"""Fixtures of the guidance tests: the rectification-loop driver and a login that drops
Flask-Login's per-context cache (see tests/loop/conftest.py)."""
from ..loop.conftest import drive, login_as  # noqa: F401
