"""Hazards and enterprises as they were at the end of a park day, from the event history.

The hazards table holds the current state; the events (``models/audit.Event``,
append-only, ordered by ``seq``) record every change with the value it replaced.
The state as of the end of day D is therefore the current state with every change
made after D undone: for each hazard, the *first* event after D that records a
previous value gives the value D ended with:

- status: ``from_status`` of the first later event that has one (every lifecycle event);
- deadline: ``data["previous_deadline"]`` (``approve_extension``; any event that moves a
  deadline must record it, see ``DEADLINE_KEY``);
- level: ``data["from_level"]`` (``reclassify``);
- the day of the submission: the last ``submit`` event up to D (the hazard's
  ``submitted_at`` when that is before the cut, which is nearly always);
- ``closed_on``: kept when the hazard was closed by D (closing is final).

A hazard exists on day D when it was recorded before the end of D and found by D.
Enterprises exist when registered (``created_at``) by the end of D, or when they had an
inspection or a hazard by then. The enterprise
``active`` flag has no history: figures as of a day ignore it (an enterprise
deactivated later still counts in the periods it was registered in), so a closed
period's figures never change when an enterprise is deactivated.

Only the events after D are read (index ``ix_events_created_at``), so a report for a
recent period touches few events; for the current day the hazards table is the answer.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Date, case, cast, func, literal, literal_column, or_, select

from .. import clock
from ..extensions import db
from ..models import Enterprise, Event, Hazard

DEADLINE_KEY = "previous_deadline"  # event data: the deadline an event replaced
LEVEL_KEY = "from_level"  # event data: the level an event replaced


def end_of_day_utc(day: date) -> datetime:
    """The naive-UTC instant at which park day ``day`` ends (the next day begins)."""
    return clock.local_day_start_utc(day + timedelta(days=1))


def is_current(day: date) -> bool:
    """``day`` is today (or later): the hazards table as it is answers for it."""
    return day >= clock.today()


def _offset_minutes() -> int:
    # Asia/Shanghai has had no daylight saving since 1991: one offset serves every stored timestamp.
    offset = clock.park_tz().utcoffset(datetime(2026, 1, 1))
    return int(offset.total_seconds() // 60)


def park_date(column):
    """SQL: the park-time calendar date of a naive-UTC timestamp column."""
    minutes = _offset_minutes()
    if db.session.get_bind().dialect.name == "sqlite":
        return func.date(column, f"{minutes:+d} minutes", type_=Date)
    return cast(column + literal_column(f"interval '{minutes} minutes'"), Date)


def park_date_of(value: datetime | None) -> date | None:
    """Python: the park-time date of a stored naive-UTC timestamp."""
    local = clock.to_local(value)
    return local.date() if local is not None else None


@dataclass(frozen=True)
class Columns:
    """The columns the definitions read, from the hazards table or from an as-of selectable."""

    id: object
    enterprise_id: object
    category: object
    level: object
    status: object
    deadline: object
    found_on: object
    closed_on: object
    submitted_on: object


def current_columns() -> Columns:
    """The hazards table itself (today's state)."""
    return Columns(Hazard.id, Hazard.enterprise_id, Hazard.category, Hazard.level, Hazard.status,
                   Hazard.deadline, Hazard.found_on, Hazard.closed_on, park_date(Hazard.submitted_at))


def hazards_as_of(day: date, *where, name: str = "hazards_as_of"):
    """A subquery with one row per hazard that existed at the end of park ``day``:
    id, enterprise_id, category, level, status, deadline, found_on, closed_on,
    submitted_on, as they were then. ``where``: extra conditions on ``Hazard``
    (e.g. one enterprise), applied before the reconstruction; ``name``: the subquery's
    name (two days in one query need two names).
    """
    h = Hazard.__table__
    if is_current(day):
        c = current_columns()
        return (select(c.id.label("id"), c.enterprise_id.label("enterprise_id"), c.category.label("category"),
                       c.level.label("level"), c.status.label("status"), c.deadline.label("deadline"),
                       c.found_on.label("found_on"), c.closed_on.label("closed_on"),
                       c.submitted_on.label("submitted_on"))
                # found_on inside a function, as below: nearly every hazard is found by today, and the
                # covering dashboard index answers a full count better than the found_on index.
                .where(func.coalesce(Hazard.found_on, Hazard.found_on) <= day, *where).subquery(name))
    cut = end_of_day_utc(day)
    e = Event.__table__
    # The events after the cut, then the first one recording each previous value, per hazard.
    # On SQLite both MATERIALIZED: the events are found through ix_events_created_at (not by walking
    # every event in hazard order) and the per-hazard table gets an index for the join with the
    # hazards. PostgreSQL plans them inline: it then knows how many hazards changed after the cut
    # (from the statistics of events) and joins them by hash; materialized, it guessed 200 and
    # compared every hazard with every changed one (the monthly report took 11 s at 200,000 hazards).
    materialized = "MATERIALIZED" if db.session.get_bind().dialect.name == "sqlite" else ""
    recent = (select(e.c.hazard_id, e.c.seq, e.c.from_status, e.c.data).where(e.c.created_at >= cut)
              .cte(f"{name}_recent").prefix_with(materialized))
    r = recent.c
    later = (select(r.hazard_id,
                    func.min(case((r.from_status.is_not(None), r.seq))).label("status_seq"),
                    func.min(case((r.data[DEADLINE_KEY].as_string().is_not(None), r.seq))).label("deadline_seq"),
                    func.min(case((r.data[LEVEL_KEY].as_string().is_not(None), r.seq))).label("level_seq"))
             .group_by(r.hazard_id).cte(f"{name}_later").prefix_with(materialized))
    es, ed, el = e.alias("status_event"), e.alias("deadline_event"), e.alias("level_event")
    status = func.coalesce(es.c.from_status, h.c.status)
    deadline = func.coalesce(cast(ed.c.data[DEADLINE_KEY].as_string(), Date), h.c.deadline)
    if db.session.get_bind().dialect.name == "sqlite":  # a date is stored as ISO text there
        deadline = func.coalesce(ed.c.data[DEADLINE_KEY].as_string(), h.c.deadline, type_=Date)
    level = func.coalesce(el.c.data[LEVEL_KEY].as_string(), h.c.level)
    last_submit = (select(func.max(e.c.created_at)).where(
        e.c.hazard_id == h.c.id, e.c.action == "submit", e.c.created_at < cut).scalar_subquery())
    # The events are read only for a hazard (re)submitted after the cut.
    submitted_at = case((h.c.submitted_at.is_(None), literal(None, h.c.submitted_at.type)),
                        (h.c.submitted_at < cut, h.c.submitted_at), else_=last_submit)
    closed_on = case((h.c.closed_on <= day, h.c.closed_on), else_=literal(None, Date))
    return (select(h.c.id.label("id"), h.c.enterprise_id.label("enterprise_id"), h.c.category.label("category"),
                   level.label("level"), status.label("status"), deadline.label("deadline"),
                   h.c.found_on.label("found_on"), closed_on.label("closed_on"),
                   park_date(submitted_at).label("submitted_on"))
            .select_from(h.outerjoin(later, later.c.hazard_id == h.c.id)
                         .outerjoin(es, es.c.seq == later.c.status_seq)
                         .outerjoin(ed, ed.c.seq == later.c.deadline_seq)
                         .outerjoin(el, el.c.seq == later.c.level_seq))
            # found_on inside a function: every hazard is read anyway, and a scan of the table is
            # much faster than visiting nearly all of it through the found_on index.
            .where(h.c.created_at < cut, func.coalesce(h.c.found_on, h.c.found_on) <= day, *where)
            .subquery(name))


def columns_of(subquery) -> Columns:
    c = subquery.c
    return Columns(c.id, c.enterprise_id, c.category, c.level, c.status, c.deadline, c.found_on, c.closed_on,
                   c.submitted_on)


def enterprise_registered_by(day: date, active_ids=()):
    """SQL: the enterprise was registered by the end of park ``day`` — or had an inspection or a
    hazard by then (``active_ids``: a registry imported later does not erase earlier work)."""
    registered = Enterprise.created_at < end_of_day_utc(day)
    return or_(registered, Enterprise.id.in_(sorted(active_ids))) if active_ids else registered


def enterprises_as_of(day: date, *where):
    """Enterprises registered by the end of ``day`` (id, name, credit_code)."""
    return (select(Enterprise.id.label("id"), Enterprise.name.label("name"),
                   Enterprise.credit_code.label("credit_code"))
            .where(enterprise_registered_by(day), *where).subquery("enterprises_as_of"))

