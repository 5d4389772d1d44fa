"""End-to-end harness: the real app served by gunicorn on a free loopback port,
a fresh migrated SQLite database with demo data, and Debian's Chromium driven
by Playwright (never a downloaded browser).

Without Chromium the tests skip with a reason — unless E2E_REQUIRED=1 (CI),
which turns the skip into a failure.
"""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "e2e" / datetime.now().strftime("%Y%m%d-%H%M%S")
DEMO_PASSWORD = "demo-password"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _require_browser():
    if os.path.exists(CHROMIUM):
        return
    message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("E2E_REQUIRED") == "1":
        pytest.fail(message + " and E2E_REQUIRED=1", pytrace=False)
    pytest.skip(message)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _venv_bin(name):
    return str(Path(sys.executable).parent / name)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Base URL of gunicorn serving a fresh demo park."""
    _require_browser()
    tmp = tmp_path_factory.mktemp("e2e")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'e2e.db'}",
        "SECRET_KEY": "e2e-secret",
        "APP_ENV": "production",
        "REPORTS_DIR": str(tmp / "reports"),
        "UPLOAD_DIR": str(tmp / "uploads"),
        "PUBLIC_BASE_URL": base,
        "SCHEDULER_ENABLED": "0",
        "DEMO_PASSWORD": DEMO_PASSWORD,
        "FLASK_APP": "wsgi:app",
    }
    env.pop("FLASK_DEBUG", None)
    flask = _venv_bin("flask")
    subprocess.run([flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([flask, "demo", "seed", "--enterprises", "6", "--hazards", "60", "--seed", "11"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    log = open(tmp / "server.log", "w")
    server = subprocess.Popen(
        [_venv_bin("gunicorn"), "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the server did not start: " + (tmp / "server.log").read_text()[-2000:])
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(10)
        log.close()


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-sync", "--disable-quic"],
        )
        yield b
        b.close()


class Session:
    """One user's browser context, recording console errors and failed requests."""

    def __init__(self, browser, base, name, viewport):
        self.base = base
        self.name = name
        self.context = browser.new_context(viewport=viewport, is_mobile=viewport is PHONE,
                                           has_touch=viewport is PHONE, locale="zh-CN", accept_downloads=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10000)
        self.console_errors = []
        self.failed = []
        self.allowed_failures = set()
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        self.page.on("response", self._on_response)
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} failed: {r.failure}"))
        self.shots = 0

    def _on_response(self, response):
        if response.status >= 400:
            path = response.url.replace(self.base, "")
            if (response.status, path) not in self.allowed_failures:
                self.failed.append(f"{response.status} {path}")

    def expect_status(self, status, path):
        """Declare a deliberate error response (e.g. the 404 of another enterprise's hazard)."""
        self.allowed_failures.add((status, path))

    def goto(self, path):
        return self.page.goto(self.base + path)

    def login(self, username, password=DEMO_PASSWORD):
        self.goto("/login")
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()
        assert "/login" not in self.page.url, f"{username} could not log in"

    def shot(self, label):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        path = ARTIFACTS / f"{self.name}-{self.shots:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_clean(self):
        assert not self.console_errors, f"console errors: {self.console_errors}"
        assert not self.failed, f"failed requests: {self.failed}"

    def close(self):
        self.context.close()


@pytest.fixture
def sessions(browser, live_server):
    """Make browser sessions: sessions('inspector', phone=True). Checks each one is clean at the end."""
    made = []

    def make(name, phone=True):
        s = Session(browser, live_server, name, PHONE if phone else DESKTOP)
        made.append(s)
        return s

    yield make
    try:
        for s in made:
            s.assert_clean()
    finally:
        for s in made:
            s.close()


def pytest_terminal_summary(terminalreporter):
    if ARTIFACTS.exists():
        terminalreporter.write_line(f"e2e screenshots: {ARTIFACTS}")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def test_image(tmp_path_factory):
    """A small JPEG photo with EXIF orientation, like one from a phone camera."""
    from PIL import Image

    path = tmp_path_factory.mktemp("img") / "photo.jpg"
    image = Image.new("RGB", (640, 480), (200, 120, 40))
    exif = Image.Exif()
    exif[0x0112] = 6
    image.save(path, "JPEG", exif=exif.tobytes())
    return path


