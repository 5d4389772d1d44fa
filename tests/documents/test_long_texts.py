"""4,000 characters in any text field is a normal case: every document builds, and all the text is in it.

Each field is filled with its own character (``甲，甲，…``), so counting that
character in the extracted text proves the whole field was printed, wherever
the table cut it across pages.
"""
import pytest
from pypdf import PdfReader

from safety_app.documents import (
    Inspector,
    build_monthly_report,
    build_notice,
    build_opinion,
    build_statistics_table,
)
from safety_app.documents.layout import footer_title

LONG = 4000


def long_text(char):
    """4,000 characters: ``char`` and a full-width comma, alternating (the line breaker sees punctuation)."""
    return (char + "，") * (LONG // 2)


def count(text, char):
    return text.count(char)


def test_notice_with_a_700_character_legal_basis_builds(tmp_path, notice_data, pdf_text):
    # The reported case: ~600 characters of legal basis raised LayoutError (a 500, and a stuck job).
    notice_data.hazards[0] = notice_data.hazards[0]._replace(legal_basis="《丙条例》第二十条；" * 70)
    build_notice(notice_data, tmp_path / "n.pdf")
    assert count(pdf_text(tmp_path / "n.pdf"), "丙") == 70


def test_notice_prints_4000_character_title_location_legal_basis_and_names(tmp_path, notice_data, pdf_text):
    notice_data.hazards[0] = notice_data.hazards[0]._replace(
        title=long_text("甲"), location=long_text("乙"), legal_basis=long_text("丙"))
    notice_data.hazards[1] = notice_data.hazards[1]._replace(title=long_text("丁"))
    notice_data.enterprise_name = long_text("戊")
    notice_data.enterprise_address = long_text("庚")
    notice_data.inspectors = [Inspector(long_text("辛"), "TJ12010001")]
    build_notice(notice_data, tmp_path / "n.pdf")
    text = pdf_text(tmp_path / "n.pdf")
    for char in "甲乙丙丁戊庚辛":
        assert count(text, char) == LONG // 2, char
    assert notice_data.hazards[2].code in text  # the rows after the long ones are there too
    assert "被检查单位负责人签收" in text


def test_opinion_prints_4000_character_title_opinion_and_enterprise(tmp_path, opinion_data, pdf_text):
    opinion_data.items[0] = opinion_data.items[0]._replace(title=long_text("甲"), opinion=long_text("乙"))
    opinion_data.enterprise_name = long_text("丙")
    build_opinion(opinion_data, tmp_path / "o.pdf")
    text = pdf_text(tmp_path / "o.pdf")
    for char in "甲乙丙":
        assert count(text, char) == LONG // 2, char
    assert opinion_data.items[2].code in text


def test_monthly_report_prints_4000_character_titles_names_and_remarks(tmp_path, make_monthly, pdf_text):
    data = make_monthly(hazards=20, enterprises=2)
    data.overdue_list = [data.overdue_list[0]._replace(title=long_text("甲"), enterprise_name=long_text("乙"))]
    data.major_hazards = [data.major_hazards[0]._replace(title=long_text("丙"), status_label=long_text("丁"))]
    data.clearing = [data.clearing[0]._replace(enterprise_name=long_text("戊"))]
    data.remarks = [long_text("庚")]
    build_monthly_report(data, tmp_path / "m.pdf")
    text = pdf_text(tmp_path / "m.pdf")
    for char in "甲乙丙丁戊庚":
        assert count(text, char) == LONG // 2, char
    assert "签发" in text


def test_monthly_report_with_a_4000_character_scope_name_builds(tmp_path, make_monthly, page_texts):
    data = make_monthly(hazards=20, enterprises=2)
    data.scope_name = long_text("甲")
    build_monthly_report(data, tmp_path / "m.pdf")
    pages = page_texts(tmp_path / "m.pdf")
    assert count("".join(pages), "甲") > LONG // 2  # the full name under the title, and in the footers
    assert all("…第" in page for page in pages)  # each page footer shortens it


def test_statistics_table_prints_4000_character_names_and_signer(tmp_path, statistics_data, pdf_text):
    from dataclasses import replace

    rows = statistics_data.rows[:3]
    rows[1] = replace(rows[1], name=long_text("甲"))
    build_statistics_table(replace(statistics_data, rows=rows), tmp_path / "q.pdf")
    text = pdf_text(tmp_path / "q.pdf")
    assert count(text, "甲") == 2 * (LONG // 2)  # the period block and the year-to-date block
    assert rows[2].name in text
    assert "合计" in text
    own = replace(statistics_data, rows=rows[1:2], totals=None, enterprise_name=long_text("乙"),
                  signed_by=long_text("丙"))
    build_statistics_table(own, tmp_path / "e.pdf")
    text = pdf_text(tmp_path / "e.pdf")
    assert count(text, "丙") == LONG // 2 and count(text, "乙") >= LONG // 2


@pytest.mark.parametrize("builder", ["notice", "opinion"])
def test_a_4000_character_office_name_still_builds(tmp_path, notice_data, opinion_data, builder):
    if builder == "notice":
        notice_data.office_name = long_text("甲")
        written = build_notice(notice_data, tmp_path / "d.pdf")
    else:
        opinion_data.office_name = long_text("甲")
        written = build_opinion(opinion_data, tmp_path / "d.pdf")
    assert written.size > 0
    assert len(PdfReader(tmp_path / "d.pdf").pages) > 1


def test_footer_title_fits_the_page():
    assert footer_title("月度安全生产报告", "Helvetica", 8) == "月度安全生产报告"
    shortened = footer_title("甲" * 4000, "Helvetica", 8)
    assert shortened.endswith("…") and len(shortened) < 200

