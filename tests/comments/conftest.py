"""The comment thread: the park of tests/conftest.py on a frozen park day, hazards driven by the real core."""
import pytest

from ..loop.conftest import drive, login_as  # noqa: F401  (the loop's driver and login)

DAY = "2026-11-20"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    """Park time frozen on 2026-11-20, 10:00 in Tianjin (the date never flips during a test)."""
    time_machine.move_to(f"{DAY} 10:00:00+08:00", tick=False)
