from datetime import date

import pytest
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing

from safety_app.documents import NoticeData, build_notice, cn_date
from safety_app.documents.layout import make_styles
from safety_app.documents.notice import PLAN_ELEMENTS, notice_story


def test_notice_shows_number_enterprise_and_every_hazard(tmp_path, notice_data, pdf_text):
    build_notice(notice_data, tmp_path / "n.pdf")
    text = pdf_text(tmp_path / "n.pdf")
    assert "责令限期整改指令书" in text
    assert "（大港应急）责改〔2026〕第001号" in text
    assert "天津渤海湾精细化工有限公司：" in text
    assert "经查，你单位存在下列问题：" in text
    for hazard in notice_data.hazards:
        assert "".join(hazard.title.split()) in text
        assert hazard.code in text


def test_notice_orders_rectification_by_the_latest_deadline(tmp_path, notice_data, pdf_text):
    build_notice(notice_data, tmp_path / "n.pdf")
    text = pdf_text(tmp_path / "n.pdf")
    assert "责令你单位于2026年12月6日前整改完毕，达到有关法律法规规章和标准规定的要求" in text


def test_notice_lists_each_deadline_when_they_differ(tmp_path, notice_data, pdf_text):
    build_notice(notice_data, tmp_path / "n.pdf")
    text = pdf_text(tmp_path / "n.pdf")
    assert "整改期限" in text
    assert "2026年11月20日" in text


def test_notice_without_deadline_column_when_all_deadlines_equal(tmp_path, pdf_text, make_notice):
    build_notice(make_notice(same_deadline=True), tmp_path / "n.pdf")
    text = pdf_text(tmp_path / "n.pdf")
    assert "整改期限" not in text
    assert "2026年12月6日前整改完毕" in text


def test_notice_requires_governance_plan_for_major_hazard(tmp_path, notice_data, pdf_text):
    build_notice(notice_data, tmp_path / "n.pdf")
    text = pdf_text(tmp_path / "n.pdf")
    assert "【重大事故隐患】" + notice_data.hazards[1].title in text
    assert "上述第2项为重大事故隐患" in text
    for element in PLAN_ELEMENTS:
        assert element in text


def test_notice_without_major_hazard_has_no_plan_paragraph(tmp_path, notice_data, pdf_text):
    notice_data.hazards = [h._replace(level="general") for h in notice_data.hazards]
    build_notice(notice_data, tmp_path / "n.pdf")
    assert "治理方案" not in pdf_text(tmp_path / "n.pdf")


def test_notice_names_inspectors_receipt_office_and_date(tmp_path, notice_data, pdf_text):
    build_notice(notice_data, tmp_path / "n.pdf")
    text = pdf_text(tmp_path / "n.pdf")
    assert "张建国（执法证号：TJ12010001）" in text
    assert "李晓梅（执法证号：TJ12010002）" in text
    assert "被检查单位负责人签收：" in text and "日期：" in text
    assert "天津市滨海新区大港街道应急管理办公室" in text
    assert cn_date(notice_data.issued_on) in text


def test_notice_keeps_markup_characters_as_text(tmp_path, notice_data, pdf_text):
    build_notice(notice_data, tmp_path / "n.pdf")
    assert "应急照明失效<不合格>" in pdf_text(tmp_path / "n.pdf")
    assert "&" in pdf_text(tmp_path / "n.pdf")


def test_notice_carries_qr_code_of_the_hazard_url(notice_data):
    story = notice_story(notice_data, make_styles("Helvetica"))
    qr_values = [
        shape.value
        for flowable in story[-1]._content
        for cell in flowable._cellvalues[0] if isinstance(cell, list)
        for drawing in cell if isinstance(drawing, Drawing)
        for shape in drawing.contents if isinstance(shape, QrCodeWidget)
    ]
    assert qr_values == ["https://yh.example.cn/hazards/101"]


def test_notice_deadline_must_be_the_latest_hazard_deadline(notice_data):
    data = notice_data
    with pytest.raises(ValueError, match="latest"):
        NoticeData(**{**data.__dict__, "deadline": date(2026, 11, 20)})


def test_notice_returns_hash_and_size_of_the_file(tmp_path, notice_data):
    import hashlib

    written = build_notice(notice_data, tmp_path / "n.pdf")
    content = (tmp_path / "n.pdf").read_bytes()
    assert written.sha256 == hashlib.sha256(content).hexdigest()
    assert written.size == len(content)


def test_same_notice_data_at_the_same_moment_gives_identical_bytes(tmp_path, notice_data, time_machine):
    time_machine.move_to("2026-11-06 10:00:00+08:00", tick=False)
    first = build_notice(notice_data, tmp_path / "a.pdf")
    second = build_notice(notice_data, tmp_path / "b.pdf")
    assert first == second


def test_notice_is_not_overwritten_silently(tmp_path, notice_data):
    build_notice(notice_data, tmp_path / "n.pdf")
    with pytest.raises(FileExistsError):
        build_notice(notice_data, tmp_path / "n.pdf")
    build_notice(notice_data, tmp_path / "n.pdf", overwrite=True)


def test_no_line_starts_with_closing_punctuation(tmp_path, notice_data):
    from pypdf import PdfReader

    build_notice(notice_data, tmp_path / "n.pdf")
    lines = PdfReader(tmp_path / "n.pdf").pages[0].extract_text().splitlines()
    assert not [line for line in lines if line.strip()[:1] in "，；：。、）》"]
