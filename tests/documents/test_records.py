"""现场检查记录 and 隐患整改通知书: what they print (pypdf), how they are numbered, who may issue them."""
import pytest

from safety_app import lifecycle
from safety_app.clock import today
from safety_app.documents import cn_date, records
from safety_app.documents.errors import DocumentError
from safety_app.extensions import db
from safety_app.models import DocumentKind
from tests.conftest import major_criterion


@pytest.fixture
def officers(park):
    park.inspector2.certificate_no = "津应急执120002"
    park.a.legal_representative = "王法人"
    park.a.address = "天津市滨海新区大港石化产业园区海港路18号"
    db.session.commit()
    return [park.inspector, park.inspector2]


@pytest.fixture
def inspection(park, officers):
    set_code, clause = major_criterion()
    inspection = lifecycle.start_inspection(
        park.inspector, enterprise=park.a, inspection_type="routine", inspectors=[park.inspector2],
        checklist=["equipment", "fire", f"criterion:{set_code}:{clause}"],
        summary="重点检查了罐区和消防设施，企业安全管理总体受控。")
    park.hazard(inspection=inspection, title="安全阀超期未校验", category="equipment")
    park.hazard(inspection=inspection, title="储罐未设紧急切断", major=True)
    return inspection


def _file(document):
    return records.reports_dir() / document.path


def test_inspection_record_prints_every_element(park, officers, inspection, pdf_text):
    document = records.issue_inspection_record(inspection, park.inspector, [u.id for u in officers], "赵现场")
    assert document.kind == DocumentKind.INSPECTION_RECORD
    assert document.number == f"（大港应急）检记〔{today().year}〕第001号"
    assert [u.id for u in document.officers] == [u.id for u in officers]
    assert inspection.enterprise_representative == "赵现场"
    text = pdf_text(_file(document))
    a = park.a
    for expected in ("现场检查记录", document.number, a.name, a.credit_code, "王法人",
                     "天津市滨海新区大港石化产业园区海港路18号", cn_date(inspection.inspected_on),
                     "张检查（执法证号：津应急执120001）", "李复查（执法证号：津应急执120002）", "赵现场",
                     "重点检查了罐区和消防设施", "检查人员（签名）", "被检查单位现场负责人（签名）"):
        assert expected in text, expected
    for hazard in inspection.hazards:
        assert hazard.code in text and hazard.title in text and cn_date(hazard.deadline) in text
    assert "重大事故隐患" in text and "一般事故隐患" in text
    # the checklist with results: filing a hazard made its section 不合格 (naming it), a section
    # ticked without a result found nothing
    equipment = next(h for h in inspection.hazards if h.category == "equipment" and not h.is_major)
    assert f"不合格（{equipment.code}" in text and "未发现问题" in text


def test_inspection_record_needs_two_certified_officers_and_the_representative(park, officers, inspection):
    park.inspector2.certificate_no = ""
    db.session.commit()
    with pytest.raises(DocumentError):
        records.issue_inspection_record(inspection, park.inspector, [park.inspector.id, park.inspector2.id], "赵现场")
    park.inspector2.certificate_no = "津应急执120002"
    db.session.commit()
    with pytest.raises(DocumentError):
        records.issue_inspection_record(inspection, park.inspector, [park.inspector.id, park.inspector2.id], "  ")
    with pytest.raises(DocumentError):
        records.issue_inspection_record(inspection, park.user_a, [park.inspector.id, park.inspector2.id], "赵现场")
    # nothing was numbered by the refusals
    document = records.issue_inspection_record(inspection, park.inspector, officers, "赵现场")
    assert document.number.endswith("第001号")


def test_a_second_record_replaces_the_first_and_says_so(park, officers, inspection, pdf_text):
    first = records.issue_inspection_record(inspection, park.inspector, officers, "赵现场")
    second = records.issue_inspection_record(inspection, park.inspector2, officers, "钱现场")
    assert (second.version, second.supersedes_id) == (2, first.id)
    assert second.number.endswith("第002号")
    assert f"本文书替代{first.number}" in pdf_text(_file(second))
    assert _file(first).is_file()


def test_staff_rectification_notice_lists_items_and_names_the_issuer(park, officers, inspection, pdf_text):
    hazard = inspection.hazards[0]
    hazard.responsible_person = "孙设备"
    hazard.description = "二号罐区东侧安全阀校验日期为2024年3月，已超期。"
    db.session.commit()
    document = records.issue_rectification_notice([hazard], park.inspector, department="园区安全监管科")
    assert document.kind == DocumentKind.RECTIFICATION and document.enterprise_id == park.a.id
    assert document.number == f"（大港应急）隐改〔{today().year}〕第001号"
    text = pdf_text(_file(document))
    for expected in ("隐患整改通知书", park.a.name, hazard.code, hazard.title, "二号罐区东侧安全阀校验日期为2024年3月",
                     "罐区", cn_date(hazard.deadline), "孙设备", "签发部门：园区安全监管科", "签发人：张检查",
                     "接收人签收"):
        assert expected in text, expected
    for enforcement in ("责令", "行政复议", "执法证号"):
        assert enforcement not in text


