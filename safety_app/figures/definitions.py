"""One definition for each figure (SQL over ``history.Columns``, and Python for one hazard).

- **open**: not closed and not withdrawn (open, rectifying, submitted, verified).
- **waiting on the enterprise**: open or rectifying; **waiting on the office**: submitted
  (for re-inspection) or verified (a major hazard waiting for acceptance).
- **overdue** (逾期, counts against the enterprise): waiting on the enterprise with the
  deadline passed, or waiting on the office after a submission made after the deadline
  (submitted late). A hazard submitted on or before its deadline is never overdue while
  it waits on the office. Days overdue: to the day (waiting on the enterprise) or to the
  day of the late submission (frozen: the rest of the wait is the office's).
- **the office's backlog** (待复查超期): waiting on the office for more than N days since
  the submission (setting ``review_backlog_days``, default 5).
- **withdrawn** hazards were filed by mistake: no figure counts them ("live" hazards).
- **cleared to zero** (清零): an enterprise with live hazards found by the day and none
  open; an enterprise with no inspection and no live hazard by the day is "not yet
  inspected" (尚未检查), never cleared.
- every **rate** is a ``Rate``: numerator, denominator and the wording of its definition.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, or_

from .. import settings
from ..clock import today
from ..models import HazardStatus
from .history import current_columns, park_date_of

S = HazardStatus
WAITING_ON_ENTERPRISE = (S.OPEN.value, S.RECTIFYING.value)
WAITING_ON_OFFICE = (S.SUBMITTED.value, S.VERIFIED.value)
OPEN_STATUSES = tuple(sorted(WAITING_ON_ENTERPRISE + WAITING_ON_OFFICE))
WITHDRAWN = S.WITHDRAWN.value
CLOSED = S.CLOSED.value
BACKLOG_SETTING = "review_backlog_days"


# --------------------------------------------------------------------------- SQL


def waits_on_enterprise(c):
    return c.status.in_(WAITING_ON_ENTERPRISE)


def live(c):
    """Not withdrawn."""
    return c.status != WITHDRAWN


def is_open(c):
    # IN (the open statuses), never NOT IN: an index range on (status, ...).
    return c.status.in_(OPEN_STATUSES)


def overdue(c, on: date):
    """Overdue on ``on``: counts against the enterprise (see the module's definition)."""
    return or_(and_(c.status.in_(WAITING_ON_ENTERPRISE), c.deadline < on),
               and_(c.status.in_(WAITING_ON_OFFICE), c.submitted_on.is_not(None), c.submitted_on > c.deadline))


def overdue_clause(on: date | None = None):
    """:func:`overdue` on the hazards table as it is now (ledgers, dashboard, portal, jobs)."""
    return overdue(current_columns(), on or today())


def backlog_clause(on: date | None = None, days: int | None = None):
    """:func:`office_backlog` on the hazards table as it is now."""
    return office_backlog(current_columns(), on or today(), days)


def backlog_days() -> int:
    return int(settings.get(BACKLOG_SETTING))


def office_backlog(c, on: date, days: int | None = None):
    """Waiting on the office for more than ``days`` (the setting) since the submission."""
    days = backlog_days() if days is None else days
    return and_(c.status.in_(WAITING_ON_OFFICE), c.submitted_on.is_not(None),
                c.submitted_on < on - timedelta(days=days))


# --------------------------------------------------------------------------- one hazard (Python)


def submitted_on(hazard) -> date | None:
    return park_date_of(hazard.submitted_at)


def waits_on_office(hazard) -> bool:
    return hazard.status in WAITING_ON_OFFICE


def days_overdue(status, deadline, handed_in, on: date) -> int:
    """Days overdue on ``on`` (0 when not overdue): the same rule as :func:`overdue`.
    ``handed_in``: the park day of the (last) submission."""
    if status in WAITING_ON_ENTERPRISE:
        return max(0, (on - deadline).days)
    if status in WAITING_ON_OFFICE and handed_in is not None:
        return max(0, (handed_in - deadline).days)
    return 0


def overdue_days(hazard, on: date | None = None) -> int:
    """:func:`days_overdue` of one hazard (default: today)."""
    return days_overdue(hazard.status, hazard.deadline, submitted_on(hazard), on or today())


def submitted_late(hazard) -> bool:
    """Waits on the office after a submission made after the deadline (overdue, days frozen)."""
    return waits_on_office(hazard) and overdue_days(hazard) > 0


def waiting_days(hazard, on: date | None = None) -> int:
    """Days the hazard has waited on the office since its submission (0 unless it waits on it)."""
    handed_in = submitted_on(hazard)
    if hazard.status not in WAITING_ON_OFFICE or handed_in is None:
        return 0
    return max(0, ((on or today()) - handed_in).days)


def in_office_backlog(hazard, on: date | None = None, days: int | None = None) -> bool:
    days = backlog_days() if days is None else days
    return waiting_days(hazard, on) > days


# --------------------------------------------------------------------------- rates


@dataclass(frozen=True)
class Rate:
    """A rate with what it is made of: shown as "n / d (p%)" next to its definition."""

    numerator: int
    denominator: int
    definition: str  # in Chinese, as the documents print it

    @property
    def value(self) -> float | None:
        return round(self.numerator / self.denominator, 4) if self.denominator else None

    @property
    def percent(self) -> str:
        return "—" if not self.denominator else f"{self.numerator * 100 / self.denominator:.1f}%"

    def __str__(self):
        return f"{self.numerator}/{self.denominator}（{self.percent}）"


RATE_OF_MONTH = "整改率＝当月发现的隐患（不含已撤销）中截至统计日已销号的数量÷当月发现的隐患数（不含已撤销）"
RATE_CLEARED = "清零率＝截至统计日有隐患且已全部销号的企业数÷截至统计日有隐患的企业数（不含已撤销的隐患；尚未检查的企业另列）"
RATE_OVERALL = "总体整改率＝截至统计日已销号的隐患数÷截至统计日发现的隐患总数（不含已撤销）"


def rate(numerator: int, denominator: int, definition: str) -> Rate:
    return Rate(int(numerator or 0), int(denominator or 0), definition)
