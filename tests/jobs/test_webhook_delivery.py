"""Webhook delivery checks the target again: DNS may have changed since the setting was saved,
and a URL preset in the environment was never checked by the settings form."""
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from safety_app import mailer, settings, webhook_target

from .conftest import free_port


class _Robot(BaseHTTPRequestHandler):
    hits = []

    def do_POST(self):  # noqa: N802
        _Robot.hits.append(self.path)
        body = b'{"errcode":0,"errmsg":"ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback_robot():
    _Robot.hits = []
    server = HTTPServer(("127.0.0.1", free_port()), _Robot)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_port
    server.shutdown()
    server.server_close()


def test_webhook_delivery_to_loopback_is_refused_for_good(app, loopback_robot):
    settings.set_many({"webhook_url": f"http://127.0.0.1:{loopback_robot}/hook"})
    with pytest.raises(mailer.DeliveryError) as refused:
        mailer.post_webhook(f"http://127.0.0.1:{loopback_robot}/hook", "测试")
    assert refused.value.permanent
    assert _Robot.hits == []


def test_webhook_delivery_refuses_a_name_that_now_resolves_to_loopback(app, loopback_robot, monkeypatch):
    monkeypatch.setattr(webhook_target, "resolve", lambda host, port: ["127.0.0.1"])
    with pytest.raises(mailer.DeliveryError) as refused:
        mailer.post_webhook(f"http://robot.example.com:{loopback_robot}/hook", "测试")
    assert refused.value.permanent
    assert _Robot.hits == []


def test_webhook_delivery_reaches_an_internal_robot_when_admin_allows(app, loopback_robot):
    settings.set_many({"webhook_allow_internal": True})
    mailer.post_webhook(f"http://127.0.0.1:{loopback_robot}/hook", "测试")
    assert _Robot.hits == ["/hook"]


def test_webhook_delivery_does_not_follow_redirects(app, loopback_robot, monkeypatch):
    class Redirect(_Robot):
        def do_POST(self):  # noqa: N802
            self.send_response(307)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = HTTPServer(("127.0.0.1", free_port()), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.set_many({"webhook_allow_internal": True})
    try:
        with pytest.raises(mailer.DeliveryError):
            mailer.post_webhook(f"http://127.0.0.1:{server.server_port}/hook", "测试")
    finally:
        server.shutdown()
        server.server_close()
