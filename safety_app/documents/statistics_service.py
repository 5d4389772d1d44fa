"""The 隐患排查治理情况统计表 from the database: figures, PDF, a recorded ``Document``.

The figures come from ``figures.statistics.statistics_table`` (as of the
period's end from the event history; "截至" today while the period runs);
nothing is counted here. Each build records a new version per period and
scope (the park, or one enterprise) through the report helpers of
``service`` (``_versioned``/``_report_record``): written atomically, never
overwriting an earlier file; an ``idempotency_key`` used before returns the
document recorded the first time.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask_babel import lazy_gettext as _l

from ..clock import today
from ..figures.statistics import statistics_table
from ..models import DocumentKind, Enterprise, User
from .errors import DocumentError
from .service import _existing, _report_record
from .statistics import build_statistics_table, parse_period
from .statistics_data import StatisticsTable

KINDS = (DocumentKind.QUARTERLY.value, DocumentKind.ANNUAL.value)


def period_bounds(kind: str, period: str) -> tuple[date, date]:
    """(first day, last day) of a quarter ('2026Q4') or a year ('2026') that has begun.

    Raises DocumentError (a message for the user) when the kind or period is
    malformed or the period lies in the future.
    """
    if kind not in KINDS:
        raise DocumentError(_l("Choose the quarterly or the annual table."))
    try:
        start, end = parse_period(kind, period)
    except ValueError:
        if kind == DocumentKind.ANNUAL.value:
            raise DocumentError(_l("Give the year as YYYY, e.g. 2026.")) from None
        raise DocumentError(_l("Give the quarter as YYYYQn, e.g. 2026Q3.")) from None
    if start > today():
        if kind == DocumentKind.ANNUAL.value:
            raise DocumentError(_l("This year has not begun yet."))
        raise DocumentError(_l("This quarter has not begun yet."))
    return start, end


def statistics_data(kind: str, period: str, enterprise: Enterprise | None = None, *,
                    signed_by: str = "") -> StatisticsTable:
    """The table's figures for the park or one enterprise; the enterprise version is signed by ``signed_by``
    (default: the enterprise's legal representative as registered)."""
    period_bounds(kind, period)
    table = statistics_table(kind, period, enterprise)
    if enterprise is not None:
        table = replace(table, enterprise_name=table.enterprise_name or enterprise.name,
                        signed_by=(signed_by or "").strip() or enterprise.legal_representative)
    return table


def build_statistics(kind: str, period: str, enterprise: Enterprise | None = None, *, actor: User | None,
                     idempotency_key: str | None = None, signed_by: str = ""):
    """Build and record the quarterly or annual statistics table for the park or one enterprise.

    ``actor`` None means a scheduled job. Returns the ``Document`` (the one
    already recorded when ``idempotency_key`` was used before).
    """
    existing = _existing(idempotency_key)
    if existing is not None:
        return existing
    period_bounds(kind, period)  # refuse a bad or future period before anything is written
    return _report_record(kind, period, enterprise, actor, idempotency_key,
                          lambda: statistics_data(kind, period, enterprise, signed_by=signed_by),
                          build_statistics_table)

