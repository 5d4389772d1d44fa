"""When jobs are due, in park time: a job's *slot* is a scheduled instant, its *period* the work it stands for.

Each schedule answers three questions for the scheduler: the latest slot at
or before now, the slot before a given one (to walk back when catching up)
and the next slot (for ``flask jobs list``, via APScheduler's CronTrigger).
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.triggers.cron import CronTrigger


def _month_before(year, month):
    return (year - 1, 12) if month == 1 else (year, month - 1)


@dataclass(frozen=True)
class Daily:
    hour: int
    minute: int = 0

    def describe(self):
        return f"daily {self.hour:02d}:{self.minute:02d}"

    def trigger(self, tz):
        return CronTrigger(hour=self.hour, minute=self.minute, timezone=tz)

    def latest_slot(self, now):
        slot = now.replace(hour=self.hour, minute=self.minute, second=0, microsecond=0)
        return slot if slot <= now else slot - timedelta(days=1)

    def previous_slot(self, slot):
        return slot - timedelta(days=1)


@dataclass(frozen=True)
class Monthly:
    day: int
    hour: int
    minute: int = 0

    def describe(self):
        return f"monthly, day {self.day} {self.hour:02d}:{self.minute:02d}"

    def trigger(self, tz):
        return CronTrigger(day=self.day, hour=self.hour, minute=self.minute, timezone=tz)

    def latest_slot(self, now):
        slot = now.replace(day=self.day, hour=self.hour, minute=self.minute, second=0, microsecond=0)
        return slot if slot <= now else self.previous_slot(slot)

    def previous_slot(self, slot):
        year, month = _month_before(slot.year, slot.month)
        return slot.replace(year=year, month=month)


@dataclass(frozen=True)
class Every:
    minutes: int

    def describe(self):
        return f"every {self.minutes} min"

    def trigger(self, tz):
        return CronTrigger(minute=f"*/{self.minutes}", timezone=tz)

    def latest_slot(self, now):
        return now.replace(minute=now.minute - now.minute % self.minutes, second=0, microsecond=0)

    def previous_slot(self, slot):
        return slot - timedelta(minutes=self.minutes)


def next_slot(schedule, now):
    """The next instant the schedule fires after ``now`` (aware, park time)."""
    return schedule.trigger(now.tzinfo).get_next_fire_time(None, now + timedelta(seconds=1))


def slot_of_day(day, tz, hour=0, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
