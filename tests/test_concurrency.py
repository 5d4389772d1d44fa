"""Concurrent writers: exactly one of two racing transitions wins; parallel
filings get distinct codes and a valid audit chain. Meaningful on PostgreSQL
(real row locks); on SQLite the writers serialise on the database lock."""
import threading

from sqlalchemy import func, select

from safety_app import lifecycle
from safety_app.audit import verify_chain
from safety_app.extensions import db
from safety_app.models import Event, Hazard, User

THREADS = 20


def _in_threads(app, count, work):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run(i):
        with app.app_context():
            try:
                barrier.wait(10)
                results.append(work(i))
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors


def test_two_users_racing_on_one_hazard_exactly_one_wins(app, park):
    hazard = park.hazard()
    hazard_id, version = hazard.id, hazard.version
    admin_id, user_id = park.admin.id, park.user_a.id
    db.session.remove()

    def act(i):
        h = db.session.get(Hazard, hazard_id)
        if i == 0:
            return lifecycle.apply(h, "acknowledge", db.session.get(User, user_id), version=version)
        return lifecycle.apply(h, "withdraw", db.session.get(User, admin_id), version=version, reason="误报")

    results, errors = _in_threads(app, 2, act)
    assert len(results) == 1, errors
    assert len(errors) == 1 and isinstance(errors[0], lifecycle.StaleVersion)
    assert db.session.scalar(select(func.count(Event.id)).where(Event.hazard_id == hazard_id)) == 2
    assert verify_chain()[0]


def test_twenty_inspectors_filing_at_once_get_distinct_codes_and_a_valid_chain(app, park):
    inspector_id, enterprise_id = park.inspector.id, park.a.id
    db.session.remove()

    def file(i):
        from safety_app.models import Enterprise

        hazard = park.hazard(db.session.get(Enterprise, enterprise_id), title=f"并发隐患{i}",
                             inspector=db.session.get(User, inspector_id))
        return hazard.code

    codes, errors = _in_threads(app, THREADS, file)
    assert not errors, errors
    assert len(set(codes)) == THREADS
    assert db.session.scalar(select(func.count(Hazard.id))) == THREADS
    assert db.session.scalar(select(func.count(Event.id))) == THREADS
    ok, checked, problem = verify_chain()
    assert ok, problem
    assert checked == THREADS
