"""What a page costs on the wire: pages and JSON compressed (Brotli or gzip), private pages never
stored, static files under content-hashed names cached for a year."""
import gzip
import hashlib
import re
from pathlib import Path

import brotli
import pytest

from safety_app.web import assets
from tests.conftest import login

STATIC = Path(assets.__file__).resolve().parents[1] / "static"


def _decode(response):
    encoding = response.headers.get("Content-Encoding")
    return {"br": brotli.decompress, "gzip": gzip.decompress, None: lambda b: b}[encoding](response.data)


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_a_big_page_is_compressed_as_the_browser_accepts_and_never_stored(client, park, encoding):
    for n in range(30):
        park.hazard(title=f"消防通道堵塞 {n}")
    login(client, park.admin)
    plain = client.get("/ledgers/hazards")
    packed = client.get("/ledgers/hazards", headers={"Accept-Encoding": f"{encoding}, identity;q=0.5"})
    assert plain.headers.get("Content-Encoding") is None
    assert packed.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in packed.headers["Vary"] and "Accept-Encoding" in plain.headers["Vary"]
    assert packed.headers["Cache-Control"] == "no-store" == plain.headers["Cache-Control"]
    body = _decode(packed).decode()
    assert "消防通道堵塞 29" in body and len(packed.data) * 4 < len(body.encode())
    assert int(packed.headers["Content-Length"]) == len(packed.data)


def test_brotli_is_preferred_and_json_is_compressed_too(client):
    response = client.get("/api/v1/openapi.json", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert response.headers["Content-Encoding"] == "br"
    assert _decode(response).startswith(b"{")


def test_downloads_that_stream_are_not_compressed(client, park):
    park.hazard()
    login(client, park.admin)
    response = client.get("/ledgers/hazards/export.csv", headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200 and response.headers.get("Content-Encoding") is None
    assert "隐患编号" in response.get_data(as_text=True)


def _hashed(name):
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
    stem, suffix = name.rsplit(".", 1)
    return f"/static/{stem}.{digest}.{suffix}"


def test_pages_link_static_files_by_their_content_hash(app, park):
    assert f'href="{_hashed("css/app.css")}"' in app.test_client().get("/login").get_data(as_text=True)
    client = login(app.test_client(), park.admin)
    page = client.get("/dashboard").get_data(as_text=True)
    assert f'href="{_hashed("css/app.css")}"' in page
    assert f'href="{_hashed("favicon.svg")}"' in page
    assert not re.search(r'(?:href|src)="/static/[^"]*(?<!\.[0-9a-f]{12})\.(?:css|js|svg)"', page)


def test_a_hashed_static_file_is_immutable_for_a_year_and_compressed_once(client):
    url = _hashed("css/app.css")
    response = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "br" and response.headers["Vary"] == "Accept-Encoding"
    assert _decode(response) == (STATIC / "css/app.css").read_bytes()
    assert response.mimetype == "text/css" and "Set-Cookie" not in response.headers
    gzipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["Content-Encoding"] == "gzip" and _decode(gzipped) == _decode(response)
    again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_a_static_file_by_its_plain_or_an_old_name_still_answers_with_a_short_cache(client):
    for url in ("/static/css/app.css", "/static/css/app.0123456789ab.css"):
        response = client.get(url)
        assert response.status_code == 200 and response.headers.get("Content-Encoding") is None
        assert response.headers["Cache-Control"] == "public, max-age=300"
        assert response.data == (STATIC / "css/app.css").read_bytes()
    assert client.get("/static/css/nothing.css").status_code == 404
    assert client.get("/static/../config.py").status_code == 404


def test_a_logged_in_visit_to_a_static_file_does_not_vary_by_cookie(client, park):
    login(client, park.admin)
    response = client.get(_hashed("css/app.css"))
    assert "Cookie" not in response.headers.get("Vary", "") and "Set-Cookie" not in response.headers
    assert "Cookie" in client.get("/dashboard").headers["Vary"]  # pages still do
