"""Layout rules every document follows, read back from the PDFs with pypdf.

The closing block (signatures, seal, date) never stands alone on a page;
continuation pages carry the document number; running headers and footers
wrap and stay in the margins; Chinese line breaking (no closing mark at a line
start, no opening mark at a line end); standard and document numbers kept on
one line; dates without zero padding; the PDF metadata carries the real time.
"""
import re
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from safety_app.documents import (
    build_monthly_report,
    build_notice,
    build_opinion,
)
from safety_app.documents.fonts import register_cjk_font
from safety_app.documents.layout import MARGIN, closing, make_styles, para, write_pdf
from safety_app.documents.linebreak import forbidden_breaks
from tests.documents.conftest import OFFICE, TITLES

CLOSING_MARKS = "）】」』》〉〕，。、；：？！"
OPENING_MARKS = "（【「『《〈〔"
STANDARDS = ["GB 50160-2008", "AQ 3067-2026 5.1.5", "安监总管三〔2017〕121号", "GB/T 9704-2012"]
NAME_60 = "天津" + "渤海湾大港石化产业园区精细化工新材料科技股份" * 2 + "有限责任公司大港第十一分公司"


def lines_of(path):
    """Per page, the extracted text lines (pypdf keeps the line breaks), stripped."""
    return [[line.strip() for line in page.extract_text().splitlines() if line.strip()]
            for page in PdfReader(path).pages]


def squash(text):
    return "".join(text.split())


# --------------------------------------------------------------------------- closing block


def _synthetic(tmp_path, name, lead_chars):
    """Filler paragraphs, then a lead paragraph of ``lead_chars`` 乙, then a closing block."""
    st = make_styles(register_cjk_font())
    story = [para("甲" * 200, st.body) for _ in range(9)]
    story.append(para("乙" * lead_chars, st.body_indent))
    story += closing([para("检查人员（签名）：________", st.body), para("被检查单位负责人签收：____", st.body),
                      para(OFFICE, st.right), para("（印章）", st.right), para("2026年12月2日", st.right)])
    path = tmp_path / name
    write_pdf(path, story, font=st.font, title="测试文书", author=OFFICE, subject="（测试）〔2026〕第1号")
    return path


def test_the_closing_block_never_stands_alone_on_a_page(tmp_path, page_texts):
    # Grow the last paragraph line by line across the point where the block no longer fits.
    pages_seen = set()
    for n, chars in enumerate(range(0, 1200, 40)):
        path = _synthetic(tmp_path, f"s{n}.pdf", chars)
        pages = page_texts(path)
        block_page = next(p for p in pages if "（印章）" in p)
        assert "签收" in block_page and "检查人员（签名）" in block_page  # the block itself is whole
        assert "乙" in block_page or ("甲" in block_page and chars == 0), chars
        pages_seen.add(len(pages))
    assert len(pages_seen) > 1  # the sizes tried did push the block onto a new page


@pytest.mark.parametrize("count", range(1, 13))
def test_the_notice_block_shares_its_page_with_the_body(tmp_path, make_notice, page_texts, count):
    data = make_notice()
    base = data.hazards
    data.hazards = [base[i % 3]._replace(code=f"YH-2026-{i:06d}", title=TITLES[i % len(TITLES)] * (1 + i % 3))
                    for i in range(count)]
    data.deadline = max(h.deadline for h in data.hazards)
    build_notice(data, tmp_path / "n.pdf")
    pages = page_texts(tmp_path / "n.pdf")
    block_page = next(p for p in pages if "（印章）" in p)
    # Between the running header (the number, on a continuation page) and the officers, body text.
    start = block_page.index(data.number) + len(data.number) if block_page.count(data.number) else 0
    assert len(block_page[start:block_page.index("检查人员：")].strip()) > 0


def test_opinion_and_monthly_blocks_share_their_page(tmp_path, opinion_data, make_monthly, page_texts):
    opinion_data.items = opinion_data.items * 9
    build_opinion(opinion_data, tmp_path / "o.pdf")
    monthly = make_monthly(hazards=60, enterprises=8)
    build_monthly_report(monthly, tmp_path / "m.pdf")
    for name, body in (("o.pdf", "共复查"), ("m.pdf", "YH-2026-")):
        page = next(p for p in page_texts(tmp_path / name) if "（印章）" in p)
        first = page.index("（印章）")
        assert len(page[:first]) > 40 and body in page, name


