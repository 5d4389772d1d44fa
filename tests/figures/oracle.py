"""An independent reading of the history for the tests: every hazard replayed event by event
in Python (forwards, from filing), where ``figures.history`` undoes later changes in SQL."""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from safety_app import clock
from safety_app.extensions import db
from safety_app.models import Enterprise, Event, Hazard, Inspection

OPEN = ("open", "rectifying", "submitted", "verified")
ON_ENTERPRISE = ("open", "rectifying")
ON_OFFICE = ("submitted", "verified")


@dataclass
class Was:
    id: int
    code: str
    enterprise_id: int
    category: str
    level: str
    status: str
    deadline: date
    found_on: date
    closed_on: date | None
    submitted_on: date | None

    @property
    def live(self):
        return self.status != "withdrawn"

    @property
    def open(self):
        return self.status in OPEN

    def overdue_days(self, on):
        if self.status in ON_ENTERPRISE:
            return max(0, (on - self.deadline).days)
        if self.status in ON_OFFICE and self.submitted_on:
            return max(0, (self.submitted_on - self.deadline).days)
        return 0

    def in_backlog(self, on, days=5):
        return self.status in ON_OFFICE and (on - self.submitted_on).days > days


def cut_of(day):
    return clock.local_day_start_utc(day + timedelta(days=1))


def hazards(day, enterprise_id=None):
    """{id: Was} for the hazards that existed at the end of ``day``."""
    cut = cut_of(day)
    events = {}
    for e in db.session.scalars(select(Event).where(Event.created_at < cut).order_by(Event.seq)):
        events.setdefault(e.hazard_id, []).append(e)
    out = {}
    for h in db.session.scalars(select(Hazard).where(Hazard.created_at < cut, Hazard.found_on <= day)):
        if enterprise_id is not None and h.enterprise_id != enterprise_id:
            continue
        status, level, deadline, submitted, closed = "open", None, h.original_deadline, None, None
        for e in events.get(h.id, []):
            data = e.data or {}
            if e.to_status:
                status = e.to_status
            if e.action == "file":
                level = data.get("level")
            elif e.action == "reclassify":
                level = data["to_level"]
            elif e.action == "approve_extension":
                deadline = date.fromisoformat(data["requested_deadline"])
            elif e.action == "submit":
                submitted = clock.to_local(e.created_at).date()
            if e.to_status == "closed" and e.from_status != "closed":
                closed = clock.to_local(e.created_at).date()
        out[h.id] = Was(h.id, h.code, h.enterprise_id, h.category, level or h.level, status, deadline, h.found_on,
                        closed if status == "closed" else None, submitted)
    return out


def enterprises(day):
    return {e.id: e for e in db.session.scalars(select(Enterprise).where(Enterprise.created_at < cut_of(day)))}


def inspected_by(day):
    return set(db.session.scalars(select(Inspection.enterprise_id).where(
        Inspection.inspected_on <= day, Inspection.created_at < cut_of(day))))
