"""Past one machine: two app servers on different ports share one database and the object store.

A photo uploaded through one server is served by the other, and a PDF built by the scheduled
monthly-report job is downloadable from both. Each server has its own (empty) local folders, so
nothing can pass between them except through the database and the bucket.
"""
import http.cookiejar
import io
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.serving import make_server
from werkzeug.test import encode_multipart

from safety_app import create_app
from safety_app.extensions import db
from safety_app.jobs.reports import monthly_report, report_key
from safety_app.models import Attachment, Document
from tests.conftest import PASSWORD, _base_config


class Server:
    """One app (its own process state and folders) served by werkzeug on a free loopback port."""

    def __init__(self, config):
        self.app = create_app(config)
        self.http = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.http.server_port}"
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.http.shutdown()
        self.thread.join()
        with self.app.app_context():
            db.engine.dispose()


class Browser:
    """A user with a cookie jar, talking HTTP to one server."""

    def __init__(self, server, user):
        self.server = server
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        status, _, _ = self.post("/login", urllib.parse.urlencode({"username": user.username,
                                                                    "password": PASSWORD}).encode(),
                                 "application/x-www-form-urlencoded")
        assert status == 200  # redirected after the login

    def request(self, path, data=None, content_type=None):
        request = urllib.request.Request(self.server.url + path, data=data)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def get(self, path):
        return self.request(path)

    def post(self, path, data, content_type):
        return self.request(path, data, content_type)


def jpeg():
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def two_servers(app, database, s3_config, tmp_path):
    servers = []
    try:
        for name in ("a", "b"):
            config = _base_config(database.url, tmp_path / f"node-{name}")
            config.update(s3_config)
            servers.append(Server(config))
        yield servers
    finally:
        for server in servers:
            server.stop()


def test_a_photo_uploaded_through_one_server_is_served_by_the_other(two_servers, park):
    a, b = two_servers
    hazard = park.hazard()
    boundary, body = encode_multipart({"version": str(hazard.version),
                                       "files": FileStorage(io.BytesIO(jpeg()), "储罐区.jpg", "files",
                                                            "image/jpeg")})
    status, _, page = Browser(a, park.inspector).post(f"/hazards/{hazard.id}/uploads", body,
                                                      f"multipart/form-data; boundary={boundary}")
    assert status == 200, page[:300]
    db.session.expire_all()
    attachment = db.session.scalars(db.select(Attachment).where(Attachment.hazard_id == hazard.id)).one()

    for user in (park.admin, park.user_a):  # the office, and the enterprise the hazard belongs to
        status, headers, data = Browser(b, user).get(f"/attachments/{attachment.id}")
        assert status == 200 and headers["Content-Type"] == "image/jpeg"
        assert len(data) == attachment.size and data[:3] == b"\xff\xd8\xff"
        status, _, thumb = Browser(b, user).get(f"/attachments/{attachment.id}/thumb")
        assert status == 200 and thumb[:3] == b"\xff\xd8\xff"
    status, _, _ = Browser(b, park.user_b).get(f"/attachments/{attachment.id}")
    assert status == 404  # another enterprise's photo, on either server


def test_a_pdf_built_by_the_scheduled_job_is_downloadable_from_both_servers(two_servers, park):
    a, b = two_servers
    park.hazard()
    with a.app.app_context():  # the scheduler runs in one node only; the job writes through its store
        monthly_report("2026-11", datetime(2026, 12, 1, 1, 0))
    db.session.expire_all()
    document = db.session.scalars(db.select(Document).where(
        Document.idempotency_key == report_key("2026-11"))).one()
    for server in (a, b):
        status, headers, data = Browser(server, park.admin).get(f"/reports/{document.id}/download")
        assert status == 200 and headers["Content-Type"] == "application/pdf"
        assert data.startswith(b"%PDF-") and len(data) == document.size
