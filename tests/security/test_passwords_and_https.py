"""Weak passwords are refused with a clear Chinese message; over https the cookies are Secure and
HSTS is sent, decided by PUBLIC_BASE_URL."""
import pytest

from safety_app import create_app
from safety_app.accounts import AccountError, create_user
from safety_app.extensions import db

from ..conftest import PASSWORD, _base_config, login

WEAK = ["1234567890", "qwertyuiop", "password123", "aaaaaaaaaaaa", "1qaz2wsx3edc"]


@pytest.mark.parametrize("weak", WEAK)
def test_a_common_or_trivial_password_is_refused_on_password_change(client, park, weak):
    login(client, park.inspector)
    response = client.post("/password", data={"current_password": PASSWORD, "new_password": weak,
                                              "confirm": weak})
    assert response.status_code == 400
    assert "密码过于常见或容易被猜到" in response.get_data(as_text=True)
    db.session.refresh(park.inspector)
    assert park.inspector.check_password(PASSWORD)


def test_admin_cannot_give_a_new_user_a_weak_password(client, park):
    login(client, park.admin)
    response = client.post("/admin/users/new", data={"username": "weakling", "password": "1234567890",
                                                     "confirm": "1234567890", "role": "inspector",
                                                     "display_name": "王弱", "email": "wr@example.com"})
    assert response.status_code == 422
    assert "密码过于常见或容易被猜到" in response.get_data(as_text=True)


def test_admin_cannot_reset_a_password_to_a_weak_one(client, park):
    login(client, park.admin)
    response = client.post(f"/admin/users/{park.inspector.id}/password",
                           data={"password": "1234567890", "confirm": "1234567890"})
    assert response.status_code == 422
    db.session.refresh(park.inspector)
    assert park.inspector.check_password(PASSWORD)


def test_a_password_made_of_the_users_own_name_is_refused(app, park):
    with pytest.raises(AccountError):
        create_user("zhangwei", "zhangwei2026", "inspector", display_name="张伟")


def test_a_long_unpredictable_password_is_accepted(client, park):
    login(client, park.inspector)
    response = client.post("/password", data={"current_password": PASSWORD, "new_password": "lantern-orchard-42",
                                              "confirm": "lantern-orchard-42"})
    assert response.status_code == 302


def _app(database, tmp_path, public_url):
    return create_app({**_base_config(database.url, tmp_path), "PUBLIC_BASE_URL": public_url})


def test_https_public_url_sends_hsts_and_secure_cookies(database, tmp_path, park):
    app = _app(database, tmp_path, "https://yh.park.example")
    response = app.test_client().post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookies = response.headers.getlist("Set-Cookie")
    assert {c.split("=")[0] for c in cookies} >= {"session", "device"}
    assert all("Secure" in c for c in cookies)


def test_http_public_url_sends_no_hsts_and_plain_cookies(database, tmp_path, park):
    app = _app(database, tmp_path, "http://127.0.0.1:5000")
    response = app.test_client().post("/login", data={"username": "admin", "password": PASSWORD})
    assert "Strict-Transport-Security" not in response.headers
    assert not any("Secure" in c for c in response.headers.getlist("Set-Cookie"))


def test_a_very_long_password_is_checked_without_failing(client, park):
    login(client, park.inspector)
    long_password = "lantern-orchard-42-" * 10  # 190 characters, more than the strength check reads
    response = client.post("/password", data={"current_password": PASSWORD, "new_password": long_password,
                                              "confirm": long_password})
    assert response.status_code == 302
