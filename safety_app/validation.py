"""Checks of values that the web forms, the API and the cores share."""
from datetime import date

from . import clock

DATE_FLOOR = date(2000, 1, 1)
YEARS_AHEAD = 5


def date_window(today=None):
    """The dates accepted anywhere (found on, inspected on, deadlines, done on, extensions):
    from 2000-01-01 through 31 December five years after this year (park time)."""
    today = today or clock.today()
    return DATE_FLOOR, date(today.year + YEARS_AHEAD, 12, 31)
