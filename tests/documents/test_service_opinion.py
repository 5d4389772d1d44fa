"""Re-inspection opinions answering a notice."""
import pytest

from safety_app.clock import today
from safety_app.documents import cn_date, service
from safety_app.documents.service import DocumentError


def test_opinion_references_the_notice_and_gives_each_hazards_result(park, rectify, pdf_text):
    closed = park.hazard(title="安全阀超期未校验")
    verified = park.hazard(title="罐区紧急切断阀未投用", major=True)
    partial = park.hazard(title="动火作业票证审批不规范")
    untouched = park.hazard(title="消防通道被物料占用")
    notice = service.issue_notice([closed, verified, partial, untouched], park.inspector, officers=park.officers)
    rectify(closed, "closed")
    rectify(verified, "verified")
    rectify(partial, "partial")
    opinion = service.issue_opinion(notice, park.inspector2)
    text = pdf_text(service.file_path(opinion))
    year = today().year
    assert opinion.number == f"（大港应急）复查〔{year}〕第001号" and opinion.number in text
    assert notice.number in text
    assert "安全阀超期未校验已整改" in text
    assert "罐区紧急切断阀未投用已整改" in text
    assert "动火作业票证审批不规范部分整改已完成整改措施1/2项" in text
    assert "消防通道被物料占用未整改" in text
    assert "李复查" in text and cn_date(today()) in text
    assert [h.id for h in opinion.hazards] == [closed.id, verified.id, partial.id, untouched.id]


def test_submitted_hazard_with_every_measure_done_is_partly_rectified_until_verified(park, rectify):
    hazard = rectify(park.hazard(), "submitted")
    assert service.reinspection_result(hazard)[0] == "部分整改"


def test_opinion_numbers_have_their_own_sequence(park, rectify):
    notice = service.issue_notice([park.hazard()], park.inspector, officers=park.officers)
    service.issue_notice([park.hazard()], park.inspector, officers=park.officers)
    assert service.issue_opinion(notice, park.inspector).number.endswith(f"复查〔{today().year}〕第001号")
    assert service.issue_opinion(notice, park.inspector).number.endswith("第002号")


def test_opinion_answers_the_newest_version_of_the_notice(park, pdf_text):
    old = service.issue_notice([park.hazard()], park.inspector, officers=park.officers)
    new = service.reissue_notice(old, park.inspector, officers=park.officers)
    text = pdf_text(service.file_path(service.issue_opinion(old, park.inspector)))
    assert new.number in text
    assert old.number not in text


def test_only_a_notice_gets_an_opinion(park):
    notice = service.issue_notice([park.hazard()], park.inspector, officers=park.officers)
    opinion = service.issue_opinion(notice, park.inspector)
    with pytest.raises(DocumentError):
        service.issue_opinion(opinion, park.inspector)
