from datetime import date

from safety_app.documents import cn_date
from safety_app.documents.text import cn_month, cn_quarter, percent


def test_cn_date_is_not_zero_padded_as_gb_t_9704_writes_dates():
    assert cn_date(date(2026, 12, 2)) == "2026年12月2日"
    assert cn_date(date(2026, 3, 9)) == "2026年3月9日"
    assert cn_date(date(2026, 10, 10)) == "2026年10月10日"


def test_periods_in_chinese():
    assert cn_month("2026-11") == "2026年11月"
    assert cn_month("2026-03") == "2026年3月"
    assert cn_quarter("2026Q3") == "2026年第三季度"


def test_percent_shows_dash_without_a_rate():
    assert percent(0.8567) == "85.7%"
    assert percent(None) == "—"
