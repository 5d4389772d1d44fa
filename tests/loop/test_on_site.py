"""The inspector on site: start an inspection, walk the checklist, file hazards with photos."""
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from safety_app.extensions import db
from safety_app.models import Attachment, Hazard, Inspection

from ..conftest import login
from .conftest import image_bytes

TODAY = date(2026, 5, 11)


@pytest.fixture
def on_site(client, park, time_machine):
    time_machine.move_to("2026-05-11 09:30 +08:00", tick=False)
    login(client, park.inspector)
    response = client.post("/inspections/new", data={
        "enterprise_id": park.a.id, "inspection_type": "routine", "inspected_on": TODAY.isoformat(),
        "inspectors": [park.inspector2.id], "checklist": ["equipment", "fire"]})
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.execute(select(Inspection)).scalar_one()


def _file(client, inspection, **fields):
    data = {"title": "可燃气体报警器失效", "category": "equipment", "location": "罐区", "deadline_preset": "7",
            "legal_basis": "GB/T 50493-2019", **fields}
    return client.post(f"/inspections/{inspection.id}/hazards/new", data=data, content_type="multipart/form-data")


def test_inspector_starts_an_inspection_with_type_and_co_inspectors(on_site, park):
    assert on_site.inspection_type == "routine" and on_site.enterprise_id == park.a.id
    assert {u.username for u in on_site.inspectors} == {"inspector", "inspector2"}


def test_inspection_type_must_come_from_the_regulations(client, park):
    login(client, park.inspector)
    response = client.post("/inspections/new", data={"enterprise_id": park.a.id, "inspection_type": "party",
                                                      "inspected_on": "2026-01-01"})
    assert response.status_code == 422
    assert "不是有效的选择" in response.get_data(as_text=True)  # WTForms' own message, in Chinese


def test_filing_with_photos_stores_them_with_the_hazard(client, on_site):
    response = _file(client, on_site, photos=[(io.BytesIO(image_bytes()), "1.jpg"),
                                              (io.BytesIO(image_bytes("WEBP")), "2.webp")])
    assert response.status_code == 302
    hazard = db.session.execute(select(Hazard)).scalar_one()
    assert hazard.inspection_id == on_site.id and hazard.level == "general"
    assert [a.kind for a in hazard.attachments] == ["photo", "photo"]
    assert hazard.deadline == TODAY + timedelta(days=7) == hazard.original_deadline


@pytest.mark.parametrize(("preset", "days"), [("0", 0), ("7", 7), ("15", 15), ("30", 30)])
def test_deadline_presets_count_from_today_in_the_park(client, on_site, preset, days):
    _file(client, on_site, deadline_preset=preset)
    assert db.session.execute(select(Hazard)).scalar_one().deadline == TODAY + timedelta(days=days)


def test_a_chosen_date_is_the_deadline(client, on_site):
    _file(client, on_site, deadline_preset="date", deadline="2026-06-30")
    assert db.session.execute(select(Hazard)).scalar_one().deadline == date(2026, 6, 30)


def test_choosing_date_without_a_date_is_refused_beside_the_field(client, on_site):
    response = _file(client, on_site, deadline_preset="date")
    assert response.status_code == 422
    assert "请选择整改期限日期" in response.get_data(as_text=True)
    assert db.session.execute(select(Hazard)).first() is None


def test_ticking_a_major_hazard_criterion_makes_the_hazard_major(client, on_site):
    _file(client, on_site, criterion="AJZG3-2017-121:12")
    hazard = db.session.execute(select(Hazard)).scalar_one()
    assert hazard.level == "major" and hazard.criterion_ref == ("AJZG3-2017-121", "12")


def test_several_hazards_per_inspection(client, on_site):
    for title in ("消防通道被占用", "灭火器压力不足", "安全阀未校验"):
        assert _file(client, on_site, title=title).status_code == 302
    page = client.get(f"/inspections/{on_site.id}").get_data(as_text=True)
    assert all(t in page for t in ("消防通道被占用", "灭火器压力不足", "安全阀未校验"))


def test_a_bad_photo_refuses_the_hazard_and_stores_nothing(app, client, on_site):
    from pathlib import Path

    response = _file(client, on_site, photos=[(io.BytesIO(b"plain text"), "photo.jpg")])
    assert response.status_code == 422
    assert "不是照片" in response.get_data(as_text=True)
    assert db.session.execute(select(Hazard)).first() is None
    assert db.session.execute(select(Attachment)).first() is None
    assert not [p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()]


def test_missing_title_is_refused_in_chinese(client, on_site):
    response = _file(client, on_site, title="")
    assert response.status_code == 422
    assert "该字段是必填字段" in response.get_data(as_text=True)


def test_the_filing_form_offers_camera_and_gallery_in_one_control(client, on_site):
    page = client.get(f"/inspections/{on_site.id}/hazards/new?category=fire").get_data(as_text=True)
    # no capture attribute: the phone offers the camera and the gallery from the same control
    assert 'type="file" id="photos" name="photos" accept="image/*" multiple' in page and "capture=" not in page
    assert "立即" in page and "30天" in page
    assert '<option selected value="fire">' in page


def test_walking_the_checklist_records_what_was_looked_at(client, on_site):
    response = client.post(f"/inspections/{on_site.id}/checklist",
                           data={"checklist": ["equipment", "criterion:AJZG3-2017-121:12"], "summary": "重点检查罐区"})
    assert response.status_code == 302
    db.session.refresh(on_site)
    assert on_site.checklist == ["equipment", "criterion:AJZG3-2017-121:12"] and on_site.summary == "重点检查罐区"


def test_enterprise_user_cannot_file_hazards(client, park, on_site, login_as):
    login_as(park.user_a)
    assert client.get(f"/inspections/{on_site.id}").status_code == 200
    assert client.get(f"/inspections/{on_site.id}/hazards/new").status_code == 403
    assert client.get("/inspections/new").status_code == 403
