import pytest

from safety_app.documents import OpinionData, build_opinion


def test_opinion_references_notice_and_prints_each_finding(tmp_path, opinion_data, pdf_text):
    build_opinion(opinion_data, tmp_path / "o.pdf")
    text = pdf_text(tmp_path / "o.pdf")
    assert "整改复查意见书" in text
    assert "（大港应急）复查〔2026〕第001号" in text
    assert "（大港应急）责改〔2026〕第001号" in text
    assert "天津渤海湾精细化工有限公司：" in text
    for item in opinion_data.items:
        assert item.code in text and item.title in text
        assert f"复查结果{item.result}" in text
        assert f"复查人员{item.inspectors}" in text
        assert f"复查意见{item.opinion}" in text
    for day in ("2026年12月3日", "2026年12月4日", "2026年12月5日"):
        assert day in text  # each item's own re-inspection date
    assert "企业整改情况已按要求加装报警仪" in text
    assert text.count("企业整改情况") == 1  # only the item that quotes it
    assert "张建国（执法证号：TJ12010001）；王立新（执法证号：TJ12010002）" in text
    assert "共复查3项：合格2项，不合格1项" in text and "继续整改" in text
    assert "2026年12月8日" in text  # the issue date


def test_opinion_with_every_item_passed_says_so(tmp_path, opinion_data, pdf_text):
    opinion_data.items = [i._replace(result="合格") for i in opinion_data.items]
    build_opinion(opinion_data, tmp_path / "o.pdf")
    text = pdf_text(tmp_path / "o.pdf")
    assert "上述问题经复查已整改合格" in text and "不合格" not in text


def test_opinion_rejects_unknown_result(opinion_data):
    with pytest.raises(ValueError, match="result"):
        OpinionData(**{**opinion_data.__dict__, "items": [opinion_data.items[0]._replace(result="已整改")]})
