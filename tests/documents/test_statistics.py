"""The 隐患排查治理情况统计表 (reference §8.3) from hand-filled data: headings, periods, totals,
the enterprise version's signature, "截至" only for an open period, "—" for a rate over nothing."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from safety_app.documents.statistics import (
    COLUMN_HEADINGS,
    GROUPS,
    build_statistics_table,
    due_on,
    parse_period,
    period_label,
    tables_due_on,
)
from safety_app.documents.statistics_data import Counts, Row


def cells(c: Counts) -> str:
    """The printed cells of a row, whitespace removed (how pypdf reads a table row)."""
    from safety_app.documents.statistics import count_cells

    return "".join(count_cells(c))


def test_park_table_prints_title_period_headings_and_both_totals_rows(tmp_path, make_statistics, pdf_text):
    data = make_statistics()
    build_statistics_table(data, tmp_path / "s.pdf")
    text = pdf_text(tmp_path / "s.pdf")
    assert "隐患排查治理情况统计表" in text and "2026年第三季度" in text
    for heading in COLUMN_HEADINGS + tuple(group for group, _columns in GROUPS):
        assert "".join(heading.split()) in text, heading
    assert "排查单位数：6家（在册企业8家）" in text
    assert "合计" + cells(data.totals.period) in text
    assert "合计" + cells(data.totals.year_to_date) in text
    assert "本年累计" in text
    assert "截至" not in text
    for row in data.rows:
        assert row.name in text
    # the definitions under the table
    assert "整改率＝已整改数÷（上期结转数＋本期排查数）" in text
    assert "本表应于2026年10月15日前报送" in text


def test_an_open_period_says_as_of_which_day(tmp_path, make_statistics, pdf_text):
    data = make_statistics(kind="quarterly", period="2026Q4", closed=False, as_of=date(2026, 11, 20))
    build_statistics_table(data, tmp_path / "s.pdf")
    assert "截至2026年11月20日" in pdf_text(tmp_path / "s.pdf")


def test_a_rate_over_nothing_prints_a_dash(tmp_path, make_statistics, pdf_text):
    data = make_statistics(1)
    empty = Row("天津无隐患化工有限公司", "91120116MA00000009", False, Counts(), Counts())
    data = replace(data, rows=[empty], totals=Row("合计", "", False, Counts(), Counts()))
    build_statistics_table(data, tmp_path / "s.pdf")
    text = pdf_text(tmp_path / "s.pdf")
    assert "天津无隐患化工有限公司000—000—000000000" in text
    assert "%" not in text.split("注：")[0]


def test_rates_count_the_carried_over_hazards(tmp_path, make_statistics, pdf_text):
    c = Counts(carried_over_general=2, general_found=6, general_rectified=6, carried_over_major=1, major_found=1,
               major_closed=1)
    data = make_statistics(1)
    data = replace(data, rows=[Row("天津结转化工有限公司", "x", True, c, c)], totals=Row("合计", "", True, c, c))
    build_statistics_table(data, tmp_path / "s.pdf")
    assert "天津结转化工有限公司26675.0%11150.0%" in pdf_text(tmp_path / "s.pdf")


def test_enterprise_version_has_one_row_and_is_signed_by_its_principal(tmp_path, make_statistics, pdf_text):
    park = make_statistics(1)
    data = replace(park, enterprise_name=park.rows[0].name, totals=None, signed_by="王建国",
                   enterprises_in_scope=1, enterprises_inspected=1)
    build_statistics_table(data, tmp_path / "e.pdf")
    text = pdf_text(tmp_path / "e.pdf")
    assert "主要负责人签字：" in text and "（王建国）" in text
    assert f"填报单位（盖章）：{park.rows[0].name}" in text
    assert "填报日期：2026年9月30日" in text
    assert "合计" not in text and "排查单位数" not in text
    assert park.rows[0].name + cells(park.rows[0].period) in text


def test_annual_table_is_one_block_for_the_year(tmp_path, make_statistics, pdf_text):
    data = make_statistics(kind="annual", period="2025")
    build_statistics_table(data, tmp_path / "a.pdf")
    text = pdf_text(tmp_path / "a.pdf")
    assert "2025年度" in text and "本年累计" not in text
    assert "合计" + cells(data.totals.period) in text
    assert "本表应于2026年1月31日前报送" in text


def test_a_park_of_many_enterprises_runs_over_pages_repeating_the_headings(tmp_path, make_statistics, page_texts):
    data = make_statistics(60)
    build_statistics_table(data, tmp_path / "s.pdf")
    pages = page_texts(tmp_path / "s.pdf")
    assert len(pages) >= 3
    assert all("落实目标任务" in page for page in pages if "合计" in page or data.rows[30].name in page)
    assert sum("合计" in page for page in pages) == 2


@pytest.mark.parametrize(("kind", "period", "due"), [
    ("quarterly", "2026Q1", date(2026, 4, 15)), ("quarterly", "2026Q4", date(2027, 1, 15)),
    ("annual", "2026", date(2027, 1, 31)),
])
def test_due_dates_follow_the_regulation(kind, period, due):
    assert due_on(kind, period) == due
    assert (kind, period) in tables_due_on(due)


def test_periods_are_checked_and_labelled():
    assert period_label("quarterly", "2026Q4") == "2026年第四季度"
    assert period_label("annual", "2026") == "2026年度"
    assert parse_period("quarterly", "2026Q2") == (date(2026, 4, 1), date(2026, 6, 30))
    for kind, bad in (("quarterly", "2026-Q3"), ("quarterly", "2026Q5"), ("annual", "26"), ("monthly", "2026")):
        with pytest.raises(ValueError):
            parse_period(kind, bad)
    assert tables_due_on(date(2026, 12, 2)) == []
