"""The offline shell: the service worker at a stable URL with scope / (precaching the hashed
static files of this build), the manifest, and the filing forms marked for offline capture."""
import json
import re


def test_the_service_worker_is_served_at_a_stable_url_for_the_whole_app(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/" and response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    precache = re.search(r"var PRECACHE = (\[.*?\]);", body).group(1)
    for name in ("css/app", "js/offline", "js/photos", "js/outbox"):
        assert re.search(rf"/static/{name}\.[0-9a-f]+\.(css|js)", precache), name  # hashed: this build's files
    for url in re.findall(r'"(/static/[^"]+)"', precache):
        assert client.get(url).status_code == 200
    assert 'importScripts("/static/js/outbox.' in body


def test_the_manifest_opens_the_app_standalone(client):
    data = client.get("/manifest.webmanifest").get_json(force=True)
    assert data["start_url"] == "/" and data["display"] == "standalone" and data["icons"]


def test_the_filing_forms_are_marked_for_offline_capture_and_offer_camera_and_gallery(client, park, login_as):
    login_as(park.user_a)
    html = client.get("/portal/hazards/new").get_data(as_text=True)
    assert "data-offline-form" in html and "data-photos" in html and 'capture=' not in html
    assert 'rel="manifest"' in html and "js/offline." in html
    texts = json.loads(re.search(r'<script type="application/json" id="park-i18n">(.*?)</script>', html, re.S).group(1))
    assert texts["waiting"] == "{n} 项待上传"
