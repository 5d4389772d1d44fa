"""The registry pages: list for staff, own page for an enterprise user, form errors beside fields."""
from sqlalchemy import event as sa_event

from safety_app.extensions import db
from safety_app.models import Enterprise, Event
from tests.conftest import login, make_credit_code

GOOD = {
    "name": "天津新港化工有限公司", "credit_code": make_credit_code(50), "address": "大港石化路1号",
    "zone": "南港工业区", "industry": "精细化工", "legal_representative": "王明", "contact_name": "李强",
    "contact_phone": "022-63301234", "contact_email": "safety@example.com",
    "major_hazard_installation": "level3", "active": "y",
}


def test_staff_see_the_enterprise_list_with_search(client, park):
    login(client, park.inspector)
    page = client.get("/enterprises/?q=南港").get_data(as_text=True)
    assert park.b.name in page and park.a.name not in page


def test_enterprise_list_runs_a_bounded_number_of_queries(client, park):
    for n in range(30):
        db.session.add(Enterprise(name=f"企业{n:02d}", credit_code=make_credit_code(200 + n)))
    db.session.commit()
    for _ in range(3):
        park.hazard(park.a)
    login(client, park.admin)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa_event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.get("/enterprises/?state=all")
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 200
    assert len(statements) <= 6, statements


def test_enterprise_user_is_sent_to_their_own_page(client, park):
    login(client, park.user_a)
    response = client.get("/enterprises/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/enterprises/{park.a.id}")
    assert park.a.name in client.get(f"/enterprises/{park.a.id}").get_data(as_text=True)


def test_enterprise_user_cannot_see_other_enterprise_page(client, park):
    login(client, park.user_a)
    other = client.get(f"/enterprises/{park.b.id}")
    missing = client.get("/enterprises/99999")
    assert other.status_code == missing.status_code == 404
    assert park.b.name not in other.get_data(as_text=True)


def test_enterprise_user_and_inspector_cannot_edit(client, park, login_as):
    login_as(park.user_a)
    assert client.get(f"/enterprises/{park.a.id}/edit").status_code == 403
    assert client.post("/enterprises/new", data=GOOD).status_code == 403
    login_as(park.inspector)
    assert client.get(f"/enterprises/{park.a.id}/edit").status_code == 403
    assert db.session.query(Enterprise).count() == 2


def test_admin_registers_an_enterprise_with_an_audit_event(client, park):
    login(client, park.admin)
    response = client.post("/enterprises/new", data=GOOD)
    assert response.status_code == 302
    enterprise = db.session.query(Enterprise).filter_by(credit_code=GOOD["credit_code"]).one()
    # The level is derived from the enterprise's installations (safety_app.installations), not typed in.
    assert enterprise.major_hazard_installation == "none"
    assert db.session.query(Event).filter_by(action="enterprise.create").count() == 1


def test_bad_credit_code_is_explained_beside_the_field_and_nothing_saved(client, park):
    login(client, park.admin)
    response = client.post("/enterprises/new", data={**GOOD, "credit_code": GOOD["credit_code"][:-1]})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "18" in page and "请更正" in page and 'class="error"' in page
    assert db.session.query(Enterprise).count() == 2


def test_edit_refuses_another_enterprises_credit_code(client, park):
    login(client, park.admin)
    data = {**GOOD, "name": park.a.name, "credit_code": park.b.credit_code}
    response = client.post(f"/enterprises/{park.a.id}/edit", data=data)
    assert response.status_code == 422
    assert "已登记" in response.get_data(as_text=True)
    db.session.refresh(park.a)
    assert park.a.credit_code == make_credit_code(1)


def test_admin_edits_and_deactivates_an_enterprise(client, park):
    login(client, park.admin)
    data = {**GOOD, "credit_code": park.a.credit_code}
    del data["active"]  # an unticked checkbox is not sent
    assert client.post(f"/enterprises/{park.a.id}/edit", data=data).status_code == 302
    db.session.refresh(park.a)
    assert park.a.active is False and park.a.contact_phone == "022-63301234"
    assert park.a.name not in client.get("/enterprises/").get_data(as_text=True)
    assert park.a.name in client.get("/enterprises/?state=inactive").get_data(as_text=True)


def test_bad_phone_and_email_on_the_form(client, park):
    login(client, park.admin)
    response = client.post("/enterprises/new", data={**GOOD, "contact_phone": "0221", "contact_email": "a@b"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "11位" in page and "不是有效的电子邮箱" in page


def test_enterprise_form_names_the_wrong_part_of_the_credit_code_in_chinese(client, park):
    from safety_app import credit_code

    login(client, park.admin)
    # Right overall check character, wrong organisation check character (position 17).
    code = credit_code.make(make_credit_code(51)[:16] + ("1" if make_credit_code(51)[16] != "1" else "2"))
    response = client.post("/enterprises/new", data={**GOOD, "credit_code": code})
    assert response.status_code == 422
    assert "组织机构代码" in response.get_data(as_text=True)
    assert db.session.query(Enterprise).filter_by(credit_code=code).count() == 0
