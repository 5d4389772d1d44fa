"""Configuration, read only from the environment (and ``instance/config.py``).

Every setting has a safe default for development except ``SECRET_KEY`` in
production, which must be given explicitly.
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", BASE_DIR / "instance"))

DEV_SECRET_KEY = "dev-only-not-secret"


def _bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


class Config:
    """Settings for one app instance; read when the instance is created."""

    def __init__(self):
        self.DEBUG = _bool("FLASK_DEBUG")
        self.ENV_NAME = os.environ.get("APP_ENV", "development" if self.DEBUG else "production")
        self.SECRET_KEY = os.environ.get("SECRET_KEY")
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'safety.db'}"
        )
        # A server connection may have been dropped (restart, idle timeout): test it when taken from
        # the pool. A SQLite file has no connection to lose.
        self.SQLALCHEMY_ENGINE_OPTIONS = ({} if self.SQLALCHEMY_DATABASE_URI.startswith("sqlite")
                                          else {"pool_pre_ping": True})
        self.REPORTS_DIR = os.environ.get("REPORTS_DIR", str(BASE_DIR / "reports"))
        self.UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
        # Uploads and documents: "local" (the two folders above) or "s3" (an S3-compatible bucket
        # shared by several web nodes; safety_app/storage.py).
        self.STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local")
        self.S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL") or None
        self.S3_BUCKET = os.environ.get("S3_BUCKET") or None
        self.S3_PREFIX = os.environ.get("S3_PREFIX", "")
        self.S3_REGION = os.environ.get("S3_REGION", "us-east-1")
        self.S3_ACCESS_KEY_ID = os.environ.get("S3_ACCESS_KEY_ID") or None
        self.S3_SECRET_ACCESS_KEY = os.environ.get("S3_SECRET_ACCESS_KEY") or None
        self.TIMEZONE = os.environ.get("TIMEZONE", "Asia/Shanghai")
        self.MAX_UPLOAD_BYTES = _int("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
        # Several photos per request, each up to MAX_UPLOAD_BYTES.
        self.MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 6 * self.MAX_UPLOAD_BYTES)
        # Bounded work per request: pixels of one image (read from its header, before decoding),
        # images/PDFs decoded at once per worker process, how long a request waits for its turn,
        # and rows of an imported spreadsheet (declared dimension and rows read).
        self.UPLOAD_MAX_PIXELS = _int("UPLOAD_MAX_PIXELS", 40_000_000)
        self.UPLOAD_CONCURRENCY = _int("UPLOAD_CONCURRENCY", 2)
        self.UPLOAD_SLOT_WAIT_SECONDS = _int("UPLOAD_SLOT_WAIT_SECONDS", 30)
        self.IMPORT_MAX_SHEET_ROWS = _int("IMPORT_MAX_SHEET_ROWS", 20_000)
        # Longer request targets (path and query) answer 414; gunicorn.conf.py lets lines up to 8190 through.
        self.MAX_URL_LENGTH = _int("MAX_URL_LENGTH", 4094)
        self.PDF_FONT_PATH = os.environ.get("PDF_FONT_PATH") or None
        # Monitoring: raw readings kept this many days (at least 30), hourly aggregates this many years (at least 3).
        self.MONITORING_RAW_DAYS = _int("MONITORING_RAW_DAYS", 30)
        self.MONITORING_AGGREGATE_YEARS = _int("MONITORING_AGGREGATE_YEARS", 3)
        self.BABEL_DEFAULT_LOCALE = "zh_CN"
        self.BABEL_DEFAULT_TIMEZONE = self.TIMEZONE
        self.LANGUAGES = ["zh_CN", "en"]
        self.WTF_CSRF_TIME_LIMIT = None
        self.PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")
        self.SERVER_NAME = os.environ.get("SERVER_NAME") or None
        self.PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_HTTPONLY = True
        # Cookies are marked Secure and HSTS is sent when the public URL is https (or
        # PREFERRED_URL_SCHEME=https): ``apply_https_settings`` once the app's config is final.
        self.HSTS_SECONDS = _int("HSTS_SECONDS", 365 * 24 * 3600)
        # Reverse proxies in front of the app that set X-Forwarded-For/-Proto (0: none, the
        # client address is the connection's; see README "Production").
        self.PROXY_COUNT = _int("PROXY_COUNT", 0)
        self.DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-password")
        self.SCHEDULER_ENABLED = _bool("SCHEDULER_ENABLED")
        self.REDIS_URL = os.environ.get("REDIS_URL") or None
        self.TESTING = False

    def is_development(self):
        return self.DEBUG or self.ENV_NAME in {"development", "testing"}


def apply_https_settings(config):
    """Secure cookies (session, remember, login device) and HSTS when the app is served over https:
    ``PUBLIC_BASE_URL`` starts with https:// or ``PREFERRED_URL_SCHEME`` is https."""
    https = (str(config.get("PUBLIC_BASE_URL") or "").lower().startswith("https://")
             or config.get("PREFERRED_URL_SCHEME") == "https")
    if https:
        config["PREFERRED_URL_SCHEME"] = "https"
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
    else:
        config["HSTS_SECONDS"] = 0
