"""Fixtures: an app on a migrated database (SQLite, and PostgreSQL when
TEST_DATABASE_URL is set), a park made in one line, and logins.

The schema is made by the Alembic migrations once per database; between
tests every table is emptied, so each test starts from a clean park.
"""
import os
import time
from collections import defaultdict
from datetime import timedelta
from types import SimpleNamespace

import jinja2
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from safety_app import clock, create_app, credit_code, dashboard
from safety_app.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
PASSWORD = "correct-horse-battery"
DATABASES = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])


def pytest_report_header(config):
    used = ", ".join(DATABASES)
    pg = f" (PostgreSQL at {TEST_DATABASE_URL.split('@')[-1]})" if TEST_DATABASE_URL else \
        " (set TEST_DATABASE_URL to also run on PostgreSQL)"
    return f"databases under test: {used}{pg}"


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(f"tests ran on databases: {', '.join(DATABASES)}")
    if _WORKER_SECONDS:
        walls = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in sorted(_WORKER_SECONDS.items()))
        terminalreporter.write_line(f"time per worker: {walls}")


# -- handing the tests out to the workers (test.sh: pytest -n 2 --dist loadgroup) ------------------------
#
# Tests go to the workers one by one, so that a long file is shared by both. Tests that share an
# expensive fixture kept beyond one test (scope session/package/module/class, from a conftest or a
# test module below this one: the browser tests' gunicorn and Chromium, the S3 server, ...) stay
# together on one worker, in their order: an ``xdist_group`` per such fixture, added here, so a new
# folder with its own shared fixture is grouped without a mark. The root fixtures above (the
# migrated databases) are made once per worker anyway.
# The longest tests are handed out first (after the groups, which xdist hands out first), so that no
# worker is left running a long one alone at the end.
LONGEST_FIRST = (
    "tests/security/test_hostile_api.py",
    "tests/api/test_schemathesis.py",
    "tests/security/test_hostile_forms.py",
    "tests/security/test_authorization_matrix.py",
    "tests/loop/test_route_isolation.py",
)
_SHARED_SCOPES = {"session", "package", "module", "class"}
_ROOT = os.path.basename(os.path.dirname(__file__))  # "tests": the fixtures of this file


def _shared_fixture_group(item):
    """The group of the first shared fixture ``item`` uses that is not one of this file's, or None."""
    for name in item.fixturenames:
        definitions = getattr(item, "_fixtureinfo", None) and item._fixtureinfo.name2fixturedefs.get(name)
        if not definitions:
            continue
        fixture = definitions[-1]
        if fixture.scope not in _SHARED_SCOPES or fixture.baseid in ("", _ROOT):
            continue
        return fixture.baseid if fixture.scope in ("session", "package") else item.nodeid.split("::")[0]
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        group = _shared_fixture_group(item)
        if group and not any(True for _ in item.iter_markers("xdist_group")):
            item.add_marker(pytest.mark.xdist_group(group))


class _LongestFirst:
    """Moves the tests of LONGEST_FIRST to the front, after every other reordering (pytest's own)."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items):
        def rank(item):
            path = item.nodeid.split("::")[0]
            return next((i for i, prefix in enumerate(LONGEST_FIRST) if path.startswith(prefix)), len(LONGEST_FIRST))

        items[:] = sorted(items, key=rank)  # stable: each file keeps its order


_WORKER_SECONDS = {}  # on the controller: worker -> seconds from its start to its end
_STARTED = time.monotonic()


def pytest_configure(config):
    config.pluginmanager.register(_LongestFirst(), "longest-first")


def pytest_sessionfinish(session):
    output = getattr(session.config, "workeroutput", None)  # on an xdist worker
    if output is not None:
        output["seconds"] = time.monotonic() - _STARTED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    seconds = getattr(node, "workeroutput", {}).get("seconds")
    if seconds is not None:
        _WORKER_SECONDS[node.gateway.id] = seconds


def _base_config(url, tmp):
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "REPORTS_DIR": str(tmp / "reports"),
        "UPLOAD_DIR": str(tmp / "uploads"),
        "PUBLIC_BASE_URL": "http://park.test",
        "SCHEDULER_ENABLED": False,
    }


def _worker_database(url):
    """With pytest-xdist each worker gets its own PostgreSQL database (test_gw0, ...)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _reset_postgres(url):
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


_MIGRATED = {}  # kind -> the database of this worker, migrated once


@pytest.fixture(scope="session", params=DATABASES)
def database(request, tmp_path_factory):
    """A database migrated to head with `flask db upgrade` (Alembic), once per backend and worker.

    pytest makes a parametrised session fixture again whenever the parameter changes, and a
    worker alternates between the backends (file after file, or test after test): the migrated
    database is kept here, so each backend is migrated only once per worker (every test starts
    from emptied tables anyway, ``app``)."""
    if request.param not in _MIGRATED:
        _MIGRATED[request.param] = _migrated(request.param, tmp_path_factory)
    return _MIGRATED[request.param]


