"""“在此手机上保持登录 30 天” in Chromium on a phone (390×844): unchecked by default; once ticked, the
login survives a browser that keeps only persistent cookies (WeChat's web view discards the
others), an unticked one does not, and “结束全部已记住的手机” ends it. The app is served in-process."""
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from ..conftest import PASSWORD, make_park
from .conftest import PHONE

pytestmark = pytest.mark.e2e
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "sessions"


@pytest.fixture
def served(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)


@pytest.fixture
def people(app):
    """The small park of the in-process app (this folder's ``park`` is the live server's)."""
    return make_park()


@pytest.fixture
def chromium(browser):
    """The worker's one Chromium (Playwright's sync API allows one driver per thread)."""
    return browser


def _phone(chromium, cookies=()):
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    if cookies:
        context.add_cookies(list(cookies))
    page = context.new_page()
    page.set_default_timeout(20000)
    return context, page


def _log_in(page, base, user, remember):
    page.goto(base + "/login")
    page.fill("#username", user.username)
    page.fill("#password", PASSWORD)
    box = page.locator("input[name=remember]")
    assert not box.is_checked()
    if remember:
        box.check()
    return box


def _reopened(chromium, context):
    """The same phone after its browser closed: only the cookies with an expiry are left."""
    return _phone(chromium, [c for c in context.cookies() if c["expires"] > 0])


def test_a_remembered_phone_stays_logged_in_after_the_browser_closes(db_kind, people, served, chromium):
    if db_kind != "sqlite":
        pytest.skip("the browser sees the same cookies on every database: once is enough")
    SHOTS.mkdir(parents=True, exist_ok=True)
    context, page = _phone(chromium)
    _log_in(page, served, people.user_a, remember=True)
    assert "在此手机上保持登录 30 天" in page.content()
    page.screenshot(path=str(SHOTS / "login-remember-ticked.png"), full_page=True)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url
    cookie = next(c for c in context.cookies() if c["name"] == "session")
    assert abs(cookie["expires"] - time.time() - 30 * 86400) < 300
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

    later, later_page = _reopened(chromium, context)
    later_page.goto(served + "/account/devices")
    assert "/login" not in later_page.url
    assert "已记住的手机" in later_page.content()
    later_page.screenshot(path=str(SHOTS / "devices-remembered-phones.png"), full_page=True)
    later_page.click("text=结束全部已记住的手机")
    later_page.wait_for_load_state()
    assert "/login" in later_page.url
    page.goto(served + "/account/devices")
    assert "/login" in page.url


def test_an_ordinary_login_ends_with_the_browser(db_kind, people, served, chromium):
    if db_kind != "sqlite":
        pytest.skip("the browser sees the same cookies on every database: once is enough")
    context, page = _phone(chromium)
    _log_in(page, served, people.user_a, remember=False)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url
    assert next(c for c in context.cookies() if c["name"] == "session")["expires"] == -1
    later, later_page = _reopened(chromium, context)
    later_page.goto(served + "/account/devices")
    assert "/login" in later_page.url
