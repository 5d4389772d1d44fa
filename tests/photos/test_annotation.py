"""A photo of a hazard can be annotated (arrows, circles, a colour): the annotated image is a new
photo beside the original (标注图) that records which photo it annotates; the original is never
changed. It is checked by content like any photo, and only someone who may add photos to the
hazard may annotate (issue 17, part 2)."""
import hashlib
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from safety_app import lifecycle
from safety_app.extensions import db
from safety_app.models import Attachment, Event

from .conftest import add_photo, drawn_on, self_found_hazard, stored_bytes

JSON = {"Accept": "application/json"}


def _annotate(client, original, data, name="现场-annotated.jpg", headers=None):
    return client.post(f"/attachments/{original.id}/annotations", data={"image": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", headers=headers or {})


def _count():
    return db.session.scalar(select(func.count(Attachment.id)))


def _files(app):
    return sorted(p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file())


def test_the_annotated_image_is_a_new_photo_beside_the_original_which_stays_unchanged(app, client, park,
                                                                                     photo, login_as):
    before = stored_bytes(app, photo)
    row_before = (photo.stored_name, photo.sha256, photo.size, photo.annotates_id)
    login_as(park.inspector)
    response = _annotate(client, photo, drawn_on(before), headers=JSON)
    assert response.status_code == 201, response.get_data(as_text=True)[:500]
    body = response.get_json()
    db.session.expire_all()
    annotated = db.session.get(Attachment, body["id"])
    assert annotated.annotates_id == photo.id == body["annotates_id"]
    assert annotated.kind == "photo" and annotated.hazard_id == photo.hazard_id
    assert annotated.uploaded_by_id == park.inspector.id and annotated.thumb_name
    assert annotated.stored_name != photo.stored_name
    original = db.session.get(Attachment, photo.id)
    assert stored_bytes(app, original) == before  # the original's bytes are untouched
    assert (original.stored_name, original.sha256, original.size, original.annotates_id) == row_before
    assert hashlib.sha256(before).hexdigest() == original.sha256
    event = db.session.scalars(select(Event).where(Event.action == "attachment").order_by(Event.seq.desc())).first()
    assert event.data["attachment_id"] == annotated.id and event.data["annotates_id"] == photo.id


def test_the_hazard_page_shows_the_annotated_photo_next_to_its_original(client, park, photo, login_as):
    login_as(park.inspector)
    response = _annotate(client, photo, drawn_on(image_bytes_of(photo)))
    assert response.status_code == 302 and response.headers["Location"].endswith("#files")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "标注图已保存在原图旁边" in html
    gallery = html[html.index("data-photo-gallery"):]
    gallery = gallery[:gallery.index("</div>")]
    annotated = db.session.scalar(select(Attachment).where(Attachment.annotates_id == photo.id))
    # original first, then its 标注图, in one gallery; the count is of originals
    assert gallery.index(f'data-photo="{photo.id}"') < gallery.index(f'data-annotation-of="{photo.id}"')
    assert f'/attachments/{annotated.id}/thumb' in gallery and "标注图" in gallery and "原图" in gallery
    assert re.search(r"发现时照片 <span class=\"muted\">\(1\)</span>", html)  # one original, its copy beside it


def image_bytes_of(attachment):
    from flask import current_app

    return stored_bytes(current_app, attachment)


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_written(app, client, park, photo, login_as):
    login_as(park.inspector)
    files, count, version = _files(app), _count(), photo.hazard.version
    response = _annotate(client, photo, b"<svg onload=alert(1)></svg>", name="annotated.jpg", headers=JSON)
    assert response.status_code == 422
    assert "不是照片" in response.get_json()["error"]["message"]
    page = _annotate(client, photo, b"%PDF-1.7 nothing", name="annotated.jpg")
    assert page.status_code == 422 and "不是照片" in page.get_data(as_text=True)
    db.session.expire_all()
    assert _count() == count and _files(app) == files
    assert db.session.get(Attachment, photo.id).hazard.version == version
    empty = client.post(f"/attachments/{photo.id}/annotations", data={}, headers=JSON)
    assert empty.status_code == 422 and _count() == count


def test_another_enterprises_user_gets_404_and_writes_nothing(client, park, photo, login_as):
    login_as(park.user_b)
    count = _count()
    response = _annotate(client, photo, drawn_on(image_bytes_of(photo)))
    assert response.status_code == 404 and _count() == count
    assert client.post("/attachments/99999999/annotations", data={}).status_code == 404


@pytest.mark.parametrize("who, expected", [("inspector", 201), ("inspector2", 201), ("admin", 201),
                                           ("user_a", 403), ("user_b", 404)])
def test_who_may_annotate_a_photo_of_a_government_inspection_hazard(client, park, photo, login_as, who, expected):
    """Same rule as adding photos: staff; the enterprise's user may add photos only to what it found itself."""
    login_as(getattr(park, who))
    response = _annotate(client, photo, drawn_on(image_bytes_of(photo)), headers=JSON)
    assert response.status_code == expected


def test_the_enterprise_annotates_a_photo_of_a_hazard_it_found_itself(client, park, acceptor, login_as):
    hazard = self_found_hazard(park, park.user_a)
    original = add_photo(hazard, park.user_a)
    login_as(acceptor)
    response = _annotate(client, original, drawn_on(image_bytes_of(original)), headers=JSON)
    assert response.status_code == 201
    login_as(park.user_b)
    assert _annotate(client, original, drawn_on(image_bytes_of(original))).status_code == 404


def test_only_an_original_photo_of_an_open_hazard_can_be_annotated(client, park, photo, drive, login_as):
    login_as(park.inspector)
    first = _annotate(client, photo, drawn_on(image_bytes_of(photo)), headers=JSON).get_json()
    copy = db.session.get(Attachment, first["id"])
    count = _count()
    assert _annotate(client, copy, drawn_on(image_bytes_of(copy)), headers=JSON).status_code == 403
    evidence_hazard = drive.hazard_in("rectifying")
    from ..loop.conftest import add_evidence

    evidence = add_evidence(evidence_hazard, park.user_a)
    count = _count()
    assert _annotate(client, evidence, drawn_on(image_bytes_of(photo)), headers=JSON).status_code == 403
    assert _count() == count
    hazard = photo.hazard
    lifecycle.apply(hazard, "withdraw", park.admin, version=hazard.version, reason="误报")
    assert _annotate(client, photo, drawn_on(image_bytes_of(photo)), headers=JSON).status_code == 403
    assert _count() == count


def test_the_core_refuses_an_annotation_of_another_hazards_photo(park, photo):
    from safety_app import uploads

    other = park.hazard(title="另一隐患")
    checked = uploads.check(_storage(drawn_on(image_bytes_of(photo))))
    with pytest.raises(lifecycle.Invalid) as refused:
        uploads.save_to_hazard(other, park.inspector, [checked], "photo", annotates=photo)
    assert refused.value.field == "annotates"
    db.session.rollback()
    assert db.session.scalar(select(func.count(Attachment.id)).where(Attachment.hazard_id == other.id)) == 0


def _storage(data):
    from werkzeug.datastructures import FileStorage

    return FileStorage(io.BytesIO(data), "x.jpg")


def test_without_javascript_there_is_no_annotate_button_and_only_those_allowed_get_the_hooks(client, park, photo,
                                                                                           login_as):
    login_as(park.inspector)
    html = client.get(f"/hazards/{photo.hazard_id}").get_data(as_text=True)
    assert "annotate-btn" not in html and "<button" not in html[html.index("data-photo-gallery"):][:2000]
    assert f'data-annotate-url="/attachments/{photo.id}/annotations"' in html and "js/annotate" in html
    assert re.search(r'data-csrf="[^"]*"', html)
    login_as(park.user_a)  # may see the photo, may not add photos to an office-found hazard
    html = client.get(f"/hazards/{photo.hazard_id}").get_data(as_text=True)
    assert f'/attachments/{photo.id}/thumb' in html
    assert "data-annotate-url" not in html and "js/annotate" not in html


def test_the_api_lists_which_photo_an_annotated_copy_annotates(client, park, photo, login_as):
    from ..api.conftest import issue_token

    login_as(park.inspector)
    made = _annotate(client, photo, drawn_on(image_bytes_of(photo)), headers=JSON).get_json()
    token = issue_token(client, park.inspector)
    body = client.get(f"/api/v1/hazards/{photo.hazard_id}", headers={"Authorization": f"Bearer {token}"}).get_json()
    by_id = {a["id"]: a for a in body["attachments"]}
    assert by_id[made["id"]]["annotates_id"] == photo.id and by_id[photo.id]["annotates_id"] is None
