"""The one source of "now" and "today".

Timestamps are stored as naive UTC; dates (deadlines, "today") are calendar
dates in the park's time zone (Asia/Shanghai). Tests freeze time with
time-machine, which patches what these functions read.
"""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TZ = "Asia/Shanghai"


def park_tz():
    name = current_app.config.get("TIMEZONE", DEFAULT_TZ) if has_app_context() else DEFAULT_TZ
    return ZoneInfo(name)


def utcnow():
    """Current time as naive UTC (how timestamps are stored)."""
    return datetime.now(UTC).replace(tzinfo=None)


def local_now():
    """Current wall-clock time in the park's time zone (aware)."""
    return datetime.now(UTC).astimezone(park_tz())


def today():
    """Today's date in the park's time zone."""
    return local_now().date()


def to_local(value):
    """Convert a stored naive-UTC timestamp to park time (aware)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(park_tz())


def local_day_start_utc(day: date):
    """The naive-UTC instant at which ``day`` starts in park time."""
    start = datetime(day.year, day.month, day.day, tzinfo=park_tz())
    return start.astimezone(UTC).replace(tzinfo=None)
