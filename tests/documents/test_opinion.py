import pytest

from safety_app.documents import OpinionData, build_opinion


def test_opinion_references_notice_and_lists_results(tmp_path, opinion_data, pdf_text):
    build_opinion(opinion_data, tmp_path / "o.pdf")
    text = pdf_text(tmp_path / "o.pdf")
    assert "整改复查意见书" in text
    assert "（大港应急）复查〔2026〕第001号" in text
    assert "（大港应急）责改〔2026〕第001号" in text
    assert "天津渤海湾精细化工有限公司：" in text
    for item in opinion_data.items:
        assert item.code in text
        assert item.title in text
    for result in ("已整改", "部分整改", "未整改"):
        assert result in text
    assert "张建国（执法证号：TJ12010001）" in text
    assert "2026年12月8日" in text


def test_opinion_all_rectified_agrees_to_close(tmp_path, opinion_data, pdf_text):
    opinion_data.items = [i._replace(result="已整改") for i in opinion_data.items]
    build_opinion(opinion_data, tmp_path / "o.pdf")
    assert "已全部整改完毕" in pdf_text(tmp_path / "o.pdf")


def test_opinion_rejects_unknown_result(opinion_data):
    with pytest.raises(ValueError, match="result"):
        OpinionData(**{**opinion_data.__dict__, "items": [("YH-1", "x", "差不多", "")]})
