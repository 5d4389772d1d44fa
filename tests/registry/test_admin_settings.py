"""Admin: office settings, validated; a refused form writes nothing."""
import pytest

from safety_app import settings, webhook_target
from safety_app.extensions import db
from safety_app.models import Setting
from tests.conftest import login

GOOD = {"office_name": "大港街道应急办", "park_name": "大港石化产业园区", "notice_prefix": "港应急",
        "due_soon_days": "5", "escalation_days": "10", "smtp_host": "smtp.example.com", "smtp_port": "587",
        "smtp_tls": "y", "smtp_user": "mailer", "smtp_password": "s3cret", "smtp_sender": "safety@example.com",
        "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"}


@pytest.fixture(autouse=True)
def robot_host_resolves_to_a_public_address(monkeypatch):
    """No DNS in the tests: the robot's host name resolves to a public address."""
    real = webhook_target.resolve
    monkeypatch.setattr(webhook_target, "resolve", lambda host, port: ["101.32.0.10"]
                        if host == "qyapi.weixin.qq.com" else real(host, port))


def test_settings_are_saved(client, park):
    login(client, park.admin)
    assert client.post("/admin/settings", data=GOOD).status_code == 302
    assert settings.get("due_soon_days") == 5 and settings.get("smtp_port") == 587
    assert settings.get("smtp_tls") is True and settings.get("smtp_password") == "s3cret"
    assert settings.get("webhook_url").startswith("https://")


def test_smtp_password_is_write_only_and_empty_keeps_it(client, park):
    login(client, park.admin)
    client.post("/admin/settings", data=GOOD)
    page = client.get("/admin/settings").get_data(as_text=True)
    assert "s3cret" not in page
    assert client.post("/admin/settings", data={**GOOD, "smtp_password": "", "office_name": "新名称"}).status_code == 302
    assert settings.get("smtp_password") == "s3cret" and settings.get("office_name") == "新名称"
    client.post("/admin/settings", data={**GOOD, "smtp_password": "", "clear_smtp_password": "y"})
    assert settings.get("smtp_password") == ""


def test_invalid_values_are_refused_with_nothing_written(client, park):
    login(client, park.admin)
    stored = {row.key: row.value for row in db.session.query(Setting)}  # the park's remedies (make_park)
    for key, bad in (("due_soon_days", "abc"), ("escalation_days", "0"), ("smtp_port", "70000"),
                     ("smtp_sender", "not an address"), ("webhook_url", "ftp://example.com/hook"),
                     ("webhook_url", "example.com/hook"), ("office_name", "")):
        response = client.post("/admin/settings", data={**GOOD, key: bad})
        assert response.status_code == 422, key
        assert 'class="error"' in response.get_data(as_text=True), key
    db.session.expire_all()
    assert {row.key: row.value for row in db.session.query(Setting)} == stored


def test_url_error_is_in_chinese(client, park):
    login(client, park.admin)
    response = client.post("/admin/settings", data={**GOOD, "webhook_url": "javascript:alert(1)"})
    assert "https://" in response.get_data(as_text=True) and "开头" in response.get_data(as_text=True)


def test_the_notice_settings_are_on_the_page_and_saved(client, park):
    login(client, park.admin)
    page = client.get("/admin/settings").get_data(as_text=True)
    for name in ("notice_order_basis", "reconsideration_body", "litigation_court", "notice_liability_sentence",
                 "notice_copies_note"):
        assert f'name="{name}"' in page
    data = {**GOOD, "reconsideration_body": "天津市滨海新区人民政府", "litigation_court": "天津市滨海新区人民法院",
            "notice_order_basis": "", "notice_copies_note": "本文书一式三份。"}
    assert client.post("/admin/settings", data=data).status_code == 302
    assert settings.get("reconsideration_body") == "天津市滨海新区人民政府"
    assert settings.get("litigation_court") == "天津市滨海新区人民法院"
    assert settings.get("notice_copies_note") == "本文书一式三份。"
    assert settings.get("notice_order_basis") == settings.DEFAULTS["notice_order_basis"]  # empty: the default
