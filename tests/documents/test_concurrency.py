"""Notice numbers never repeat and leave no gap, even when inspectors issue at the same moment."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from safety_app.clock import today
from safety_app.documents import service
from safety_app.extensions import db
from safety_app.models import Document, Hazard, User

THREADS = 6


def test_simultaneous_notices_get_distinct_gap_free_numbers(app, park):
    if app.config["DATABASE_KIND"] != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers anyway)")
    hazard_ids = [park.hazard().id for _ in range(THREADS)]
    inspector_id = park.inspector.id
    officer_ids = [u.id for u in park.officers]
    db.session.remove()
    barrier = threading.Barrier(THREADS)

    def issue(hazard_id):
        with app.app_context():  # each thread: its own context, session and connection
            try:
                hazard = db.session.get(Hazard, hazard_id)
                actor = db.session.get(User, inspector_id)
                barrier.wait(timeout=10)
                return service.issue_notice([hazard], actor, officers=officer_ids).number
            finally:
                db.session.remove()

    with ThreadPoolExecutor(THREADS) as pool:
        numbers = list(pool.map(issue, hazard_ids))
    year = today().year
    assert sorted(numbers) == [f"（大港应急）责改〔{year}〕第{n:03d}号" for n in range(1, THREADS + 1)]
    assert db.session.query(Document).count() == THREADS


def test_simultaneous_notices_for_the_same_hazard_make_one(app, park):
    if app.config["DATABASE_KIND"] != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL")
    hazard_id = park.hazard().id
    inspector_id = park.inspector.id
    officer_ids = [u.id for u in park.officers]
    db.session.remove()
    barrier = threading.Barrier(3)

    def issue(_):
        with app.app_context():
            try:
                hazard = db.session.get(Hazard, hazard_id)
                barrier.wait(timeout=10)
                return service.issue_notice([hazard], db.session.get(User, inspector_id),
                                            officers=officer_ids).number
            except service.DocumentError:
                return None
            finally:
                db.session.remove()

    with ThreadPoolExecutor(3) as pool:
        numbers = list(pool.map(issue, range(3)))
    assert [n for n in numbers if n] == [f"（大港应急）责改〔{today().year}〕第001号"]