def _migrated(kind, tmp_path_factory):
    from flask_migrate import upgrade

    tmp = tmp_path_factory.mktemp(kind)
    if kind == "sqlite":
        url = f"sqlite:///{tmp / 'test.db'}"
    else:
        url = _worker_database(TEST_DATABASE_URL)
        _reset_postgres(url)
    app = create_app(_base_config(url, tmp))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return SimpleNamespace(kind=kind, url=url)


def _empty_all_tables(kind):
    """Empty every table the previous test wrote to, and restart the id counters.

    Only the tables that hold rows are emptied, children first (``DELETE``: on a few small
    tables far cheaper than ``TRUNCATE``, which rewrites every table's files on PostgreSQL).
    """
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    probe = " UNION ALL ".join(f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM {name})" for name in tables)
    used = {name for (name,) in db.session.execute(text(probe))}
    try:
        for name in tables:
            if name in used:
                db.session.execute(text(f"DELETE FROM {name}"))
    except IntegrityError:  # a cycle of references the order above cannot break
        db.session.rollback()
        if kind != "postgresql":
            raise
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
    if kind == "postgresql":
        db.session.execute(text(
            "SELECT setval(format('%I.%I', schemaname, sequencename), 1, false) FROM pg_sequences"
            " WHERE schemaname = current_schema() AND last_value IS NOT NULL"))
    elif _has_sqlite_sequence():
        db.session.execute(text("DELETE FROM sqlite_sequence"))
    db.session.commit()


