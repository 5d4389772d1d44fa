from datetime import date

from reportlab.platypus import LongTable

from safety_app.documents import MonthlyReportData, build_monthly_report
from safety_app.documents.layout import frame_width, make_styles
from safety_app.documents.monthly import monthly_story

OVERDUE_HEADER = "序号隐患编号企业名称隐患整改期限逾期天数"


def test_monthly_report_shows_the_figures(tmp_path, monthly_data, pdf_text):
    build_monthly_report(monthly_data, tmp_path / "m.pdf")
    text = pdf_text(tmp_path / "m.pdf")
    assert "月度安全生产报告" in text
    assert "天津滨海新区大港石化产业园区2026年11月" in text
    assert "共开展隐患排查检查60次，发现事故隐患300项，其中一般事故隐患285项、重大事故隐患15项" in text
    assert "销号60项，整改率20.0%" in text
    assert "尚有240项隐患未销号，其中逾期180项" in text
    assert "有隐患的企业31家，已实现隐患“清零”7家" in text
    assert "编制日期：2026年12月1日" in text
    assert "签发：" in text


def test_monthly_report_includes_both_charts(tmp_path, monthly_data, pdf_text):
    build_monthly_report(monthly_data, tmp_path / "m.pdf")
    text = pdf_text(tmp_path / "m.pdf")
    assert "安全领导能力" in text  # category chart label
    assert "发现" in text and "销号" in text  # trend legend
    assert "12月2025" in text or "202512月" in text  # first month label shows its year


def test_long_tables_repeat_their_header_on_every_page(tmp_path, monthly_data, page_texts):
    build_monthly_report(monthly_data, tmp_path / "m.pdf")
    pages = page_texts(tmp_path / "m.pdf")
    assert len(pages) >= 6
    assert "序号企业名称发现销号未销号逾期整改率清零" in pages[1]
    start = next(i for i, text in enumerate(pages) if "六、逾期未整改隐患清单" in text)
    continued = [text for text in pages[start + 1:] if "YH-2026" in text]
    assert len(continued) >= 3
    for text in continued:
        assert text.count(OVERDUE_HEADER) == 1


def test_every_row_of_the_overdue_list_is_printed(tmp_path, monthly_data, pdf_text):
    build_monthly_report(monthly_data, tmp_path / "m.pdf")
    text = pdf_text(tmp_path / "m.pdf")
    assert all(row.code in text for row in monthly_data.overdue_list)


def test_tables_fit_the_page_width(monthly_data):
    story = monthly_story(monthly_data, make_styles("Helvetica"))
    tables = [f for f in story if isinstance(f, LongTable)]
    assert len(tables) == 3
    for table in tables:
        assert sum(table._colWidths) <= frame_width() + 0.01


def test_rate_is_a_dash_when_nothing_was_found(tmp_path, pdf_text):
    data = MonthlyReportData(
        period="2026-02", scope_name="天津某化工有限公司", office_name="大港街道应急管理办公室",
        generated_on=date(2026, 3, 1), inspections_done=0, found_total=0, found_by_level={},
        found_by_category=[], closed_in_month=0, open_total=0, overdue_total=0,
        rectification_rate=None,
        trend=(["2025-03", "2025-04"], [0, 0], [0, 0]),
    )
    build_monthly_report(data, tmp_path / "empty.pdf")
    text = pdf_text(tmp_path / "empty.pdf")
    assert "整改率—" in text
    assert "暂无数据" in text
    assert "无。" in text


def test_text_too_wide_for_a_plain_cell_wraps_instead_of_spilling(monthly_data):
    from reportlab.platypus import Paragraph

    too_wide = monthly_data.overdue_list[0]._replace(code="YH-2026-000001-附加说明很长很长")
    monthly_data.overdue_list = [too_wide]
    story = monthly_story(monthly_data, make_styles("Helvetica"))
    overdue_table = [f for f in story if isinstance(f, LongTable)][-1]
    cell = overdue_table._cellvalues[1][1]
    assert isinstance(cell, list) and isinstance(cell[0], Paragraph)  # a list of flowables: it can split
    assert isinstance(overdue_table._cellvalues[1][4], str)  # a date fits as plain text
