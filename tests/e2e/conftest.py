"""End-to-end harness: the real app served by gunicorn on a free loopback port,
a fresh migrated SQLite database with demo data, and Debian's Chromium driven
by Playwright (never a downloaded browser).

Without Chromium the tests skip with a reason — unless E2E_REQUIRED=1 (CI),
which turns the skip into a failure.
"""
import os
import re
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
# A fresh enterprise with no hazards yet, so that "cleared to zero" means something (the demo
# enterprises all carry open hazards). Its long Chinese name also checks text overflow on a phone.
FRESH_ENTERPRISE = "天津渤海新区大港石化产业园区精细化工新材料科技股份有限公司"
FRESH_USER = "qingling"
FRESH_PASSWORD = "Fresh-password-2026"
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


server_info = {}

_CREATE_ENTERPRISE = """
import sys
from wsgi import app
from safety_app import credit_code, registry
with app.app_context():
    e = registry.create({"name": sys.argv[1], "credit_code": credit_code.compose("MA07E2E0"),
                         "address": "天津市滨海新区大港石化产业园区港塘路 1 号", "contact_name": "青岭",
                         "contact_phone": "13800000000"}, None)
    print(e.credit_code)
"""


def _seed_fresh_enterprise(env):
    """The CLI way: the enterprise through the registry core, its user with `flask users create`
    (which reads the password from standard input)."""
    done = subprocess.run([sys.executable, "-c", _CREATE_ENTERPRISE, FRESH_ENTERPRISE], cwd=ROOT, env=env,
                          check=True, capture_output=True, text=True)
    code = done.stdout.strip().splitlines()[-1]
    subprocess.run([_venv_bin("flask"), "users", "create", FRESH_USER, "--role", "enterprise",
                    "--enterprise-code", code, "--name", "青岭（安全员）"],
                   input=FRESH_PASSWORD + "\n", cwd=ROOT, env=env, check=True, capture_output=True, text=True)


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
    _seed_fresh_enterprise(env)
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
                    raise RuntimeError("the server did not start: " + (tmp / "server.log").read_text()[-2000:]) from None
                time.sleep(0.2)
        server_info["base"] = base
        server_info["database"] = tmp / "e2e.db"
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


PASSWORDS = {FRESH_USER: FRESH_PASSWORD}
TOUCH_SELECTOR = ("a[href], button, summary, select, textarea, input:not([type=hidden]):not([type=file])")
# A dashboard chart's bar links (svg a.bar-link) are left out: full-width rows of 24 px or more
# (WCAG 2.5.8), each with a 44 px twin link in the table under its chart.
SMALL_TARGETS_JS = """sel => [...document.querySelectorAll(sel)]
  .filter(e => e.offsetParent !== null && !e.closest('.visually-hidden, .sr-only'))
  .filter(e => !e.matches('svg a.bar-link'))
  .filter(e => !(e.tagName === 'A' && getComputedStyle(e).display === 'inline'
                 && /\\S/.test((e.parentElement.textContent || '').replace(e.textContent, ''))))
  .map(e => { const b = (e.closest('label') || e).getBoundingClientRect();
              return [e.outerHTML.replace(/\\s+/g, ' ').slice(0, 100), Math.round(b.height)]; })
  .filter(([, h]) => h < 44)"""
_logged_in = {}  # username -> cookies of its one form login in this run


