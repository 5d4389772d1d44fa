"""Migration 0006 keeps every 2017 criterion reference (SQLite and PostgreSQL).

A database is built at revision 0003 (today's schema), seeded with hazards
that tick 2017 criteria and an inspection checklist with 'criterion:N', then
upgraded to head.
"""
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from safety_app import create_app
from safety_app.extensions import db
from tests.conftest import _base_config

SET_2017 = "AJZG3-2017-121"


@pytest.fixture
def old_database(database, tmp_path):
    """A fresh, empty database (a SQLite file, or the PostgreSQL test database's "<name>_migration"
    sibling, made like the per-worker databases of tests/conftest.py) and its app."""
    if database.kind == "sqlite":
        yield create_app(_base_config(f"sqlite:///{tmp_path / 'old.db'}", tmp_path))
        return
    base = make_url(database.url)
    name = f"{base.database}_migration"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield create_app(_base_config(base.set(database=name).render_as_string(hide_password=False), tmp_path))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _insert(conn, table, **values):
    """Insert a row into the reflected ``table``, filling other NOT NULL columns with plain values."""
    table = sa.Table(table, sa.MetaData(), autoload_with=conn)
    row = dict(values)
    for column in table.columns:
        if column.name in row or column.nullable or column.primary_key:
            continue
        try:
            kind = column.type.python_type
        except NotImplementedError:
            kind = str
        row[column.name] = {bool: False, int: 0, str: "", date: date(2026, 5, 6)}.get(kind, None)
        if row[column.name] is None:
            row[column.name] = datetime(2026, 5, 6, 8, 0) if kind is datetime else ""
    conn.execute(table.insert().values(**row))


def _seed_0003(conn):
    _insert(conn, "enterprises", id=1, name="甲公司", credit_code="911201160000000011",
            major_hazard_installation="none", active=True)
    _insert(conn, "users", id=1, username="insp", password_hash="x", role="inspector", active=True)
    _insert(conn, "inspections", id=1, enterprise_id=1, inspection_type="routine", inspected_on=date(2026, 5, 6),
            checklist=["equipment", "criterion:3", "criterion:12"], created_by_id=1)
    for n, criterion in enumerate([3, 12, 20, None], start=1):
        _insert(conn, "hazards", id=n, code=f"YH-2026-00000{n}", enterprise_id=1, inspection_id=1, title="隐患",
                category="equipment", level="major" if criterion else "general", criterion=criterion,
                found_on=date(2026, 5, 6), found_by_id=1, original_deadline=date(2026, 6, 6),
                deadline=date(2026, 6, 6), status="open", version=1)
    _insert(conn, "measures", id=1, hazard_id=1, description="加装", funds=0)


def test_migrating_a_database_with_2017_criteria_keeps_every_reference(old_database):
    from flask_migrate import upgrade

    from safety_app.criteria import describe_hazard
    from safety_app.models import Hazard, Inspection

    with old_database.app_context():
        upgrade(revision="0003")
        with db.engine.begin() as conn:
            _seed_0003(conn)
        upgrade()
        hazards = {h.id: h for h in db.session.query(Hazard)}
        assert [hazards[i].criterion_ref for i in (1, 2, 3, 4)] == [
            (SET_2017, "3"), (SET_2017, "12"), (SET_2017, "20"), None]
        assert "“两重点一重大”" in hazards[1].criterion.text
        assert describe_hazard(hazards[2]).startswith("安监总管三〔2017〕121号 第12条")
        assert hazards[1].found_on == date(2026, 5, 6) and len(hazards[1].measures) == 1
        inspection = db.session.get(Inspection, 1)
        assert inspection.checklist == ["equipment", f"criterion:{SET_2017}:3", f"criterion:{SET_2017}:12"]
        db.session.remove()
        db.engine.dispose()


def test_the_migrated_schema_refuses_a_clause_that_does_not_exist(old_database):
    from flask_migrate import upgrade
    from sqlalchemy.exc import IntegrityError

    with old_database.app_context():
        upgrade(revision="0003")
        with db.engine.begin() as conn:
            _seed_0003(conn)
        upgrade()
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(text("UPDATE hazards SET criterion_clause = '21' WHERE id = 1"))
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(text("UPDATE hazards SET criteria_set = NULL WHERE id = 1"))
        db.engine.dispose()
