"""API helpers: a client that sends a user's bearer token."""
import pytest

from tests.conftest import PASSWORD


class ApiClient:
    def __init__(self, client, token=None):
        self.client, self.token = client, token

    def _headers(self, headers):
        out = dict(headers or {})
        if self.token:
            out.setdefault("Authorization", f"Bearer {self.token}")
        return out

    def __getattr__(self, method):
        if method not in ("get", "post", "patch", "delete", "put"):
            raise AttributeError(method)

        def call(path, headers=None, **kwargs):
            return getattr(self.client, method)(f"/api/v1{path}", headers=self._headers(headers), **kwargs)

        return call


def issue_token(client, user, password=PASSWORD):
    response = client.post("/api/v1/tokens", json={"username": user.username, "password": password})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


@pytest.fixture
def api(client):
    """``api(user)`` → a client calling /api/v1 with that user's token; ``api()`` is anonymous."""
    def _api(user=None):
        return ApiClient(client, issue_token(client, user) if user is not None else None)

    return _api


def assert_error(response, status, code=None):
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.content_type.startswith("application/json")
    error = response.get_json()["error"]
    assert error["message"]
    if code:
        assert error["code"] == code
    return error
