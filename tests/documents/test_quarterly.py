from datetime import date

from safety_app.documents import QuarterlyRow, build_quarterly_table, quarterly_totals


def test_quarterly_table_has_rows_totals_and_period(tmp_path, quarterly_data, pdf_text):
    build_quarterly_table(quarterly_data, tmp_path / "q.pdf")
    text = pdf_text(tmp_path / "q.pdf")
    assert "隐患排查治理情况季度统计表" in text
    assert "2026年第三季度" in text
    assert "列入治理计划" in text and "挂牌督办" in text
    for row in quarterly_data.rows:
        assert row.name in text
    assert "合计" in text
    assert "2026年10月15日前报送" in text


def test_quarterly_totals_sum_every_column():
    rows = [QuarterlyRow("甲", 10, 8, 1, 1, 1, 0, 2, 5000.0), QuarterlyRow("乙", 5, 5, 2, 0, 2, 1, 0, 0.0)]
    total = quarterly_totals(rows)
    assert total == QuarterlyRow("合计", 15, 13, 3, 1, 3, 1, 2, 5000.0)
    assert (total.found, total.rectified) == (18, 14)


def test_quarterly_rate_is_dash_without_hazards_and_funds_in_wan_yuan(tmp_path, quarterly_data, page_texts):
    quarterly_data.rows = [QuarterlyRow("天津无隐患化工有限公司", 0, 0, 0, 0, funds_yuan=0),
                           QuarterlyRow("天津有投入化工有限公司", 4, 2, 1, 1, funds_yuan=125000)]
    build_quarterly_table(quarterly_data, tmp_path / "q.pdf")
    text = page_texts(tmp_path / "q.pdf")[0]
    assert "1天津无隐患化工有限公司00—00—00—0—" in text
    assert "2天津有投入化工有限公司4250.0%11100.0%0060.0%012.50" in text


def test_fourth_quarter_is_due_in_january():
    from safety_app.documents import QuarterlyData

    data = QuarterlyData("2026Q4", "园区", "办公室", date(2027, 1, 5), [])
    assert data.due_on == date(2027, 1, 15)
