"""The authorization matrix: every endpoint of the web and the API has a declared policy
(``safety_app.permissions.ROUTE_POLICIES``), and for each role (admin, inspector, enterprise
A's user, anonymous) every route is requested with enterprise A's ids and with enterprise
B's ids, and answers as the policy says:

- anonymous: the login page (web: 302 to /login) or 401 (API);
- a role outside the policy: 403, whatever the id;
- an enterprise user with another enterprise's id on a scoped route: 404, like a missing id;
- an allowed role with an id it may see: the page (or, for a change, an answer of the
  lifecycle or the form: never 401, 404 or 5xx).

How to build each URL (and body) comes from the ROUTES map of
tests/loop/test_route_isolation.py, imported, not copied.
"""
from types import SimpleNamespace

import pytest
from flask import Blueprint

from safety_app import create_app
from safety_app.api.spec import PUBLIC_ENDPOINTS
from safety_app.permissions import ROUTE_POLICIES, Policy, undeclared_endpoints
from safety_app.web import check_route_policies

from ..conftest import PASSWORD
from ..loop.test_route_isolation import ROUTES

# Routes whose id is a notification: scoped to the user, not the enterprise.
USER_SCOPED = {"notifications.mark_read", "api.read_notification"}
# GET pages that show a form only while the lifecycle lets this user edit (403 otherwise).
STATE_DEPENDENT_FORMS = {"hazards.measure_new", "hazards.measure_edit", "hazards.plan"}
# Would end the walk's own token, or revokes only the caller's own sessions (404 for anyone else's,
# whatever the role): see their own tests (tests/security/test_sessions_and_tokens.py).
NOT_WALKED = {"api.revoke_token", "auth.revoke_device"}


def _walk(app, client, ids, *, token=None, notification=None):
    """(endpoint, policy, method, url, response) for every rule with a non-public policy."""
    adapter = app.url_map.bind("localhost")
    f = SimpleNamespace(**{**vars(ids), "notification": notification or 10**6})
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule)):
        policy = ROUTE_POLICIES[rule.endpoint]
        if policy.public or rule.endpoint in NOT_WALKED:
            continue
        _kind, values, body = ROUTES[rule.endpoint]
        url = adapter.build(rule.endpoint, values(f) if values else {})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            kwargs = body(f) if (body and method != "GET") else {}
            response = client.open(url, method=method, headers=headers, **kwargs)
            yield rule.endpoint, policy, method, url, response


def _as(request, park, login_as, token_of):
    """Log the client in as the role's user; its bearer token for the API."""
    user = getattr(park, request)
    login_as(user)
    return user, token_of(user)


# --------------------------------------------------------------------------- declaration


def test_every_endpoint_of_the_app_has_a_declared_policy(app):
    missing = undeclared_endpoints(app)
    assert not missing, ("Declare these endpoints in safety_app/permissions.py ROUTE_POLICIES (roles, scoped, "
                         f"public): {', '.join(missing)}")


