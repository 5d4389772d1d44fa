"""Bearer tokens: issue, use, revoke; only a hash is stored; logins are throttled like the web."""
import hashlib
from datetime import timedelta

from safety_app import clock
from safety_app.models import ApiToken

from .conftest import assert_error, issue_token


def test_a_token_is_issued_for_the_right_password_and_only_its_hash_is_stored(client, park):
    token = issue_token(client, park.inspector)
    row = ApiToken.query.one()
    assert row.user_id == park.inspector.id
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in row.token_hash


def test_a_wrong_password_gets_401_json(client, park):
    response = client.post("/api/v1/tokens", json={"username": "inspector", "password": "wrong-password-x"})
    assert_error(response, 401, "unauthorized")
    assert ApiToken.query.count() == 0


def test_missing_fields_get_422_naming_the_field(client, park):
    error = assert_error(client.post("/api/v1/tokens", json={"username": "inspector"}), 422, "invalid")
    assert error["field"] == "password"


def test_a_body_that_is_not_json_gets_400(client, park):
    assert_error(client.post("/api/v1/tokens", data="username=x"), 400, "bad_request")


def test_repeated_failures_are_throttled(client, park):
    for _ in range(5):
        client.post("/api/v1/tokens", json={"username": "inspector", "password": "wrong-password-x"})
    response = client.post("/api/v1/tokens", json={"username": "inspector", "password": "correct-horse-battery"})
    assert_error(response, 429)


def test_a_deactivated_user_gets_no_token(client, park):
    park.inspector.active = False
    from safety_app.extensions import db

    db.session.commit()
    response = client.post("/api/v1/tokens", json={"username": "inspector", "password": "correct-horse-battery"})
    assert_error(response, 401)


def test_every_operation_without_a_token_gets_401_json(app, client, park):
    from safety_app.api.spec import OPERATIONS

    for op in OPERATIONS:
        if op["public"]:
            continue
        path = "/api/v1" + op["rule"].replace("<int:", "<").replace("<hazard_id>", "1")
        for name in ("enterprise_id", "inspection_id", "measure_id", "attachment_id", "notification_id",
                 "installation_id", "point_id"):
            path = path.replace(f"<{name}>", "1")
        response = client.open(path, method=op["method"].upper(), json={})
        assert_error(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_made_up_token_gets_401(api, park):
    from .conftest import ApiClient

    anonymous = api()
    forged = ApiClient(anonymous.client, "not-a-real-token")
    assert_error(forged.get("/hazards"), 401)


def test_a_revoked_token_no_longer_works(api, park):
    me = api(park.inspector)
    assert me.get("/me").get_json()["username"] == "inspector"
    assert me.delete("/tokens/current").status_code == 204
    assert_error(me.get("/me"), 401)
    assert ApiToken.query.one().revoked_at is not None


def test_a_token_stops_working_when_the_user_is_deactivated(api, park):
    me = api(park.inspector)
    park.inspector.active = False
    from safety_app.extensions import db

    db.session.commit()
    assert_error(me.get("/me"), 401)


def test_the_api_needs_no_csrf_token(app, client, park):
    app.config["WTF_CSRF_ENABLED"] = True
    token = issue_token(client, park.admin)
    response = client.post("/api/v1/hazards", headers={"Authorization": f"Bearer {token}"},
                           json={"enterprise_id": park.a.id, "title": "x", "category": "fire",
                                 "deadline": (clock.today() + timedelta(days=7)).isoformat()})
    assert response.status_code == 201