def _has_sqlite_sequence():
    return db.session.execute(
        text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")
    ).first() is not None


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory for the whole run, shared by the apps of all tests.

    Each test builds its own app, and each app would parse and compile every template it
    renders again (most of the time of a page test). A template whose source changed does
    not match its checksum and is compiled afresh."""

    def __init__(self):
        self.store = {}

    def load_bytecode(self, bucket):
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = _CompiledTemplates()


def _forget_previous_request():
    # The test holds one app context across requests, and ``g`` lives on it:
    # drop what a previous request cached (Flask-Login's user, counts) so each
    # request authenticates from its own cookie, as in production.
    from flask import g

    for name in ("_login_user", "unread_count"):
        g.pop(name, None)


def _make_app(database, tmp):
    app = create_app(_base_config(database.url, tmp))
    app.config["DATABASE_KIND"] = database.kind
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    app.before_request(_forget_previous_request)
    return app


def _leaves(value, path=()):
    """(path, identity) of every object held in nested dicts/lists (empty ones hold nothing)."""
    if type(value) in (dict, defaultdict):  # not the config, a dict the fixture sets per test
        for key, item in value.items():
            yield from _leaves(item, (*path, repr(key)))
    elif type(value) in (list, tuple):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path, id(value)


def _shape(app):
    """What a test could add to an app besides its configuration: routes, hooks, handlers, globals."""
    hooks = (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs,
             app.teardown_appcontext_funcs, app.url_value_preprocessors, app.url_default_functions,
             app.template_context_processors, app.error_handler_spec, app.blueprints, app.extensions,
             app.view_functions, app.jinja_env.globals, app.jinja_env.filters, app.jinja_env.tests)
    return (frozenset(_leaves(list(hooks))), tuple(sorted(repr(rule) for rule in app.url_map.iter_rules())),
            id(app.jinja_env.bytecode_cache))


_APPS = {}  # database URL -> (app, its shape): one app per database and worker


@pytest.fixture
def app(database, tmp_path):
    """The app on the test's database, emptied, with the criteria catalogue.

    Building an app costs more than most tests, so one is kept per database and worker; each
    test gets it with its configuration as built (plus its own REPORTS_DIR/UPLOAD_DIR under
    ``tmp_path``). A test may still change the configuration, or add a route or hook: its
    configuration is put back afterwards, and an app whose routes or hooks changed is not
    used again."""
    cached = _APPS.get(database.url)
    if cached is None:
        made = _make_app(database, tmp_path)
        cached = _APPS[database.url] = (made, dict(made.config), _shape(made))
    app, config, shape = cached
    app.config.clear()
    app.config.update(config)
    for key, folder in (("REPORTS_DIR", "reports"), ("UPLOAD_DIR", "uploads")):
        app.config[key] = str(tmp_path / folder)
        os.makedirs(app.config[key], exist_ok=True)
    app._got_first_request = False  # setup methods (add_url_rule, before_request...) stay allowed
    try:
        with app.app_context():
            _empty_all_tables(database.kind)
            dashboard.clear_cache()  # its keys (database, data version) repeat from one test to the next
            seed_criteria()
            yield app
            db.session.remove()
    finally:
        if _shape(app) != shape:
            _APPS.pop(database.url, None)
            with app.app_context():
                db.engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _dispose_apps():
    yield
    for app, *_ in _APPS.values():
        with app.app_context():
            db.engine.dispose()
    _APPS.clear()


@pytest.fixture
def db_kind(database):
    """"sqlite" or "postgresql": the database this run of the test uses."""
    return database.kind


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def seed_criteria():
    """The criteria catalogue as migration 0006 seeds it (tables are emptied between tests)."""
    from safety_app.criteria.seed import seed_reference_sets

    seed_reference_sets()
    db.session.commit()


def major_criterion(found_on=None):
    """A clause of the criteria set in force on ``found_on`` (default today), as (set, clause)."""
    from datetime import date

    day = found_on or clock.today()
    return ("AQ3067-2026", "5.4.1") if day >= date(2026, 9, 30) else ("AJZG3-2017-121", "15")


def make_credit_code(n):
    """A valid unified social credit code (91, Binhai New Area, organisation code from n), different for each n."""
    return credit_code.compose(f"{n:08d}")


class Park(SimpleNamespace):
    """Two enterprises (A and B), an admin, two inspectors and a user for each enterprise."""

    @property
    def officers(self):
        """The two inspectors, both with certificate numbers: they may sign an enforcement document."""
        return [self.inspector, self.inspector2]

    def hazard(self, enterprise=None, *, major=False, deadline=None, title="安全阀超期未校验",
               inspector=None, inspection=None, category="equipment", found_on=None):
        from safety_app import lifecycle

        return lifecycle.file_hazard(
            inspector or self.inspector, enterprise=enterprise or self.a, title=title, category=category,
            deadline=deadline or (clock.today() + timedelta(days=7)),
            criterion=major_criterion(found_on) if major else None,
            location="罐区", legal_basis="《安全生产法》", inspection=inspection, found_on=found_on,
        )


def make_park():
    from safety_app.accounts import create_user
    from safety_app.models import Enterprise

    a = Enterprise(name="天津渤海石油化工有限公司", credit_code=make_credit_code(1), contact_email="a@example.com",
                   legal_representative="王建华", address="天津市滨海新区大港石化产业园区海港路18号")
    b = Enterprise(name="天津南港精细化工有限公司", credit_code=make_credit_code(2), contact_email="b@example.com")
    db.session.add_all([a, b])
    db.session.flush()
    park = Park(
        a=a, b=b,
        admin=create_user("admin", PASSWORD, "admin", display_name="管理员", email="admin@example.com", commit=False),
        inspector=create_user("inspector", PASSWORD, "inspector", display_name="张检查",
                              certificate_no="津应急执120001", email="inspector@example.com", commit=False),
        inspector2=create_user("inspector2", PASSWORD, "inspector", display_name="李复查",
                               certificate_no="津应急执120002", commit=False),
        user_a=create_user("user_a", PASSWORD, "enterprise", enterprise=a, email="ua@example.com", commit=False),
        user_b=create_user("user_b", PASSWORD, "enterprise", enterprise=b, email="ub@example.com", commit=False),
    )
    # The office has named where an enterprise may appeal a notice (settings; no default).
    from safety_app import settings

    settings.set_many({"reconsideration_body": "天津市滨海新区人民政府", "litigation_court": "天津市滨海新区人民法院"},
                      commit=False)
    db.session.commit()
    return park


@pytest.fixture
def park(app):
    return make_park()


def login(client, user, password=PASSWORD):
    response = client.post("/login", data={"username": user.username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


@pytest.fixture
def login_as(client):
    def _login(user):
        client.get("/logout")  # harmless GET (405) keeps the helper simple
        with client.session_transaction() as s:
            s.clear()
        return login(client, user)

    return _login


def pytest_sessionstart(session):
    """Compile the catalogues once: in the main process (before xdist starts its workers, which
    would otherwise write the same files at the same moment), or in the only one."""
    from safety_app.i18n import compile_catalogs

    if not hasattr(session.config, "workerinput"):
        compile_catalogs()


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """scrypt is slow on purpose; tests hash and check the same few passwords many times.

    Hashing is memoised per password, checking per (hash, password): the answers are the real
    scrypt answers, each computed once per worker."""
    from safety_app import accounts
    from safety_app.models import people

    original_hash, original_check = people.generate_password_hash, people.check_password_hash
    hashes, checks = {}, {}

    def cached_hash(password, method="scrypt", salt_length=16):
        key = (password, method, salt_length)
        if key not in hashes:
            hashes[key] = original_hash(password, method=method, salt_length=salt_length)
        return hashes[key]

    def cached_check(pwhash, password):
        key = (pwhash, password)
        if key not in checks:
            checks[key] = original_check(pwhash, password)
        return checks[key]

    people.generate_password_hash = cached_hash
    people.check_password_hash = accounts.check_password_hash = cached_check
    yield
    people.generate_password_hash, people.check_password_hash = original_hash, original_check
    accounts.check_password_hash = original_check