def test_every_policy_names_an_existing_endpoint(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert not set(ROUTE_POLICIES) - endpoints


def test_an_endpoint_without_a_policy_stops_the_app_at_start(app):
    extra = Blueprint("stray", __name__)
    extra.add_url_rule("/stray", "page", lambda: "stray")
    probe = create_app({**app.config, "TESTING": True})
    probe.register_blueprint(extra)
    with pytest.raises(RuntimeError, match="stray.page"):
        check_route_policies(probe)


def test_an_endpoint_without_a_policy_is_refused_at_request_time(app, client, park, login_as):
    app.add_url_rule("/stray", "stray_page", lambda: "secret stray page")
    for user in (None, park.admin):
        if user:
            login_as(user)
        response = client.get("/stray")
        assert response.status_code == 500
        assert "secret stray page" not in response.get_data(as_text=True)


def test_the_api_public_operations_are_exactly_the_public_policies():
    public_api = {e for e, p in ROUTE_POLICIES.items() if p.public and e.startswith("api.")}
    assert public_api == PUBLIC_ENDPOINTS


def test_the_isolation_map_and_the_policies_agree_on_what_an_enterprise_user_may_use():
    """Two independent declarations: routes an enterprise user opens (FOREIGN, OWN in the
    isolation map) must allow the enterprise role, ROLE routes must not."""
    from safety_app.models import Role

    wrong = []
    for endpoint, (kind, _values, _body) in ROUTES.items():
        allowed = Role.ENTERPRISE in ROUTE_POLICIES[endpoint].roles
        if (kind == "role" and allowed) or (kind in ("foreign", "own") and not allowed):
            wrong.append(f"{endpoint}: isolation map says {kind}, policy roles {sorted(ROUTE_POLICIES[endpoint].roles)}")
    assert not wrong, "\n".join(wrong)


# --------------------------------------------------------------------------- the walk


def test_anonymous_gets_the_login_page_or_401_on_every_route(app, client, estate):
    wrong = []
    for endpoint, _policy, method, url, response in _walk(app, client, estate.a):
        if endpoint.startswith("api."):
            if response.status_code != 401 or response.get_json()["error"]["code"] != "unauthorized":
                wrong.append(f"{endpoint} {method} {url}: {response.status_code}, expected 401")
        elif response.status_code != 302 or not response.headers["Location"].startswith("/login"):
            wrong.append(f"{endpoint} {method} {url}: {response.status_code} "
                         f"{response.headers.get('Location')}, expected 302 to /login")
    assert not wrong, "\n".join(wrong)


def test_enterprise_user_gets_404_for_another_enterprises_ids_on_every_scoped_route(app, client, park, estate,
                                                                                    login_as, token_of):
    _user, token = _as("user_a", park, login_as, token_of)
    wrong, checked = [], 0
    for endpoint, policy, method, url, response in _walk(app, client, estate.b, token=token,
                                                          notification=estate.notifications["user_b"]):
        if not policy.scoped or "enterprise" not in {r.value for r in policy.roles} or \
                ROUTES[endpoint][0] == "in-body":
            continue
        checked += 1
        if response.status_code != 404:
            wrong.append(f"{endpoint} {method} {url}: {response.status_code}, expected 404")
    assert not wrong, "\n".join(wrong)
    assert checked > 20


@pytest.mark.parametrize("role", ["admin", "inspector", "user_a"])
def test_each_role_gets_what_the_policy_says_on_every_route_with_own_and_other_ids(app, client, park, estate,
                                                                                   login_as, token_of, role):
    """A role outside the policy: 403 whatever the id. An allowed role with an id it may see: the
    page, or for a change an answer of the lifecycle or the form (never 401, 404 or 5xx). (An
    enterprise user with another enterprise's id: the test below.)"""
    user, token = _as(role, park, login_as, token_of)
    wrong, refused = [], 0
    for ids in (estate.a, estate.b):
        may_see = ids is estate.a or role != "user_a"
        for endpoint, policy, method, url, response in _walk(app, client, ids, token=token,
                                                              notification=estate.notifications[role]):
            status = response.status_code
            if user.role not in policy.roles:
                refused += 1
                if status != 403:
                    wrong.append(f"{endpoint} {method} {url}: {status}, expected 403 (role)")
            elif not may_see:
                continue
            elif method == "GET" and not (200 <= status < 400) and not (
                    status == 403 and endpoint in STATE_DEPENDENT_FORMS):
                wrong.append(f"{endpoint} GET {url}: {status}, expected the page")
            elif method != "GET" and (status in (401, 404) or status >= 500):
                wrong.append(f"{endpoint} {method} {url}: {status}")
    assert not wrong, "\n".join(wrong)
    assert refused or role == "admin"


def test_a_notification_is_reachable_only_by_its_user(app, client, park, estate, login_as, token_of):
    _user, token = _as("admin", park, login_as, token_of)
    other = estate.notifications["user_a"]
    assert client.post(f"/notifications/{other}/read").status_code == 404
    assert client.post(f"/api/v1/notifications/{other}/read",
                       headers={"Authorization": f"Bearer {token}"}).status_code == 404


def test_a_token_can_be_revoked_only_by_its_holder_and_then_fails(client, park, token_of):
    token = token_of(park.user_a)
    assert client.delete("/api/v1/tokens/current").status_code == 401
    auth = {"Authorization": f"Bearer {token}"}
    assert client.delete("/api/v1/tokens/current", headers=auth).status_code == 204
    assert client.get("/api/v1/me", headers=auth).status_code == 401


def test_policy_allows_nobody_anonymous_unless_public():
    from types import SimpleNamespace as User

    anonymous = User(is_authenticated=False, role=None)
    assert not Policy().allows(anonymous)
    assert Policy(public=True).allows(anonymous)


@pytest.mark.parametrize("who, expected", [("inspector", 422), ("admin", 422), ("inspector2", 403),
                                           ("user_a", 403), ("user_b", 403)])
def test_correcting_a_hazard_is_for_the_filing_inspector_or_an_admin(client, park, login_as, who, expected):
    """hazards.correct: the role (staff) is not enough, the inspector must have filed the hazard;
    an empty form reaches the form's check (422) only for those allowed."""
    hazard = park.hazard()  # filed by park.inspector
    login_as(getattr(park, who))
    assert client.post(f"/hazards/{hazard.id}/edit", data={}).status_code == expected


@pytest.mark.parametrize("who, expected", [("inspector", 302), ("inspector2", 302), ("admin", 302),
                                           ("user_a", 403), ("user_b", 404)])
def test_annotating_a_photo_follows_the_rule_of_adding_photos(client, park, login_as, who, expected):
    """hazards.annotate_photo: staff; an enterprise user only on a hazard the enterprise found itself
    (an office-found hazard: 403); another enterprise's photo: 404, like a missing id."""
    import io

    from ..loop.conftest import image_bytes
    from ..photos.conftest import add_photo

    photo = add_photo(park.hazard(), park.inspector)
    login_as(getattr(park, who))
    response = client.post(f"/attachments/{photo.id}/annotations", content_type="multipart/form-data",
                           data={"image": (io.BytesIO(image_bytes(size=(320, 240))), "annotated.jpg")})
    assert response.status_code == expected


@pytest.mark.parametrize("who, expected", [("admin", 302), ("inspector", 302), ("inspector2", 302),
                                           ("user_a", 302), ("user_b", 404)])
def test_commenting_is_for_staff_and_the_hazards_own_enterprise(client, park, login_as, who, expected):
    """hazards.comment / api.post_hazard_comment: staff on any hazard, an enterprise user on its own
    (another enterprise: 404, like a missing id)."""
    hazard = park.hazard()
    login_as(getattr(park, who))
    assert client.post(f"/hazards/{hazard.id}/comments", data={"body": "留言"}).status_code == expected
    token = client.post("/api/v1/tokens", json={"username": getattr(park, who).username,
                                                "password": PASSWORD}).get_json()["token"]
    response = client.post(f"/api/v1/hazards/{hazard.id}/comments", json={"body": "留言"},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == (201 if expected == 302 else 404)


@pytest.mark.parametrize("who, expected", [("admin", 422), ("inspector", 422), ("user_a", 403), ("user_b", 403)])
def test_bulk_verify_and_reminders_are_for_staff_only(client, park, login_as, who, expected):
    """hazards.bulk_verify, hazards.reminders, hazards.send_reminders: the role decides before any id
    is looked up; staff reach the form's check (an empty selection: 422)."""
    login_as(getattr(park, who))
    assert client.post("/hazards/queue/verify", data={}).status_code == expected
    assert client.post("/hazards/reminders", data={}).status_code == expected
    assert client.get("/hazards/reminders").status_code == (200 if expected == 422 else 403)
