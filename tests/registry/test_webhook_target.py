"""The webhook URL setting: http(s) only, never an internal address unless the admin allows it."""
import pytest

from safety_app import settings, webhook_target
from safety_app.extensions import db
from safety_app.models import Setting
from tests.conftest import login

from .test_admin_settings import GOOD

NAMES = {"robot.example.com": ["101.32.0.10"], "intranet.example.com": ["10.20.0.5"],
         "mixed.example.com": ["101.32.0.10", "169.254.169.254"], "six.example.com": ["fd00::1"]}


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch):
    real = webhook_target.resolve
    monkeypatch.setattr(webhook_target, "resolve",
                        lambda host, port: NAMES[host] if host in NAMES else real(host, port))


def _save(client, url, **extra):
    return client.post("/admin/settings", data={**GOOD, "webhook_url": url, **extra})


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "http://localhost/hook", "https://[::1]/hook",
                                 "http://[::ffff:127.0.0.1]/hook", "http://0.0.0.0/hook",
                                 "http://2130706433/hook"])
def test_webhook_to_loopback_is_refused(client, park, url):
    login(client, park.admin)
    response = _save(client, url)
    assert response.status_code == 422, url
    assert "内部网络" in response.get_data(as_text=True)
    assert db.session.get(Setting, "webhook_url") is None


@pytest.mark.parametrize("host", ["intranet.example.com", "six.example.com", "192.168.1.20", "169.254.169.254",
                                  "100.64.0.1", "240.0.0.1"])
def test_webhook_to_private_link_local_or_reserved_addresses_is_refused(client, park, host):
    login(client, park.admin)
    assert _save(client, f"http://{host}/hook").status_code == 422, host
    assert db.session.get(Setting, "webhook_url") is None


def test_webhook_host_with_one_internal_address_among_public_ones_is_refused(client, park):
    login(client, park.admin)
    assert _save(client, "https://mixed.example.com/hook").status_code == 422
    assert db.session.get(Setting, "webhook_url") is None


def test_webhook_to_a_public_host_is_saved(client, park):
    login(client, park.admin)
    assert _save(client, "https://robot.example.com/send?key=abc").status_code == 302
    assert settings.get("webhook_url") == "https://robot.example.com/send?key=abc"


def test_webhook_internal_allowed_when_admin_allows(client, park):
    login(client, park.admin)
    response = _save(client, "http://10.20.0.5:8080/hook", webhook_allow_internal="y")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert settings.get("webhook_url") == "http://10.20.0.5:8080/hook"
    assert settings.get("webhook_allow_internal") is True


def test_internal_targets_are_not_allowed_by_default(app):
    assert settings.get("webhook_allow_internal") is False


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://robot.example.com/", "ftp://robot.example.com/"])
def test_webhook_other_than_http_is_refused(client, park, url):
    login(client, park.admin)
    assert _save(client, url, webhook_allow_internal="y").status_code == 422
    assert db.session.get(Setting, "webhook_url") is None


def test_webhook_host_that_does_not_resolve_is_refused_when_new(client, park, monkeypatch):
    def no_dns(host, port):
        raise webhook_target.TargetRefused("no dns", transient=True)

    login(client, park.admin)
    monkeypatch.setattr(webhook_target, "resolve", no_dns)
    assert _save(client, "https://robot.example.com/send").status_code == 422
    assert db.session.get(Setting, "webhook_url") is None


def test_unchanged_webhook_does_not_block_other_settings_while_dns_is_down(client, park, monkeypatch):
    login(client, park.admin)
    assert _save(client, "https://robot.example.com/send").status_code == 302

    def no_dns(host, port):
        raise webhook_target.TargetRefused("no dns", transient=True)

    monkeypatch.setattr(webhook_target, "resolve", no_dns)
    assert _save(client, "https://robot.example.com/send", office_name="新名称").status_code == 302
    assert settings.get("office_name") == "新名称"
