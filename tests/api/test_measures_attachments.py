"""Measures (list 2) and uploads through the API."""
import io
from datetime import timedelta

from PIL import Image

from safety_app import clock
from safety_app.models import Attachment, Measure

from .conftest import assert_error


def acknowledged(api, park, enterprise=None):
    hazard = park.hazard(enterprise)
    user = park.user_a if enterprise in (None, park.a) else park.user_b
    api(user).post(f"/hazards/{hazard.id}/transitions", json={"action": "acknowledge", "version": 1})
    return hazard


def jpeg():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def test_enterprise_adds_and_completes_a_measure(api, park):
    hazard = acknowledged(api, park)
    client = api(park.user_a)
    response = client.post(f"/hazards/{hazard.id}/measures", json={
        "description": "更换安全阀", "responsible_person": "王工", "funds": 1500.5,
        "deadline": (clock.today() + timedelta(days=5)).isoformat()})
    assert response.status_code == 201, response.get_json()
    measure = response.get_json()
    assert measure["funds"] == 1500.5 and measure["done"] is False
    done = client.patch(f"/hazards/{hazard.id}/measures/{measure['id']}",
                        json={"done_on": clock.today().isoformat()}).get_json()
    assert done["done"] is True
    listed = client.get(f"/hazards/{hazard.id}/measures").get_json()["items"]
    assert [m["id"] for m in listed] == [measure["id"]]


def test_measure_with_invalid_data_gets_422(api, park):
    hazard = acknowledged(api, park)
    client = api(park.user_a)
    for body, field in (({"description": ""}, "description"), ({"description": "x", "funds": -1}, "funds"),
                        ({"description": "x", "done_on": "2999-01-01"}, "done_on")):
        assert assert_error(client.post(f"/hazards/{hazard.id}/measures", json=body), 422)["field"] == field
    assert Measure.query.count() == 0


def test_measure_with_a_stale_hazard_version_gets_409(api, park):
    hazard = acknowledged(api, park)
    response = api(park.user_a).post(f"/hazards/{hazard.id}/measures", json={"description": "x", "version": 1})
    assert_error(response, 409, "stale_version")


def test_inspector_cannot_add_measures(api, park):
    hazard = acknowledged(api, park)
    assert_error(api(park.inspector).post(f"/hazards/{hazard.id}/measures", json={"description": "x"}), 403)


def test_measures_of_another_enterprise_answer_404(api, park):
    hazard = acknowledged(api, park, park.b)
    measure = api(park.user_b).post(f"/hazards/{hazard.id}/measures", json={"description": "x"}).get_json()
    client = api(park.user_a)
    assert_error(client.get(f"/hazards/{hazard.id}/measures"), 404)
    assert_error(client.patch(f"/hazards/{hazard.id}/measures/{measure['id']}", json={"description": "y"}), 404)
    assert client.get("/measures").get_json()["total"] == 0
    assert api(park.admin).get("/measures").get_json()["total"] == 1


def test_enterprise_uploads_evidence_and_downloads_it(api, park):
    hazard = acknowledged(api, park)
    client = api(park.user_a)
    response = client.post(f"/hazards/{hazard.id}/attachments",
                           data={"file": (io.BytesIO(jpeg()), "整改后.jpg")}, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    item = response.get_json()["items"][0]
    assert item["kind"] == "evidence" and item["content_type"] == "image/jpeg"
    download = client.get(item["download_url"].removeprefix("/api/v1"))
    assert download.status_code == 200 and download.data[:3] == b"\xff\xd8\xff"
    assert client.get(f"/hazards/{hazard.id}/attachments").get_json()["items"][0]["id"] == item["id"]


def test_an_upload_that_is_not_an_image_gets_422(api, park):
    hazard = acknowledged(api, park)
    response = api(park.user_a).post(f"/hazards/{hazard.id}/attachments",
                                     data={"file": (io.BytesIO(b"MZ not an image"), "a.jpg")},
                                     content_type="multipart/form-data")
    assert_error(response, 422)
    assert Attachment.query.count() == 0


def test_an_upload_over_the_limit_gets_413(app, api, park):
    hazard = acknowledged(api, park)
    app.config["MAX_UPLOAD_BYTES"] = 1000
    response = api(park.user_a).post(f"/hazards/{hazard.id}/attachments",
                                     data={"file": (io.BytesIO(b"\xff\xd8\xff" + b"0" * 5000), "big.jpg")},
                                     content_type="multipart/form-data")
    assert_error(response, 413)


def test_an_inspector_cannot_upload_evidence(api, park):
    hazard = acknowledged(api, park)
    response = api(park.inspector).post(f"/hazards/{hazard.id}/attachments",
                                        data={"file": (io.BytesIO(jpeg()), "a.jpg"), "kind": "evidence"},
                                        content_type="multipart/form-data")
    assert_error(response, 403)


def test_attachments_of_another_enterprise_answer_404(api, park):
    hazard = acknowledged(api, park, park.b)
    item = api(park.user_b).post(f"/hazards/{hazard.id}/attachments", data={"file": (io.BytesIO(jpeg()), "b.jpg")},
                                 content_type="multipart/form-data").get_json()["items"][0]
    assert_error(api(park.user_a).get(f"/attachments/{item['id']}"), 404)
    assert_error(api(park.user_a).get(f"/hazards/{hazard.id}/attachments"), 404)
