"""A small park whose November history is known hazard by hazard (the as-of tests)."""
from datetime import date

import pytest

from tests.loop.conftest import Driver


@pytest.fixture
def drive(park):
    return Driver(park)


def at(time_machine, day, hour=10):
    """Move the clock to ``day`` at ``hour`` o'clock park time (frozen)."""
    time_machine.move_to(f"{day.isoformat()} {hour:02d}:00 +08:00", tick=False)


NOV = date(2026, 11, 1)


@pytest.fixture
def pdf_text():
    """PDF path → all its text (pypdf), whitespace removed."""
    from pypdf import PdfReader

    return lambda path: "".join("".join(p.extract_text().split()) for p in PdfReader(path).pages)
