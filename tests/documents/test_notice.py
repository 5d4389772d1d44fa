from datetime import date

import pytest
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.platypus import KeepTogether

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


def test_notice_orders_each_item_by_its_own_deadline_and_no_global_one(tmp_path, notice_data, pdf_text):
    build_notice(notice_data, tmp_path / "n.pdf")
    text = pdf_text(tmp_path / "n.pdf")
    assert "整改期限" in text
    for hazard in notice_data.hazards:
        assert cn_date(hazard.deadline) in text
    assert "责令你单位对上述问题分别于表列整改期限前整改完毕，达到有关法律法规规章和标准规定的要求" in text
    assert "责令你单位于" not in text  # no single deadline that could contradict the table


def test_notice_keeps_the_deadline_column_when_all_deadlines_are_equal(tmp_path, pdf_text, make_notice):
    data = make_notice(same_deadline=True)
    build_notice(data, tmp_path / "n.pdf")
    text = pdf_text(tmp_path / "n.pdf")
    assert "整改期限" in text and text.count(cn_date(data.hazards[0].deadline)) == len(data.hazards)


def test_notice_prints_the_addressee_inspection_and_the_hazard_description(tmp_path, notice_data, pdf_text):
    notice_data.hazards[0] = notice_data.hazards[0]._replace(description="东侧泵房两处可燃气体探头报警值设定错误")
    build_notice(notice_data, tmp_path / "n.pdf")
    text = pdf_text(tmp_path / "n.pdf")
    assert "统一社会信用代码：914403001922038216" in text
    assert "法定代表人：赵海涛" in text
    assert "单位地址：天津市滨海新区大港石化产业园区海港路18号" in text
    assert ("本机关执法人员于" + cn_date(date(2026, 11, 5)) + "在天津市滨海新区大港石化产业园区海港路18号"
            "（二号罐区、综合楼一层）依法对你单位进行安全生产检查") in text
    assert "东侧泵房两处可燃气体探头报警值设定错误" in text


def test_notice_prints_its_legal_basis_liability_remedies_and_copies(tmp_path, notice_data, pdf_text):
    build_notice(notice_data, tmp_path / "n.pdf")
    text = pdf_text(tmp_path / "n.pdf")
    assert "依据《中华人民共和国安全生产法》第六十五条的规定，现责令你单位" in text
    assert "由此造成事故的，依法追究有关人员的责任。" in text
    assert ("如果不服本指令，可以依法在60日内向天津市滨海新区人民政府申请行政复议，或者在6个月内依法向"
            "天津市滨海新区人民法院提起行政诉讼，但本指令不停止执行") in text
    assert text.endswith("本文书一式两份，一份由安全生产监管部门留存，一份交被检查单位。")


def test_a_reissued_notice_says_which_number_it_replaces(tmp_path, notice_data, pdf_text):
    notice_data.replaces = "（大港应急）责改〔2026〕第000号"
    build_notice(notice_data, tmp_path / "n.pdf")
    assert "本指令书代替（大港应急）责改〔2026〕第000号" in pdf_text(tmp_path / "n.pdf")


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
        for keep in story if isinstance(keep, KeepTogether)
        for flowable in keep._content
        for cell in flowable._cellvalues[0] if isinstance(cell, list)
        for drawing in cell if isinstance(drawing, Drawing)
        for shape in drawing.contents if isinstance(shape, QrCodeWidget)
    ]
    assert qr_values == ["https://yh.example.cn/hazards/101"]


def test_notice_refuses_an_item_due_before_the_issue_date(notice_data):
    data = notice_data
    with pytest.raises(ValueError, match="before the issue date"):
        NoticeData(**{**data.__dict__, "issued_on": date(2026, 11, 21)})


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