@pytest.mark.parametrize("hazards", range(100, 260, 20))
def test_a_report_ending_in_a_long_table_keeps_its_last_rows_with_the_sign_off(tmp_path, make_monthly,
                                                                               page_texts, hazards):
    build_monthly_report(make_monthly(hazards=hazards, enterprises=12), tmp_path / "m.pdf")
    block_page = next(p for p in page_texts(tmp_path / "m.pdf") if "签发：" in p)
    assert "YH-2026-" in block_page.split("签发：")[0]  # rows of the overdue list above the sign-off


def test_a_block_that_fits_stays_on_the_page(tmp_path, notice_data, opinion_data):
    # Keeping the block with the body must not push it over when there is room.
    notice_data.hazards = notice_data.hazards[:1]
    build_notice(notice_data, tmp_path / "n.pdf")
    build_opinion(opinion_data, tmp_path / "o.pdf")
    assert len(PdfReader(tmp_path / "n.pdf").pages) == 1
    assert len(PdfReader(tmp_path / "o.pdf").pages) == 1


# --------------------------------------------------------------------------- running header and footer


def test_continuation_pages_carry_the_document_number(tmp_path, make_notice, page_texts):
    data = make_notice()
    data.hazards = [data.hazards[i % 3]._replace(code=f"YH-2026-{i:06d}") for i in range(30)]
    build_notice(data, tmp_path / "n.pdf")
    pages = page_texts(tmp_path / "n.pdf")
    assert len(pages) >= 3
    for number, page in enumerate(pages[1:], 2):
        assert squash(data.number) in page and f"第{number}页" in page


def _text_positions(path):
    """Per page, (text, y) of every drawn text block.

    A paragraph is drawn with its bottom left corner moved to by ``cm``, so y is
    where the paragraph ends (pypdf's text matrix is not reliable after its
    first line); a plain table cell string is placed by the text matrix.
    """
    out = []
    for page in PdfReader(path).pages:
        found = []

        def visit(text, cm, tm, font_dict, font_size, found=found):
            if text.strip():
                found.append((text, cm[5] if cm[5] else tm[5]))

        page.extract_text(visitor_text=visit)
        out.append((found, float(page.mediabox.height)))
    return out


def test_a_60_character_name_wraps_in_the_footer_and_stays_in_the_margin(tmp_path, make_monthly):
    data = make_monthly(hazards=120, enterprises=10)
    assert len(NAME_60) == 60
    data.scope_name = NAME_60
    build_monthly_report(data, tmp_path / "m.pdf")
    for number, (fragments, height) in enumerate(_text_positions(tmp_path / "m.pdf"), 1):
        footer = [(t, y) for t, y in fragments if y < MARGIN]
        assert footer and all(y > 3 * mm for _, y in footer)  # on the page
        footer_text = squash("".join(t for t, _ in footer))
        assert NAME_60 in footer_text and f"第{number}页" in footer_text  # whole, not shortened
        body = [(t, y) for t, y in fragments if MARGIN <= y <= height - MARGIN]
        assert body  # and the body keeps its place above it
        header = [(t, y) for t, y in fragments if y > height - MARGIN]
        assert all(y < height - 3 * mm for _, y in header)
        if number > 1:
            assert NAME_60 in squash("".join(t for t, _ in header))


# --------------------------------------------------------------------------- Chinese line breaking

PUNCTUATED = ("依据《危险化学品安全管理条例》（国务院令第591号）第二十条、《中华人民共和国安全生产法》"
              "（2021年修正）第四十一条，经查：储罐区（二号）未设置紧急切断装置；【整改要求】"
              "「立即停用」，“限期整改”。依据GB 50160-2008及AQ 3067-2026 5.1.5、安监总管三〔2017〕121号，"
              "参照GB/T 9704-2012？是！")


