"""Fixtures of the monitoring tests: a frozen clock, an installation of each enterprise with points."""
from types import SimpleNamespace

import pytest

from ..loop.conftest import login_as  # noqa: F401  (fixture)
from ..loop.test_route_isolation import make_installation
from ..security.conftest import token_of  # noqa: F401  (fixture)
from .helpers import add_point

NOW = "2026-12-01 16:00"  # park time (08:00 UTC)


@pytest.fixture
def at(time_machine):
    """Freeze the clock at a 'YYYY-MM-DD HH:MM' park time (Asia/Shanghai)."""
    def _at(when):
        time_machine.move_to(f"{when}:00+08:00", tick=False)
    _at(NOW)
    return _at


@pytest.fixture
def plant(app, park, at):
    """Installation A1 of enterprise A with points TI-101 (LL 10, L 20, H 80, HH 90) and PI-201 (H only);
    installation B1 of enterprise B with its TI-101."""
    a1 = make_installation(park.a, park.user_a, "液氨储罐区")
    b1 = make_installation(park.b, park.user_b, "乙企业罐区")
    return SimpleNamespace(
        a1=a1, b1=b1,
        ti=add_point(a1, "TI-101", "储罐温度"),
        pi=add_point(a1, "PI-201", "储罐压力", kind="pressure", unit="MPa", silence=5,
                     ll=None, l=None, h=1.6, hh=None),
        b_ti=add_point(b1, "TI-101", "乙企业储罐温度"),
    )
