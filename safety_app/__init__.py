"""Hazard inspection and rectification tracker for chemical industrial parks."""
import gc
import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine

from config import INSTANCE_DIR, Config, apply_https_settings

from .extensions import babel, csrf, db, login_manager, migrate
from .i18n import forget_request_locale, install_template_gettext, selected_locale

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent


class ConfigurationError(RuntimeError):
    """The app cannot start with this configuration; the message says what to set."""


def create_app(config=None):
    """Build an app. ``config`` (a dict or object) overrides the environment."""
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        instance_relative_config=True,
        template_folder=str(PROJECT_DIR / "templates"),
    )
    app.config.from_object(Config())
    app.config.from_pyfile("config.py", silent=True)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    _check_secret_key(app)
    apply_https_settings(app.config)
    _trust_proxies(app)
    _sqlite_options(app)
    from .storage import backend as storage_backend
    from .storage import check_config as check_storage_config

    check_storage_config(app.config)
    if storage_backend(app.config) == "local":
        for key in ("REPORTS_DIR", "UPLOAD_DIR"):
            os.makedirs(app.config[key], exist_ok=True)
    os.makedirs(app.instance_path, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_DIR / "migrations"), compare_type=True, render_as_batch=True)
    csrf.init_app(app)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(_translation_dirs())
    babel.init_app(app, locale_selector=selected_locale)
    install_template_gettext(app)
    app.before_request(forget_request_locale)
    app.before_request(_forget_data_versions)
    login_manager.init_app(app)

    # The models, and the hazard data-version hook of sequences (exact dashboard caching).
    from . import models, sequences  # noqa: F401
    from .web import register_web

    register_web(app)
    _register_api(app)
    _register_cli(app)
    _register_jobs(app)
    from .web import check_route_policies

    check_route_policies(app)  # after every blueprint (web and API) is registered
    if not app.testing:
        # The start-up objects (modules, routes, catalogues, fonts) live as long as the process:
        # out of the collector's way, a full collection takes ~5 ms instead of ~100 ms (it was
        # the p95 of the list pages). Not in tests, which build an app per test.
        gc.collect()
        gc.freeze()
    return app


def _translation_dirs():
    """Each area keeps its catalogue in translations/<area>/<locale>/; Flask-Babel merges them."""
    root = PACKAGE_DIR / "translations"
    return sorted(str(p) for p in root.iterdir() if p.is_dir())


def _check_secret_key(app):
    if app.config.get("SECRET_KEY"):
        return
    if app.config.get("TESTING") or app.config["DEBUG"] or app.config.get("ENV_NAME") in ("development", "testing"):
        from config import DEV_SECRET_KEY

        app.config["SECRET_KEY"] = DEV_SECRET_KEY
        return
    raise ConfigurationError(
        "SECRET_KEY is not set. In production set the SECRET_KEY environment variable "
        "(or SECRET_KEY in instance/config.py) to a long random value, e.g. "
        "`python -c 'import secrets; print(secrets.token_hex(32))'`. "
        "For local development set FLASK_DEBUG=1 or APP_ENV=development."
    )


def _forget_data_versions():
    from .sequences import forget_versions

    forget_versions()  # each request reads the data versions afresh (one app context may serve several)


def _trust_proxies(app):
    """Behind ``PROXY_COUNT`` reverse proxies, take the client address and scheme from their
    X-Forwarded-For / X-Forwarded-Proto (the last PROXY_COUNT hops, which they set); with 0,
    those headers are ignored, since anyone can send them."""
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def _sqlite_options(app):
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("connect_args", {"timeout": 30})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


@sa_event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """Foreign keys on, WAL so readers do not block the writer."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _register_api(app):
    from .api import register_api

    register_api(app)


def _register_cli(app):
    from .cli import register_cli

    register_cli(app)


def _register_jobs(app):
    from .jobs import init_app as init_jobs

    init_jobs(app)
