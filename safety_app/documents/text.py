"""Small formatting helpers for Chinese document text."""

from __future__ import annotations

import re
from datetime import date
from xml.sax.saxutils import escape

CN_DIGITS = "〇一二三四五六七八九"
EMPTY_MARK = "—"


def cn_date(d: date) -> str:
    """A date as official documents write it (GB/T 9704-2012 7.3.5.3), no zero padding: ``2026年12月2日``."""
    return f"{d.year}年{d.month}月{d.day}日"


def cn_month(period: str) -> str:
    """``'2026-11'`` → ``'2026年11月'``, ``'2026-03'`` → ``'2026年3月'``."""
    year, month = parse_month(period)
    return f"{year}年{month}月"


def parse_month(period: str) -> tuple[int, int]:
    """Parse ``'YYYY-MM'`` into (year, month); ValueError when malformed."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", period)
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"period must look like 2026-11, got {period!r}")
    return int(match[1]), int(match[2])


def parse_quarter(period: str) -> tuple[int, int]:
    """Parse ``'2026Q3'`` into (2026, 3); ValueError when malformed."""
    match = re.fullmatch(r"(\d{4})Q([1-4])", period)
    if not match:
        raise ValueError(f"period must look like 2026Q3, got {period!r}")
    return int(match[1]), int(match[2])


def cn_quarter(period: str) -> str:
    """``'2026Q3'`` → ``'2026年第三季度'``."""
    year, quarter = parse_quarter(period)
    return f"{year}年第{CN_DIGITS[quarter]}季度"


def percent(rate: float | None) -> str:
    """A 0..1 fraction as ``'85.0%'``; ``'—'`` when there is nothing to divide."""
    if rate is None:
        return EMPTY_MARK
    return f"{rate * 100:.1f}%"


def ratio(part: int, whole: int) -> float | None:
    """part ÷ whole, or None when whole is 0."""
    return part / whole if whole else None


def markup(text: object) -> str:
    """Escape plain text for a reportlab Paragraph; keeps line breaks."""
    return escape(str(text)).replace("\n", "<br/>")