def test_an_enterprise_issues_for_its_own_hazards_numbered_by_its_credit_code(park, inspection, pdf_text):
    hazards = records.rectifiable(inspection.hazards)
    document = records.issue_rectification_notice(hazards, park.user_a, department="安全环保部")
    assert document.number == f"（{park.a.credit_code}）隐改〔{today().year}〕第001号"
    text = pdf_text(_file(document))
    assert "签发部门：安全环保部" in text and park.a.name in text
    other = park.hazard(enterprise=park.b)
    with pytest.raises(DocumentError) as refused:
        records.issue_rectification_notice([other], park.user_a, department="安全环保部")
    assert refused.value.status == 404
    # the office's own counter is separate
    office = records.issue_rectification_notice(hazards, park.inspector, department="园区安全监管科")
    assert office.number.endswith("第001号") and office.number.startswith("（大港应急）")


def test_closed_or_withdrawn_hazards_are_refused_with_a_reason(park, inspection):
    hazard = inspection.hazards[0]
    lifecycle.apply(hazard, "withdraw", park.admin, version=hazard.version, reason="重复登记")
    with pytest.raises(DocumentError) as refused:
        records.issue_rectification_notice([hazard], park.inspector, department="园区安全监管科")
    assert refused.value.status == 409 and hazard.code in str(refused.value.message)
    assert hazard not in records.rectifiable(inspection.hazards)


# --------------------------------------------------------------------------- web


def test_staff_issue_the_record_from_the_inspection_page(client, park, officers, inspection, login_as):
    login_as(park.inspector)
    page = client.get(f"/inspections/{inspection.id}")
    assert f"/reports/inspections/{inspection.id}/record" in page.get_data(as_text=True)
    form = client.get(f"/reports/inspections/{inspection.id}/record")
    assert form.status_code == 200 and "津应急执120002" in form.get_data(as_text=True)
    one = client.post(f"/reports/inspections/{inspection.id}/record",
                      data={"officers": [park.inspector.id], "representative": "赵现场"})
    assert one.status_code == 422, one.get_data(as_text=True)
    assert "至少两名" in one.get_data(as_text=True)
    done = client.post(f"/reports/inspections/{inspection.id}/record",
                       data={"officers": [park.inspector.id, park.inspector2.id], "representative": "赵现场"})
    assert done.status_code == 302
    record = db.session.scalar(db.select(records.Document).where(
        records.Document.kind == DocumentKind.INSPECTION_RECORD.value))
    login_as(park.user_a)
    download = client.get(f"/reports/{record.id}/download")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert "filename*=UTF-8''" in download.headers["Content-Disposition"]
    login_as(park.user_b)
    assert client.get(f"/reports/{record.id}/download").status_code == 404


def test_enterprise_issues_a_rectification_notice_from_the_hazard_page(client, park, inspection, login_as):
    hazard = inspection.hazards[0]
    login_as(park.user_a)
    assert f"/reports/hazards/{hazard.id}/rectification" in client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert client.get(f"/reports/hazards/{hazard.id}/rectification").status_code == 200
    empty = client.post(f"/reports/hazards/{hazard.id}/rectification", data={"department": ""})
    assert empty.status_code == 422
    done = client.post(f"/reports/hazards/{hazard.id}/rectification", data={"department": "安全环保部"})
    assert done.status_code == 302
    assert records.rectifiable([hazard]) == [hazard]
    login_as(park.user_b)
    assert client.get(f"/reports/hazards/{hazard.id}/rectification").status_code == 404
    assert client.post(f"/reports/inspections/{inspection.id}/rectification",
                       data={"department": "安全环保部"}).status_code == 404


def test_the_form_refuses_a_withdrawn_hazard_clearly(client, park, inspection, login_as):
    hazard = inspection.hazards[0]
    lifecycle.apply(hazard, "withdraw", park.admin, version=hazard.version, reason="重复登记")
    login_as(park.inspector)
    page = client.get(f"/reports/hazards/{hazard.id}/rectification").get_data(as_text=True)
    assert "已销号或已撤销" in page and hazard.code in page and 'name="department"' not in page
    response = client.post(f"/reports/hazards/{hazard.id}/rectification", data={"department": "园区安全监管科"})
    assert response.status_code == 409 and "已销号或已撤销" in response.get_data(as_text=True)
    assert "/rectification" not in client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
