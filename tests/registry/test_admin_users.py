"""Admin: users (create, edit, deactivate, reset password); admin only."""
import pytest

from safety_app.extensions import db
from safety_app.models import User
from tests.conftest import PASSWORD, login

NEW = {"username": "wang.jc", "display_name": "王检查", "role": "inspector", "enterprise": "0",
       "email": "wang@example.com", "phone": "13800001111", "certificate_no": "津应急执120009",
       "password": "a-long-password-1", "confirm": "a-long-password-1"}


def _user(username):
    return db.session.query(User).filter_by(username=username).one_or_none()


def test_inspector_and_enterprise_user_get_403_on_admin_pages(client, park, login_as):
    for user in (park.inspector, park.user_a):
        login_as(user)
        for url in ("/admin/users", "/admin/users/new", f"/admin/users/{park.admin.id}",
                    f"/admin/users/{park.admin.id}/password", "/admin/settings"):
            assert client.get(url).status_code == 403, (user.username, url)
        assert client.post("/admin/users/new", data=NEW).status_code == 403
    assert _user("wang.jc") is None


def test_admin_lists_users(client, park):
    login(client, park.admin)
    page = client.get("/admin/users?q=user_").get_data(as_text=True)
    assert "user_a" in page and "user_b" in page and "inspector2" not in page


def test_admin_creates_an_inspector(client, park):
    login(client, park.admin)
    assert client.post("/admin/users/new", data=NEW).status_code == 302
    user = _user("wang.jc")
    assert user.role == "inspector" and user.certificate_no == "津应急执120009"
    assert user.check_password("a-long-password-1")


def test_short_password_or_username_as_password_is_refused(client, park):
    login(client, park.admin)
    response = client.post("/admin/users/new", data={**NEW, "password": "short", "confirm": "short"})
    assert response.status_code == 422
    response = client.post("/admin/users/new", data={**NEW, "username": "wang.jc.12345",
                                                     "password": "WANG.JC.12345", "confirm": "WANG.JC.12345"})
    assert response.status_code == 422
    assert "不能与用户名相同" in response.get_data(as_text=True)
    assert _user("wang.jc") is None and _user("wang.jc.12345") is None


def test_enterprise_user_needs_an_enterprise(client, park):
    login(client, park.admin)
    response = client.post("/admin/users/new", data={**NEW, "role": "enterprise", "enterprise": "0"})
    assert response.status_code == 422
    assert "需要选择所属企业" in response.get_data(as_text=True)
    assert client.post("/admin/users/new", data={**NEW, "role": "enterprise",
                                                 "enterprise": str(park.b.id)}).status_code == 302
    assert _user("wang.jc").enterprise_id == park.b.id


def test_taken_username_is_refused(client, park):
    login(client, park.admin)
    response = client.post("/admin/users/new", data={**NEW, "username": "inspector"})
    assert response.status_code == 422
    assert "该用户名已被使用" in response.get_data(as_text=True)


def test_deactivated_user_is_logged_out_at_next_request(app, park):
    admin, victim = app.test_client(), app.test_client()
    login(victim, park.user_a)
    assert victim.get(f"/enterprises/{park.a.id}").status_code == 200
    login(admin, park.admin)
    data = {"display_name": "甲企业安全员", "email": "ua@example.com", "phone": "", "certificate_no": ""}
    assert admin.post(f"/admin/users/{park.user_a.id}", data=data).status_code == 302
    db.session.refresh(park.user_a)
    assert park.user_a.active is False
    assert victim.get(f"/enterprises/{park.a.id}").status_code == 302  # back to the login page
    assert victim.post("/login", data={"username": "user_a", "password": PASSWORD}).status_code == 401


def test_admin_cannot_deactivate_themself(client, park):
    login(client, park.admin)
    response = client.post(f"/admin/users/{park.admin.id}", data={"display_name": "管理员"})
    assert response.status_code == 422
    db.session.refresh(park.admin)
    assert park.admin.active is True


def test_reset_password_applies_rules_and_ends_sessions(app, park):
    admin, victim = app.test_client(), app.test_client()
    login(victim, park.inspector)
    login(admin, park.admin)
    url = f"/admin/users/{park.inspector.id}/password"
    assert admin.post(url, data={"password": "inspector", "confirm": "inspector"}).status_code == 422
    assert admin.post(url, data={"password": "new-password-42", "confirm": "other-password-42"}).status_code == 422
    db.session.refresh(park.inspector)
    assert park.inspector.check_password(PASSWORD)
    assert admin.post(url, data={"password": "new-password-42", "confirm": "new-password-42"}).status_code == 302
    db.session.refresh(park.inspector)
    assert park.inspector.check_password("new-password-42")
    assert victim.get("/enterprises/").status_code == 302
    assert admin.get("/admin/users").status_code == 200  # the admin's own session is untouched


@pytest.mark.parametrize("bad", ["津应", "津应急执\u0085120009", "x" * 51])
def test_a_bad_certificate_number_is_refused_and_nothing_is_saved(client, park, bad):
    login(client, park.admin)
    data = {"display_name": "李复查", "email": "", "phone": "", "certificate_no": bad, "active": "y"}
    response = client.post(f"/admin/users/{park.inspector2.id}", data=data)
    assert response.status_code in (400, 422)
    db.session.expire_all()
    assert park.inspector2.certificate_no == "津应急执120002"


def test_the_admin_sets_an_admins_certificate_number(client, park):
    login(client, park.admin)
    assert 'name="certificate_no"' in client.get(f"/admin/users/{park.admin.id}").get_data(as_text=True)
    data = {"display_name": "管理员", "email": "admin@example.com", "phone": "", "certificate_no": "津应急执120010",
            "active": "y"}
    assert client.post(f"/admin/users/{park.admin.id}", data=data).status_code == 302
    db.session.expire_all()
    assert park.admin.certificate_no == "津应急执120010"
