"""One scheduler at a time (a lease in the database), one runner per job period, and catch-up."""
import threading
import time
from datetime import date, timedelta

import pytest

from safety_app.clock import utcnow
from safety_app.extensions import db
from safety_app.jobs import lease, ledger
from safety_app.jobs.scheduler import Scheduler
from safety_app.models import Document, JobRun, SchedulerLease

from .conftest import filed_before, notified


def runs(job=None):
    stmt = db.select(JobRun).order_by(JobRun.job, JobRun.period_key)
    if job:
        stmt = stmt.where(JobRun.job == job)
    return db.session.execute(stmt).scalars().all()


@pytest.fixture
def overdue_on_21st(park, at):
    at("2026-11-10 10:00")
    return filed_before(park, date(2026, 11, 20))


@pytest.fixture
def schedulers(app):
    started = []

    def make(name):
        scheduler = Scheduler(app, holder=name, tick_seconds=3600)
        started.append(scheduler)
        return scheduler

    yield make
    for scheduler in started:
        scheduler.shutdown()


def _wait(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_of_two_schedulers_started_on_one_database_only_one_runs_the_due_jobs(app, overdue_on_21st, at,
                                                                               schedulers):
    at("2026-11-21 09:00")
    first, second = schedulers("web-1"), schedulers("web-2")
    first.start()
    second.start()
    assert _wait(lambda: first.ticks and second.ticks)
    assert [first.is_leader, second.is_leader].count(True) == 1
    leader = first if first.is_leader else second
    db.session.expire_all()
    assert db.session.get(SchedulerLease, "scheduler").holder == leader.holder
    scan = [r for r in runs("overdue-scan")]
    assert [(r.period_key, r.outcome, r.attempts) for r in scan] == [("2026-11-21", "success", 1)]
    assert len(notified(kind="overdue")) == 2


def test_two_runners_racing_for_the_same_job_period_run_it_once(app, overdue_on_21st, at):
    at("2026-11-21 09:00")
    barrier, results = threading.Barrier(2), []

    def runner():
        with app.app_context():
            barrier.wait()
            results.append(ledger.run("overdue-scan", date(2026, 11, 21)).outcome)
            db.session.remove()

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) in (["busy", "success"], ["skipped", "success"])
    assert runs("overdue-scan")[0].attempts == 1
    assert len(notified(kind="overdue")) == 2


def test_a_second_scheduler_waits_while_the_first_holds_the_lease(app, at, schedulers):
    at("2026-11-21 09:00")
    first, second = schedulers("a"), schedulers("b")
    first.tick()
    assert second.tick() == [] and not second.is_leader


def test_another_scheduler_takes_over_after_the_lease_of_a_dead_one_expires(app, overdue_on_21st, at, schedulers):
    at("2026-11-21 07:59")
    first, second = schedulers("dies"), schedulers("survives")
    first.tick()  # runs yesterday's scan, then "dies": never ticks again, never releases the lease
    at("2026-11-21 08:00")
    assert second.tick() == [] and not second.is_leader  # the lease (120 s) is still valid
    at("2026-11-21 08:02")
    ran = second.tick()
    assert second.is_leader
    assert ("overdue-scan", "2026-11-21", "success") in [(r.job, r.period_key, r.outcome) for r in ran]
    assert len(notified(kind="overdue")) == 2


def test_a_clean_shutdown_hands_the_lease_over_at_once(app, at, schedulers):
    at("2026-11-21 09:00")
    first, second = schedulers("first"), schedulers("second")
    first.tick()
    first.shutdown()
    second.tick()
    assert second.is_leader


def test_scheduler_started_on_the_2nd_builds_last_months_report_once(app, park, at, schedulers):
    pytest.importorskip("safety_app.documents.service")
    at("2026-11-10 10:00")
    park.hazard(deadline=date(2026, 11, 20))
    at("2026-12-02 10:00")  # nothing ran on 1 December
    first = schedulers("late")
    first.tick()
    first.tick()
    first.shutdown()
    schedulers("another").tick()
    reports = db.session.execute(db.select(Document.period, Document.enterprise_id)
                                 .where(Document.kind == "monthly")).all()
    assert sorted(reports, key=lambda r: r.enterprise_id or 0) == [("2026-11", None), ("2026-11", park.a.id),
                                                                   ("2026-11", park.b.id)]
    assert [(r.period_key, r.outcome, r.attempts) for r in runs("monthly-report")] == [("2026-11", "success", 1)]


def test_a_scheduler_started_before_8_runs_yesterdays_scan_only(app, at, schedulers):
    at("2026-11-21 07:00")
    schedulers("s").tick()
    assert [r.period_key for r in runs("overdue-scan")] == ["2026-11-20"]


def test_a_scheduler_that_was_down_catches_up_every_missed_day_once(app, park, at, schedulers):
    at("2026-11-10 10:00")
    hazard = filed_before(park, date(2026, 11, 19))
    at("2026-11-18 08:00")
    ledger.run("overdue-scan", date(2026, 11, 18))  # the last scan before the outage
    at("2026-11-21 09:00")
    schedulers("back").tick()
    assert [(r.period_key, r.outcome) for r in runs("overdue-scan")] == [
        ("2026-11-18", "success"), ("2026-11-19", "success"), ("2026-11-20", "success"), ("2026-11-21", "success")]
    alerts = notified(kind="overdue", hazard=hazard)
    assert len(alerts) == 2 and all("已逾期：1天" in n.body for n in alerts)  # from the 20 Nov catch-up run


def test_a_run_whose_runner_died_is_run_again_once_it_is_stale(app, overdue_on_21st, at, schedulers):
    at("2026-11-21 09:00")
    db.session.add(JobRun(job="overdue-scan", period_key="2026-11-21", started_at=utcnow() - timedelta(minutes=5),
                          outcome="running", attempts=1, counts={}, error=""))
    db.session.commit()
    schedulers("s1").tick()
    assert runs("overdue-scan")[0].outcome == "running"  # may still be alive
    at("2026-11-21 09:40")
    lease.release("s1")
    schedulers("s2").tick()
    run = runs("overdue-scan")[0]
    assert (run.outcome, run.attempts) == ("success", 2)
    assert len(notified(kind="overdue")) == 2


def test_a_failed_run_is_retried_by_the_scheduler_after_a_pause(app, overdue_on_21st, at, schedulers, monkeypatch):
    from safety_app.jobs import alerts

    at("2026-11-21 09:00")
    # The database went away: the whole run fails (a bad row alone would be recorded and skipped).
    monkeypatch.setattr(alerts, "overdue_alert", lambda *a: (_ for _ in ()).throw(ConnectionError("boom")))
    scheduler = schedulers("s")
    scheduler.tick()
    assert runs("overdue-scan")[0].outcome == "failed"
    monkeypatch.undo()
    scheduler.tick()
    assert runs("overdue-scan")[0].outcome == "failed"  # not hammered every tick
    at("2026-11-21 09:02")
    scheduler.tick()
    assert (runs("overdue-scan")[0].outcome, runs("overdue-scan")[0].attempts) == ("success", 2)