class Session:
    """One user's browser context, recording console errors, failed requests and (on a phone, at
    each screenshot) controls under 44 px: all three fail the test at teardown."""

    def __init__(self, browser, base, name, viewport):
        self.base = base
        self.name = name
        self.phone = viewport is PHONE
        self.context = browser.new_context(viewport=viewport, is_mobile=viewport is PHONE,
                                           has_touch=viewport is PHONE, locale="zh-CN", accept_downloads=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10000)
        self.console_errors = []
        self.failed = []
        self.allowed_failures = set()
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        self.page.on("response", self._on_response)
        self.page.on("requestfailed", lambda r: self.aborted.append((r.url, r.failure)))
        # A download ends its navigation with net::ERR_ABORTED: that is Chromium, not a failure.
        self.page.on("download", lambda d: self.downloads.add(d.url))
        self.aborted = []
        self.downloads = set()
        self.shots = 0
        self.small_targets_seen = []  # (screenshot, [(control, height)]) on a phone

    def _on_console(self, message):
        if message.type != "error":
            return
        # Chromium logs every 4xx/5xx as a console error; a declared one is not an error.
        status = re.search(r"status of (\d{3})", message.text)
        path = (message.location or {}).get("url", "").replace(self.base, "")
        if status and message.text.startswith("Failed to load resource") \
                and (int(status.group(1)), path) in self.allowed_failures:
            return
        self.console_errors.append(message.text)

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

    def login(self, username, password=None, reuse=True):
        """Log in through the form once per run; later sessions of the same user reuse its cookies
        (the server keeps sessions valid until logout or a password change). Does not navigate then."""
        if reuse and username in _logged_in:
            self.context.add_cookies(_logged_in[username])
            return
        self.goto("/login")
        self.page.fill("#username", username)
        self.page.fill("#password", password or PASSWORDS.get(username, DEMO_PASSWORD))
        self.page.click("main button[type=submit]")
        self.page.wait_for_load_state()
        assert "/login" not in self.page.url, f"{username} could not log in"
        _logged_in[username] = self.context.cookies()

    def shot(self, label):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        path = ARTIFACTS / f"{self.name}-{self.shots:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        if self.phone:
            small = self.small_targets()
            if small:
                self.small_targets_seen.append((path.name, small))
                with open(ARTIFACTS / "touch-targets.txt", "a", encoding="utf-8") as report:
                    report.write(f"{path.name} {self.page.url.replace(self.base, '')}\n")
                    report.writelines(f"  {h}px  {html}\n" for html, h in small)
        return path

    def small_targets(self, selector=TOUCH_SELECTOR):
        """Visible controls under 44 px tall (a control inside a label counts the label), skipping
        links that sit inside a sentence (WCAG 2.5.8 exception)."""
        return self.page.evaluate(SMALL_TARGETS_JS, selector)

    def save_artifact(self, source, label):
        """Keep a file the scenario produced (a downloaded PDF) beside the screenshots."""
        import shutil

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        target = ARTIFACTS / f"{self.name}-{label}"
        shutil.copyfile(source, target)
        return target

    def render_pdf(self, source, label):
        """Page 1 of a PDF as a PNG beside the screenshots, to look at (needs poppler-utils)."""
        import shutil

        if shutil.which("pdftoppm"):
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(source),
                            str(ARTIFACTS / f"{self.name}-{label}")], check=False, capture_output=True)

    def assert_clean(self):
        assert not self.console_errors, f"console errors: {self.console_errors}"
        failed = self.failed + [f"{url} failed: {why}" for url, why in self.aborted
                                if not (url in self.downloads and why == "net::ERR_ABORTED")]
        assert not failed, f"failed requests: {failed}"
        assert not self.small_targets_seen, f"touch targets under 44 px: {self.small_targets_seen}"

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




class Park:
    """What the tests need to know about the served park: the fresh enterprise, and read-only
    look-ups in its database (to pick another enterprise's hazard, an hazard to extend, ...)."""

    enterprise_name = FRESH_ENTERPRISE
    username = FRESH_USER

    def __init__(self, database):
        self.database = database

    def rows(self, sql, *params):
        import sqlite3

        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True) as conn:
            return conn.execute(sql, params).fetchall()

    def value(self, sql, *params):
        rows = self.rows(sql, *params)
        return rows[0][0] if rows else None

    @property
    def enterprise_id(self):
        return self.value("SELECT id FROM enterprises WHERE name = ?", FRESH_ENTERPRISE)


@pytest.fixture(scope="session")
def park(live_server):
    return Park(server_info["database"])
