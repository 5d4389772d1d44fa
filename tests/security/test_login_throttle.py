"""Login throttling that slows guessing without locking the owner out: per client address across
usernames, per username across addresses, growing delays, trusted device cookies, the proxy
trusted only when configured, and equal work for unknown and known usernames."""
import pytest

from safety_app import accounts, create_app, throttle
from safety_app.models import people

from ..conftest import PASSWORD, login


def _post(client, username, password="wrong-password-x", address="203.0.113.5", **kwargs):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address}, **kwargs)


def test_spraying_one_password_is_slowed(client, park):
    for n in range(throttle.FREE_PER_ADDRESS):
        assert _post(client, f"guess{n}").status_code == 401
    response = _post(client, "admin", PASSWORD)  # even the right password waits: nothing is checked
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


def test_spraying_from_one_address_does_not_slow_another_address(app, client, park):
    for n in range(throttle.FREE_PER_ADDRESS + 3):
        _post(client, f"guess{n}")
    assert _post(app.test_client(), "admin", PASSWORD, address="198.51.100.7").status_code == 302


def test_guessing_one_username_from_many_addresses_is_slowed(client, park):
    for n in range(throttle.FREE_PER_USERNAME):
        assert _post(client, "admin", address=f"198.51.100.{n + 1}").status_code == 401
    assert _post(client, "admin", PASSWORD, address="192.0.2.99").status_code == 429


def test_the_delay_doubles_with_each_failure_and_then_lifts(client, park, time_machine):
    time_machine.move_to("2026-11-29 09:00:00+08:00", tick=False)
    for n in range(throttle.FREE_PER_USERNAME):
        _post(client, "admin", address=f"198.51.100.{n + 1}")
    first = int(_post(client, "admin").headers["Retry-After"])
    time_machine.shift(first)
    assert _post(client, "admin").status_code == 401  # allowed again, and wrong
    second = int(_post(client, "admin").headers["Retry-After"])
    assert second == 2 * first
    time_machine.shift(second)
    assert _post(client, "admin", PASSWORD).status_code == 302


def test_other_peoples_failures_do_not_lock_out_known_device(app, client, park):
    owner = app.test_client()
    login(owner, park.admin)  # this browser now holds a signed device cookie for "admin"
    owner.post("/logout")
    attacker = app.test_client()
    address = "10.0.0.1"  # behind an unconfigured proxy everybody has the same address
    for _ in range(3 * throttle.FREE_PER_ADDRESS):
        _post(attacker, "admin", address=address)
    assert _post(attacker, "admin", PASSWORD, address=address).status_code == 429
    assert _post(owner, "admin", PASSWORD, address=address).status_code == 302


def test_a_known_device_is_slowed_by_its_own_failures(app, client, park):
    login(client, park.admin)
    client.post("/logout")
    for _ in range(throttle.FREE_PER_DEVICE):
        assert _post(client, "admin").status_code == 401
    assert _post(client, "admin", PASSWORD).status_code == 429


def test_a_forged_device_cookie_is_not_trusted(app, client, park):
    for n in range(throttle.FREE_PER_USERNAME):
        _post(client, "admin", address=f"198.51.100.{n + 1}")
    forged = app.test_client()
    forged.set_cookie(throttle.DEVICE_COOKIE, '{"admin": "0123456789abcdef"}')
    assert _post(forged, "admin", PASSWORD).status_code == 429


def test_a_device_cookie_for_another_username_is_not_trusted_for_this_one(app, client, park):
    login(client, park.inspector)
    client.post("/logout")
    for n in range(throttle.FREE_PER_USERNAME):
        _post(app.test_client(), "admin", address=f"198.51.100.{n + 1}")
    assert _post(client, "admin", PASSWORD).status_code == 429


def test_token_requests_are_throttled_per_address_across_usernames(client, park):
    for n in range(throttle.FREE_PER_ADDRESS):
        client.post("/api/v1/tokens", json={"username": f"guess{n}", "password": "wrong-password-x"},
                    environ_base={"REMOTE_ADDR": "203.0.113.9"})
    response = client.post("/api/v1/tokens", json={"username": "admin", "password": PASSWORD},
                           environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 429 and response.headers["Retry-After"]
    assert "秒后再试" in response.get_json()["error"]["message"]


@pytest.fixture
def hash_checks(monkeypatch):
    calls = []
    for module in (accounts, people):
        original = module.check_password_hash

        def counting(hashed, password, _original=original):
            calls.append(hashed)
            return _original(hashed, password)

        monkeypatch.setattr(module, "check_password_hash", counting)
    return calls


def test_login_time_is_equal_for_unknown_user(client, park, hash_checks):
    _post(client, "admin", address="192.0.2.1")
    known = list(hash_checks)
    hash_checks.clear()
    _post(client, "no-such-user", address="192.0.2.2")
    assert len(known) == len(hash_checks) == 1
    assert hash_checks[0].split("$")[0] == known[0].split("$")[0]  # the same scrypt parameters


def test_login_time_is_equal_for_a_deactivated_user(client, park, hash_checks):
    from safety_app.extensions import db

    park.inspector.active = False
    db.session.commit()
    _post(client, "inspector", PASSWORD)
    assert len(hash_checks) == 1


def test_forwarded_for_is_ignored_without_a_configured_proxy(client, park):
    """Anyone can send X-Forwarded-For: it must not let an attacker pick a fresh address per try."""
    for n in range(throttle.FREE_PER_ADDRESS):
        client.post("/login", data={"username": f"guess{n}", "password": "x-wrong-pass"},
                    headers={"X-Forwarded-For": f"198.51.100.{n + 1}"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    response = client.post("/login", data={"username": "guess-last", "password": "x-wrong-pass"},
                           headers={"X-Forwarded-For": "192.0.2.200"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert response.status_code == 429


def test_the_client_address_comes_from_the_configured_proxy(app, database, tmp_path, park):
    from ..conftest import _base_config

    proxied = create_app({**_base_config(database.url, tmp_path), "PROXY_COUNT": 1})
    client = proxied.test_client()
    for n in range(throttle.FREE_PER_ADDRESS):
        client.post("/login", data={"username": f"guess{n}", "password": "x-wrong-pass"},
                    headers={"X-Forwarded-For": "198.51.100.1"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    # Another client behind the same proxy is not slowed by the first one's spraying.
    response = client.post("/login", data={"username": "admin", "password": PASSWORD},
                           headers={"X-Forwarded-For": "198.51.100.2"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert response.status_code == 302
