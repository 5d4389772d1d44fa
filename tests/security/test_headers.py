"""Security headers on every response: pages, redirects, errors, the API, file downloads.

Walks every route of the app (as the admin and as an anonymous caller, with real ids) and
adds the answers the walk does not produce: static files, 404/405/500, the API's errors,
downloads of photos, evidence, documents and ledger exports.
"""
import pytest

from safety_app.models import Attachment

from .test_authorization_matrix import _as, _walk

EXPECTED = {"X-Content-Type-Options": "nosniff"}


def header_problems(label, response):
    problems = []
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";") if d.strip()}
    script = directives.get("script-src") or directives.get("default-src", "")
    if not csp:
        problems.append("no Content-Security-Policy")
    elif "'unsafe-inline'" in script or "'unsafe-eval'" in script or not script:
        problems.append(f"scripts not locked down: {script!r}")
    if directives.get("frame-ancestors") != "frame-ancestors 'none'":
        problems.append(f"frame-ancestors is {directives.get('frame-ancestors')!r}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if response.headers.get("Referrer-Policy") not in ("same-origin", "no-referrer", "strict-origin"):
        problems.append(f"Referrer-Policy {response.headers.get('Referrer-Policy')!r}")
    if response.headers.get("X-Frame-Options") != "DENY":
        problems.append("no X-Frame-Options: DENY")
    return [f"{label} ({response.status_code}): {p}" for p in problems]


def test_every_route_answers_with_the_security_headers_for_the_admin(app, client, park, estate, login_as,
                                                                     token_of):
    _user, token = _as("admin", park, login_as, token_of)
    problems = []
    for endpoint, _policy, method, url, response in _walk(app, client, estate.a, token=token,
                                                          notification=estate.notifications["admin"]):
        problems += header_problems(f"{endpoint} {method} {url}", response)
    assert not problems, "\n".join(problems)


def test_every_route_answers_with_the_security_headers_for_an_anonymous_caller(app, client, estate):
    problems = []
    for endpoint, _policy, method, url, response in _walk(app, client, estate.a):
        problems += header_problems(f"{endpoint} {method} {url}", response)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("method,url", [
    ("GET", "/login"), ("GET", "/healthz"), ("GET", "/static/css/app.css"), ("GET", "/no/such/page"),
    ("DELETE", "/login"), ("GET", "/api/v1/openapi.json"), ("GET", "/api/v1/no-such"),
    ("GET", "/api/v1/hazards"), ("POST", "/api/v1/tokens"), ("GET", "/lang/en"),
])
def test_public_answers_and_errors_carry_the_security_headers(client, method, url):
    response = client.open(url, method=method)
    assert not header_problems(f"{method} {url}", response)


def test_an_unexpected_error_page_carries_the_security_headers(app, client):
    def boom():
        raise RuntimeError("kaboom-secret-detail")

    app.add_url_rule("/boom", "boom", boom)
    from safety_app.permissions import PUBLIC, ROUTE_POLICIES

    ROUTE_POLICIES["boom"] = PUBLIC
    try:
        response = client.get("/boom")
    finally:
        del ROUTE_POLICIES["boom"]
    assert response.status_code == 500 and "kaboom-secret-detail" not in response.get_data(as_text=True)
    assert not header_problems("500", response)


@pytest.mark.parametrize("url", [
    "/attachments/{photo}", "/attachments/{photo}/thumb", "/attachments/{evidence}",
    "/api/v1/attachments/{photo}", "/api/v1/attachments/{evidence}", "/reports/{document}/download",
    "/ledgers/hazards/export.csv", "/ledgers/measures/export.xlsx", "/enterprises/import/template.xlsx",
])
def test_downloads_carry_the_security_headers_and_a_content_disposition(client, park, estate, login_as, token_of,
                                                                       url):
    token = token_of(park.admin)
    login_as(park.admin)
    response = client.get(url.format(**vars(estate.a)), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert not header_problems(url, response)
    assert response.headers.get("Content-Disposition", "").startswith(("attachment", "inline"))
    response.close()


@pytest.mark.parametrize("which,disposition", [("photo", "inline"), ("evidence", "attachment")])
def test_an_upload_is_served_with_its_checked_type(client, park, estate, login_as, which, disposition):
    from safety_app.extensions import db

    attachment = db.session.get(Attachment, getattr(estate.a, which))
    login_as(park.user_a)
    response = client.get(f"/attachments/{attachment.id}")
    assert response.mimetype == attachment.content_type
    assert attachment.content_type in ("image/jpeg", "application/pdf")
    assert response.headers["Content-Disposition"].startswith(disposition)
    assert "sandbox" in response.headers["Content-Security-Policy"]
