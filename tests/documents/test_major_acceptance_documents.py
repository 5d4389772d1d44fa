"""The acceptance of a closed major hazard (验收销号) is printed in the documents."""
import pytest

from safety_app import lifecycle
from safety_app.clock import today
from safety_app.documents import cn_date, service
from safety_app.extensions import db


@pytest.fixture
def officers(park):
    park.inspector2.certificate_no = "津应急执120002"
    db.session.commit()
    return [park.inspector, park.inspector2]


def _accept(hazard, admin):
    lifecycle.apply(hazard, "close", admin, version=hazard.version, acceptance_opinion="治理效果良好，同意销号",
                    accepted_on=today(), accepted_by="王验收、赵专家")


def test_reinspection_opinion_prints_the_acceptance_of_a_closed_major_hazard(park, rectify, officers, pdf_text):
    major = park.hazard(title="罐区紧急切断阀未投用", major=True)
    general = park.hazard(title="消防通道被物料占用")
    notice = service.issue_notice([major, general], park.inspector, officers=park.officers)
    rectify(major, "verified")
    _accept(major, park.admin)
    text = pdf_text(service.file_path(service.issue_opinion(notice, park.inspector2, officers=officers)))
    assert "重大事故隐患验收销号情况" in text
    assert "王验收、赵专家" in text and "治理效果良好，同意销号" in text and cn_date(today()) in text


def test_opinion_without_an_accepted_major_hazard_has_no_acceptance_section(park, rectify, officers, pdf_text):
    major = park.hazard(title="罐区紧急切断阀未投用", major=True)
    notice = service.issue_notice([major], park.inspector, officers=park.officers)
    rectify(major, "verified")
    text = pdf_text(service.file_path(service.issue_opinion(notice, park.inspector2, officers=officers)))
    assert "验收销号情况" not in text


def test_monthly_report_gives_the_acceptance_date_of_a_closed_major_hazard(park, rectify):
    major = park.hazard(title="罐区紧急切断阀未投用", major=True)
    rectify(major, "verified")
    _accept(major, park.admin)
    data = service.monthly_data(f"{today():%Y-%m}")
    [row] = [r for r in data.major_hazards if r.code == major.code]
    assert row.status_label == f"已销号（{today().month}月{today().day}日验收）"


def test_notice_reissued_after_reclassification_carries_the_major_hazard_text(park, pdf_text):
    hazard = park.hazard(title="罐区防火堤破损")
    notice = service.issue_notice([hazard], park.inspector, officers=park.officers)
    assert "治理方案" not in pdf_text(service.file_path(notice))
    lifecycle.apply(hazard, "reclassify", park.inspector, version=hazard.version, level="major",
                    major_ground="suspension", reason="需局部停产后重建")
    text = pdf_text(service.file_path(service.reissue_notice(notice, park.inspector, officers=park.officers)))
    assert "重大事故隐患治理方案" in text
