"""The comment thread through the API: the same core, the same rules as the hazard page."""
from sqlalchemy import func, select

from safety_app import audit
from safety_app.extensions import db
from safety_app.models import Event, HazardComment, Notification

from ..api.conftest import ApiClient, assert_error, issue_token


def api_as(client, user):
    return ApiClient(client, issue_token(client, user))


def counts():
    return (db.session.scalar(select(func.count(HazardComment.id))), db.session.scalar(select(func.count(Event.id))),
            db.session.scalar(select(func.count(Notification.id))))


def test_post_and_list_comments_as_enterprise_and_office(client, park):
    hazard = park.hazard()
    enterprise, office = api_as(client, park.user_a), api_as(client, park.inspector)
    response = enterprise.post(f"/hazards/{hazard.id}/comments", json={"body": "  临时措施已落实，请确认。 "})
    assert response.status_code == 201, response.get_json()
    posted = response.get_json()
    assert posted["body"] == "临时措施已落实，请确认。"
    assert posted["author"] == {"id": park.user_a.id, "name": park.user_a.name}
    assert posted["author_side"] == "enterprise" and posted["hazard_id"] == hazard.id
    assert office.post(f"/hazards/{hazard.id}/comments", json={"body": "已确认。"}).status_code == 201

    for caller in (enterprise, office):
        items = caller.get(f"/hazards/{hazard.id}/comments").get_json()["items"]
        assert [(c["body"], c["author_side"]) for c in items] == [("临时措施已落实，请确认。", "enterprise"),
                                                                 ("已确认。", "office")]
    assert office.get(f"/hazards/{hazard.id}").get_json()["comments_count"] == 2
    # the inspector who filed the hazard was told about the enterprise's comment, and the reverse
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.kind == "comment", Notification.user_id == park.inspector.id)) == 1
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.kind == "comment", Notification.user_id == park.user_a.id)) == 1
    ok, _checked, problem = audit.verify_chain()
    assert ok, problem


def test_another_enterprise_gets_404_and_nothing_is_written(client, park):
    hazard = park.hazard()
    other = api_as(client, park.user_b)
    before = counts()
    assert_error(other.get(f"/hazards/{hazard.id}/comments"), 404, "not_found")
    assert_error(other.post(f"/hazards/{hazard.id}/comments", json={"body": "越权"}), 404, "not_found")
    assert counts() == before


def test_bad_input_is_refused_with_the_field_and_nothing_written(client, park):
    hazard = park.hazard()
    caller = api_as(client, park.user_a)
    before = counts()
    for body in ({"body": ""}, {"body": "   "}, {"body": "字" * 2001}, {"body": "响铃\u0007"}, {},
                 {"body": "正文", "extra": 1}, {"body": 5}):
        response = caller.post(f"/hazards/{hazard.id}/comments", json=body)
        assert response.status_code in (400, 422), (body, response.status_code)
        assert response.get_json()["error"]["message"]
    assert counts() == before


def test_the_openapi_description_lists_the_comment_operations(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    path = spec["paths"]["/api/v1/hazards/{hazard_id}/comments"]
    assert set(path) == {"get", "post"}
    body = path["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["body"]["maxLength"] == 2000
    assert "HazardComment" in spec["components"]["schemas"]