def _punctuated_notice(make_notice, shift):
    data = make_notice()
    text = "甲" * shift + PUNCTUATED * 3
    # The problem column and the body are wide enough for any of the numbers; a narrow column
    # (the 24 mm location) may have to break "AQ 3067-2026 5.1.5" at its space.
    data.hazards = [h._replace(title=text) for h in data.hazards]
    data.enterprise_address = text
    return data


@pytest.mark.parametrize("shift", range(0, 12))
def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one(tmp_path, make_notice, shift):
    build_notice(_punctuated_notice(make_notice, shift), tmp_path / "n.pdf")
    for page in lines_of(tmp_path / "n.pdf"):
        for line in page:
            assert line[0] not in CLOSING_MARKS, line
            assert line[-1] not in OPENING_MARKS, line


@pytest.mark.parametrize("shift", range(0, 12))
def test_standard_and_document_numbers_are_never_split(tmp_path, make_notice, shift):
    build_notice(_punctuated_notice(make_notice, shift), tmp_path / "n.pdf")
    pages = lines_of(tmp_path / "n.pdf")
    whole = squash("".join("".join(page) for page in pages))
    by_line = [squash(line) for page in pages for line in page]
    for number in STANDARDS:
        total = whole.count(squash(number))
        assert total >= 3
        assert sum(line.count(squash(number)) for line in by_line) == total, number


def test_break_rules_of_the_line_breaker():
    rules = forbidden_breaks("甲（乙）。GB 50160-2008丙")
    text = "甲（乙）。GB 50160-2008丙"
    assert rules[text.index("（") + 1]  # not after an opening mark
    assert rules[text.index("）")] and rules[text.index("。")]  # not before closing marks
    assert all(rules[k] for k in range(text.index("G") + 1, text.index("丙")))  # the standard stays whole
    assert not rules[text.index("丙")] and not rules[text.index("G")]


# --------------------------------------------------------------------------- dates and metadata


def test_body_dates_are_not_zero_padded(tmp_path, make_notice, pdf_text):
    data = make_notice()
    data.issued_on = date(2026, 12, 2)
    data.hazards = [h._replace(deadline=date(2027, 1, 5)) for h in data.hazards]
    data.deadline = date(2027, 1, 5)
    build_notice(data, tmp_path / "n.pdf")
    text = pdf_text(tmp_path / "n.pdf")
    assert "2026年12月2日" in text and "2027年1月5日" in text
    assert not re.search(r"年0\d月|月0\d日", text)


def test_pdf_metadata_carries_the_real_creation_time_title_and_office(tmp_path, notice_data, time_machine):
    time_machine.move_to("2026-12-02 09:15:30+08:00", tick=False)
    build_notice(notice_data, tmp_path / "n.pdf")
    meta = PdfReader(tmp_path / "n.pdf").metadata
    expected = datetime(2026, 12, 2, 1, 15, 30, tzinfo=UTC)
    assert meta.creation_date == expected and meta.modification_date == expected
    assert meta.title == "责令限期整改指令书" and meta.author == notice_data.office_name


def test_a_later_build_has_a_later_date(tmp_path, notice_data, time_machine):
    time_machine.move_to("2026-12-02 09:00:00+08:00", tick=False)
    build_notice(notice_data, tmp_path / "a.pdf")
    time_machine.move_to("2026-12-03 09:00:00+08:00", tick=False)
    build_notice(notice_data, tmp_path / "b.pdf")
    a, b = (PdfReader(tmp_path / n).metadata.creation_date for n in ("a.pdf", "b.pdf"))
    assert (b - a).days == 1


def test_a_reissued_notice_names_the_number_it_replaces(tmp_path, notice_data, pdf_text):
    notice_data.number = "（大港应急）责改〔2026〕第007号"
    notice_data.replaces = "（大港应急）责改〔2026〕第003号"
    build_notice(notice_data, tmp_path / "n.pdf")
    assert "本指令书代替（大港应急）责改〔2026〕第003号" in pdf_text(tmp_path / "n.pdf")
    notice_data.replaces = None
    build_notice(notice_data, tmp_path / "first.pdf")
    assert "代替" not in pdf_text(tmp_path / "first.pdf")
