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
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.REPORTS_DIR = os.environ.get("REPORTS_DIR", str(BASE_DIR / "reports"))
        self.UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
        self.TIMEZONE = os.environ.get("TIMEZONE", "Asia/Shanghai")
        self.MAX_UPLOAD_BYTES = _int("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
        # Several photos per request, each up to MAX_UPLOAD_BYTES.
        self.MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 6 * self.MAX_UPLOAD_BYTES)
        # Longer request targets (path and query) answer 414; gunicorn.conf.py lets lines up to 8190 through.
        self.MAX_URL_LENGTH = _int("MAX_URL_LENGTH", 4094)
        self.PDF_FONT_PATH = os.environ.get("PDF_FONT_PATH") or None
        self.BABEL_DEFAULT_LOCALE = "zh_CN"
        self.BABEL_DEFAULT_TIMEZONE = self.TIMEZONE
        self.LANGUAGES = ["zh_CN", "en"]
        self.WTF_CSRF_TIME_LIMIT = None
        self.PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")
        self.SERVER_NAME = os.environ.get("SERVER_NAME") or None
        self.PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = self.PREFERRED_URL_SCHEME == "https"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-password")
        self.SCHEDULER_ENABLED = _bool("SCHEDULER_ENABLED")
        self.REDIS_URL = os.environ.get("REDIS_URL") or None
        self.TESTING = False

    def is_development(self):
        return self.DEBUG or self.ENV_NAME in {"development", "testing"}
