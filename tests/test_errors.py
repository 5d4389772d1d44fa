"""When the database is unreachable, pages answer a clean 503 (never a stack trace)."""
from sqlalchemy.exc import OperationalError

from safety_app.extensions import db

from .conftest import login


def _database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "get", refuse)
    monkeypatch.setattr(db.session, "execute", refuse)
    monkeypatch.setattr(db.session, "scalar", refuse)


def test_page_answers_503_in_chinese_while_the_database_is_down(client, park, monkeypatch):
    login(client, park.admin)
    _database_down(monkeypatch)
    response = client.get("/dashboard")
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "服务暂时不可用" in page
    assert "Traceback" not in page and "OperationalError" not in page


def test_api_answers_json_503_while_the_database_is_down(client, park, monkeypatch):
    _database_down(monkeypatch)
    response = client.get("/api/v1/hazards", headers={"Authorization": "Bearer x"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "unavailable"


def test_pages_work_again_when_the_database_is_back(client, park, monkeypatch):
    login(client, park.admin)
    with monkeypatch.context() as m:
        _database_down(m)
        assert client.get("/dashboard").status_code == 503
    assert client.get("/dashboard").status_code == 200


def test_a_connection_that_dies_at_the_end_of_a_request_does_not_become_a_500(database, tmp_path, monkeypatch):
    """Ending the session rolls back on the connection; if the database just went away, the
    answer already made (here 200) must stand, not turn into a server error."""
    from sqlalchemy.orm import Session

    from safety_app import create_app

    from .conftest import _base_config

    app = create_app(_base_config(database.url, tmp_path))
    client = app.test_client()  # no app context held: the request's own teardown runs
    original = Session.close
    calls = {"n": 0}

    def dying_close(self):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("ROLLBACK", {}, Exception("terminating connection due to administrator command"))
        return original(self)

    monkeypatch.setattr(Session, "close", dying_close)
    assert client.get("/healthz").status_code == 200
    assert calls["n"] >= 1


def test_api_answers_json_503_when_the_connection_pool_stays_exhausted(client, park, monkeypatch):
    """While the database restarts, requests wait for connections; a pool that stays exhausted
    (QueuePool timeout) means "temporarily unavailable", not a bare 500."""
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    def exhausted(*args, **kwargs):
        raise PoolTimeout("QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00")

    monkeypatch.setattr(db.session, "get", exhausted)
    monkeypatch.setattr(db.session, "execute", exhausted)
    monkeypatch.setattr(db.session, "scalar", exhausted)
    response = client.get("/api/v1/hazards", headers={"Authorization": "Bearer x"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "unavailable"


def test_a_csv_export_answers_503_when_the_database_fails_before_the_first_chunk(client, park, monkeypatch):
    """Streaming starts only after the first chunk is made: a database that went away during the
    export's query gives the clean 503 page, not a bare 500 from the server."""
    from safety_app import exports

    def failing_export(kind, fmt, user, filters):
        def chunks():
            raise OperationalError("SELECT", {}, Exception("server closed the connection unexpectedly"))
            yield b""  # pragma: no cover

        return "ledger", chunks()

    login(client, park.admin)
    monkeypatch.setattr(exports, "export", failing_export)
    response = client.get("/ledgers/hazards/export.csv")
    assert response.status_code == 503
    assert "服务暂时不可用" in response.get_data(as_text=True)
