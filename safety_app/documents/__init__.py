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
from .statistics import build_statistics_table
from .statistics_data import Counts, Row, StatisticsTable
from .text import cn_date

__all__ = [
    "ClearingRow", "Counts", "Inspector", "MajorHazardRow", "MonthlyReportData", "NoticeData",
    "NoticeHazard", "OpinionData", "OpinionItem", "OverdueRow", "Row", "StatisticsTable",
    "Trend", "WrittenFile", "build_monthly_report", "build_notice", "build_opinion",
    "build_statistics_table", "cn_date", "register_cjk_font", "write_atomically",
]
