"""A generated park (``flask demo seed``) on a frozen day, and SQL helpers to check figures against."""
from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select, text

from safety_app.extensions import db
from safety_app.models import User
from tests.conftest import login

TODAY = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def seeded(app, runner, time_machine):
    """About 300 hazards over 6 enterprises, anchored on 2026-11-20 (park time)."""
    time_machine.move_to(TODAY, tick=False)
    result = runner.invoke(args=["demo", "seed", "--enterprises", "6", "--hazards", "300", "--seed", "5"])
    assert result.exit_code == 0, result.output
    return {u.username: u for u in db.session.scalars(select(User))}


def submitted_day_sql():
    """The park day (UTC+8) of ``submitted_at``, written by hand for each database."""
    if db.session.get_bind().dialect.name == "sqlite":
        return "date(submitted_at, '+8 hours')"
    return "CAST(submitted_at + interval '8 hours' AS date)"


def overdue_sql(on=":today"):
    """Overdue (against the enterprise): waiting on it past the deadline, or handed in after it."""
    return (f"(status IN ('open', 'rectifying') AND deadline < {on} OR status IN ('submitted', 'verified') "
            f"AND {submitted_day_sql()} > deadline)")


def backlog_sql(on=":today", days=5):
    """The office's backlog: handed in more than ``days`` days before ``on`` and still waiting on the office."""
    day = f"date({on}, '-{days} days')" if db.session.get_bind().dialect.name == "sqlite" else \
        f"(CAST({on} AS date) - {days})"
    return f"(status IN ('submitted', 'verified') AND {submitted_day_sql()} < {day})"


def sql_count(where="1=1", **params):
    return db.session.execute(text(f"SELECT count(*) FROM hazards WHERE {where}"), params).scalar()


@pytest.fixture
def as_user(client, seeded):
    def _as(username):
        with client.session_transaction() as s:
            s.clear()
        user = seeded[username]
        return login(client, user, password="demo-password")

    return _as


@contextmanager
def count_queries():
    """Count the SQL statements run inside the block."""
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)
