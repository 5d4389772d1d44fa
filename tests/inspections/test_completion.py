"""Completing an inspection on site: summary, the enterprise's representative and a signature drawn on
the phone; it becomes read-only and its 现场检查记录 is issued at once with the results and the signature."""
import re
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from safety_app import inspections, lifecycle
from safety_app.documents import records
from safety_app.extensions import db
from safety_app.models import Document, DocumentKind, Event, InspectionResult
from safety_app.models.enums import InspectionStatus

from .conftest import data_url, signature_png, tap


def _complete(client, inspection, park, **fields):
    data = {"summary": "罐区、消防设施重点检查，总体受控。", "representative": "赵现场",
            "signature": data_url(signature_png()), "officers": [park.inspector.id, park.inspector2.id],
            "confirm_unanswered": "y", **fields}
    return client.post(f"/inspections/{inspection.id}/complete", data=data, content_type="multipart/form-data")


def _nothing_written(app, inspection):
    db.session.refresh(inspection)
    assert inspection.status == InspectionStatus.IN_PROGRESS and inspection.completed_at is None
    assert inspection.representative_signature is None
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0
    assert db.session.scalar(select(func.count()).select_from(Event).where(Event.action == "inspection.complete")) == 0
    signatures = Path(app.config["UPLOAD_DIR"]) / "signatures"
    assert not signatures.exists() or not [p for p in signatures.rglob("*") if p.is_file()]


def _pdf_text(path):
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_the_sign_off_page_offers_a_signature_box(client, inspection, as_inspector):
    page = client.get(f"/inspections/{inspection.id}/complete").get_data(as_text=True)
    assert "<canvas" in page and re.search(r"js/signature\.[0-9a-f]+\.js", page) and "被检查单位现场负责人签名" in page
    assert 'name="signature_file"' in page  # without JavaScript: a PNG file
    assert "18 个检查项目未记录结果" in page


def test_completion_requires_the_representative(app, client, park, inspection, as_inspector):
    response = _complete(client, inspection, park, representative="")
    assert response.status_code == 422
    _nothing_written(app, inspection)


def test_completion_requires_a_signature(app, client, park, inspection, as_inspector):
    response = _complete(client, inspection, park, signature="")
    assert response.status_code == 422
    assert "请被检查单位现场负责人在签名框内签名" in response.get_data(as_text=True)
    _nothing_written(app, inspection)


@pytest.mark.parametrize("signature", [
    "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ==",            # not a PNG data URL
    data_url(b"\x89PNG\r\n\x1a\nthis is not an image"),        # PNG magic, no image
    data_url(b"<svg xmlns='http://www.w3.org/2000/svg'/>"),   # something else called a PNG
    "data:image/png;base64,@@@not-base64@@@",
])
def test_a_signature_that_is_not_a_png_is_refused_and_nothing_is_written(app, client, park, inspection,
                                                                         as_inspector, signature):
    response = _complete(client, inspection, park, signature=signature)
    assert response.status_code == 422
    assert "签名不是 PNG 图片" in response.get_data(as_text=True)
    _nothing_written(app, inspection)


def test_an_empty_signature_box_is_refused(app, client, park, inspection, as_inspector):
    response = _complete(client, inspection, park, signature=data_url(signature_png(blank=True)))
    assert response.status_code == 422 and "签名框是空白的" in response.get_data(as_text=True)
    _nothing_written(app, inspection)


def test_a_huge_signature_is_refused(app, client, park, inspection, as_inspector):
    response = _complete(client, inspection, park, signature=data_url(signature_png(size=(4000, 300))))
    assert response.status_code == 422 and "签名图片过大" in response.get_data(as_text=True)
    _nothing_written(app, inspection)


def test_unanswered_items_need_a_confirmation(app, client, park, inspection, as_inspector):
    response = _complete(client, inspection, park, confirm_unanswered="")
    assert response.status_code == 422
    assert "还有 18 个检查项目未记录结果" in response.get_data(as_text=True)
    _nothing_written(app, inspection)


def test_officers_without_certificates_are_refused_and_nothing_is_written(app, client, park, inspection,
                                                                          as_inspector):
    park.inspector2.certificate_no = ""
    db.session.commit()
    response = _complete(client, inspection, park, officers=[park.inspector.id])
    assert response.status_code == 422
    _nothing_written(app, inspection)


