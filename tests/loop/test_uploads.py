"""Uploads are checked by content, limited in size, stored under random names and
served only through a permission-checked route. A refused upload stores nothing."""
import io
import os
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from safety_app.extensions import db
from safety_app.models import Attachment

from ..conftest import login
from .conftest import image_bytes, pdf_bytes


def _files_in(app):
    root = Path(app.config["UPLOAD_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file())


def _attachments():
    return db.session.scalar(select(func.count(Attachment.id)))


@pytest.fixture
def rectifying(park, drive):
    return drive.hazard_in("rectifying")


def _upload(client, hazard, *files):
    return client.post(f"/hazards/{hazard.id}/uploads", data={"version": hazard.version, "files": list(files)},
                       content_type="multipart/form-data")


def test_evidence_photo_is_stored_with_a_thumbnail_under_a_random_name(app, client, park, rectifying):
    login(client, park.user_a)
    response = _upload(client, rectifying, (io.BytesIO(image_bytes(size=(800, 600))), "整改后.jpg"))
    assert response.status_code == 302
    attachment = db.session.execute(select(Attachment)).scalar_one()
    assert attachment.kind == "evidence" and attachment.original_name == "整改后.jpg"
    assert "整改后" not in attachment.stored_name and attachment.stored_name.endswith(".jpg")
    assert attachment.content_type == "image/jpeg" and (attachment.width, attachment.height) == (800, 600)
    thumb = Image.open(Path(app.config["UPLOAD_DIR"]) / attachment.thumb_name)
    assert max(thumb.size) <= 360
    assert len(_files_in(app)) == 2


def test_exif_orientation_is_applied(client, park, rectifying):
    login(client, park.user_a)
    # Orientation 6: the camera was turned; the picture must come out upright (portrait).
    _upload(client, rectifying, (io.BytesIO(image_bytes(size=(80, 40), orientation=6)), "phone.jpg"))
    attachment = db.session.execute(select(Attachment)).scalar_one()
    assert (attachment.width, attachment.height) == (40, 80)


def test_pdf_evidence_is_accepted_by_its_magic(client, park, rectifying):
    login(client, park.user_a)
    response = _upload(client, rectifying, (io.BytesIO(pdf_bytes()), "检测报告.pdf"))
    assert response.status_code == 302
    attachment = db.session.execute(select(Attachment)).scalar_one()
    assert attachment.content_type == "application/pdf" and attachment.thumb_name is None


@pytest.mark.parametrize(("name", "data", "message"), [
    pytest.param("photo.jpg", b"this is just text, renamed to .jpg\n" * 20, "不是", id="renamed-text"),
    pytest.param("truncated.jpg", image_bytes(size=(400, 300))[:600], "损坏", id="truncated-image"),
    pytest.param("../../etc/passwd.jpg", image_bytes(), "路径", id="path-traversal-name"),
    pytest.param("report.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n", "PDF", id="truncated-pdf"),
    pytest.param("empty.png", b"", "空", id="empty-file"),
])
def test_bad_uploads_are_refused_with_a_message_and_store_nothing(app, client, park, rectifying, name, data,
                                                                   message):
    login(client, park.user_a)
    events = rectifying.events.count()
    response = _upload(client, rectifying, (io.BytesIO(data), name))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _attachments() == 0 and _files_in(app) == []
    assert rectifying.events.count() == events


def test_oversized_file_is_refused_and_nothing_is_stored(app, client, park, rectifying):
    app.config["MAX_UPLOAD_BYTES"] = 50_000
    login(client, park.user_a)
    big = image_bytes("PNG", size=(600, 600)) + os.urandom(60_000)
    response = _upload(client, rectifying, (io.BytesIO(big), "big.png"))
    assert response.status_code == 413
    assert "过大" in response.get_data(as_text=True)
    assert _attachments() == 0 and _files_in(app) == []


def test_one_bad_file_refuses_the_whole_upload(app, client, park, rectifying):
    login(client, park.user_a)
    response = _upload(client, rectifying, (io.BytesIO(image_bytes()), "good.jpg"),
                       (io.BytesIO(b"not an image"), "bad.jpg"))
    assert response.status_code == 422
    assert _attachments() == 0 and _files_in(app) == []


def test_inspector_photos_must_be_images_not_pdf(app, client, park):
    hazard = park.hazard()
    login(client, park.inspector)
    response = _upload(client, hazard, (io.BytesIO(pdf_bytes()), "x.pdf"))
    assert response.status_code == 422
    assert _attachments() == 0 and _files_in(app) == []


def test_attachment_is_served_with_its_checked_type_and_nosniff(client, park, rectifying):
    login(client, park.user_a)
    _upload(client, rectifying, (io.BytesIO(image_bytes("PNG")), "scan.jpg"))  # PNG content, .jpg name
    attachment = db.session.execute(select(Attachment)).scalar_one()
    response = client.get(f"/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert client.get(f"/attachments/{attachment.id}/thumb").headers["Content-Type"] == "image/jpeg"


def test_pdf_is_served_as_a_download(client, park, rectifying):
    login(client, park.user_a)
    _upload(client, rectifying, (io.BytesIO(pdf_bytes()), "检测报告.pdf"))
    attachment = db.session.execute(select(Attachment)).scalar_one()
    response = client.get(f"/attachments/{attachment.id}")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")


def test_other_enterprise_cannot_fetch_the_attachment(client, park, rectifying, login_as):
    login_as(park.user_a)
    _upload(client, rectifying, (io.BytesIO(image_bytes()), "a.jpg"))
    attachment = db.session.execute(select(Attachment)).scalar_one()
    login_as(park.user_b)
    assert client.get(f"/attachments/{attachment.id}").status_code == 404
    assert client.get(f"/attachments/{attachment.id}/thumb").status_code == 404
    assert client.get("/attachments/999999").status_code == 404


def test_evidence_upload_with_a_stale_version_stores_nothing(app, client, park, rectifying):
    from safety_app import lifecycle

    login(client, park.user_a)
    seen = rectifying.version
    lifecycle.save_measure(rectifying, park.user_a, description="别人刚加的措施")
    response = client.post(f"/hazards/{rectifying.id}/uploads",
                           data={"version": seen, "files": [(io.BytesIO(image_bytes()), "a.jpg")]},
                           content_type="multipart/form-data")
    assert response.status_code == 409
    assert "已被他人修改" in response.get_data(as_text=True)
    assert _attachments() == 0 and _files_in(app) == []
