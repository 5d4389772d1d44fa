"""PDF documents: plain dataclasses in, an atomically written PDF out.

No database and no request here; the web views and the jobs collect the
data, call a ``build_*`` function and store the returned sha256 and size.
"""

from .atomic import WrittenFile, write_atomically
from .common import Inspector
from .fonts import register_cjk_font
from .monthly import ClearingRow, MajorHazardRow, MonthlyReportData, OverdueRow, Trend, build_monthly_report
from .notice import NoticeData, NoticeHazard, build_notice
from .opinion import OpinionData, OpinionItem, build_opinion
from .quarterly import QuarterlyData, QuarterlyRow, build_quarterly_table, quarterly_totals
from .text import cn_date

__all__ = [
    "ClearingRow", "Inspector", "MajorHazardRow", "MonthlyReportData", "NoticeData",
    "NoticeHazard", "OpinionData", "OpinionItem", "OverdueRow", "QuarterlyData",
    "QuarterlyRow", "Trend", "WrittenFile", "build_monthly_report", "build_notice",
    "build_opinion", "build_quarterly_table", "cn_date", "quarterly_totals",
    "register_cjk_font", "write_atomically",
]