def test_completion_closes_the_inspection_and_issues_the_record_with_results_and_signature(
        app, client, park, inspection, as_inspector):
    for code in inspections.reference.category_codes():
        tap(client, inspection, code, "passed")
    tap(client, inspection, "storage", "not_applicable")
    hazard = park.hazard(inspection=inspection, category="equipment", title="安全阀超期未校验")
    response = _complete(client, inspection, park, confirm_unanswered="")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.refresh(inspection)
    assert inspection.status == InspectionStatus.COMPLETED and inspection.completed_at is not None
    assert inspection.enterprise_representative == "赵现场"
    assert inspection.summary == "罐区、消防设施重点检查，总体受控。"
    signature = Path(app.config["UPLOAD_DIR"]) / inspection.representative_signature
    assert signature.read_bytes().startswith(b"\x89PNG")
    event = db.session.scalar(select(Event).where(Event.action == "inspection.complete"))
    assert event.actor_id == park.inspector.id and event.data["inspection_id"] == inspection.id
    assert event.data["results"] == {"passed": 16, "failed": 1, "not_applicable": 1, "unanswered": 0}

    document = records.current_record(inspection)
    assert document.kind == DocumentKind.INSPECTION_RECORD and document.version == 1
    pdf = records.reports_dir() / document.path
    text = _pdf_text(pdf)
    for expected in ("现场检查记录", document.number, park.a.name, "赵现场", "张检查", "李复查",
                     "消防安全", f"不合格（{hazard.code}）", "合格", "不适用", "安全阀超期未校验",
                     "罐区、消防设施重点检查"):
        assert expected in text, expected
    images = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert len(images.strip().splitlines()) - 2 >= 1  # the drawn signature is printed


def test_a_completed_inspection_is_read_only(app, client, park, inspection, as_inspector):
    tap(client, inspection, "fire", "passed")
    assert _complete(client, inspection, park).status_code == 302
    response = tap(client, inspection, "fire", "failed")
    assert response.status_code == 409 and "已完成" in response.get_json()["error"]["message"]
    assert db.session.scalar(select(InspectionResult.result).where(InspectionResult.item == "fire")) == "passed"
    assert client.post(f"/inspections/{inspection.id}/checklist", data={"summary": "改"}).status_code == 409
    with pytest.raises(lifecycle.Invalid):
        park.hazard(inspection=inspection)
    response = client.get(f"/inspections/{inspection.id}/hazards/new")
    assert response.status_code == 302
    response = client.get(f"/inspections/{inspection.id}/complete")
    assert response.status_code == 302  # already completed: back to the page
    assert db.session.scalar(select(func.count()).select_from(Document)) == 1
    page = client.get(f"/inspections/{inspection.id}").get_data(as_text=True)
    assert 'name="result"' not in page and "已完成" in page and "赵现场" in page


def test_without_javascript_a_png_file_signs(app, client, park, inspection, as_inspector):
    import io

    response = _complete(client, inspection, park, signature="",
                         signature_file=(io.BytesIO(signature_png()), "signature.png"))
    assert response.status_code == 302
    db.session.refresh(inspection)
    assert inspection.status == InspectionStatus.COMPLETED


def test_an_optional_inspector_signature_is_printed_too(app, client, park, inspection, as_inspector):
    response = _complete(client, inspection, park, inspector_signature=data_url(signature_png()))
    assert response.status_code == 302
    db.session.refresh(inspection)
    assert inspection.inspector_signature and inspection.representative_signature != inspection.inspector_signature
    pdf = records.reports_dir() / records.current_record(inspection).path
    images = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert len(images.strip().splitlines()) - 2 >= 2


def test_an_enterprise_user_cannot_complete(app, client, park, inspection, login_as):
    login_as(park.user_a)
    assert _complete(client, inspection, park).status_code == 403
    _nothing_written(app, inspection)


def test_the_api_refuses_a_hazard_for_a_completed_inspection_naming_the_field(app, client, park, inspection,
                                                                              as_inspector):
    from datetime import timedelta

    from tests.api.conftest import ApiClient, issue_token

    assert _complete(client, inspection, park).status_code == 302
    api = ApiClient(client, issue_token(client, park.inspector))
    response = api.post("/hazards", json={
        "enterprise_id": park.a.id, "inspection_id": inspection.id, "title": "压力表超期未检定",
        "category": "equipment", "deadline": (inspection.inspected_on + timedelta(days=7)).isoformat()})
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "inspection_id"
    assert not inspection.hazards
