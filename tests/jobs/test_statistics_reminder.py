"""The statistics-reminder job: N days (office setting, default 5) before the 隐患排查治理情况统计表 is due
(quarterly: the 15th of the month after the quarter; annual: 31 January), every enterprise user and the office
are reminded once — in the app and by e-mail — and never twice, whatever is rerun."""
from datetime import date

from safety_app import settings
from safety_app.documents.text import cn_date
from safety_app.jobs import ledger

from .conftest import notified, outbox_count

JOB = "statistics-reminder"


def test_five_days_before_the_quarterly_table_is_due_enterprises_and_the_office_are_reminded(park, at):
    at("2027-01-10 09:30")
    result = ledger.run(JOB)
    assert (result.outcome, result.period_key) == ("success", "2027-01-15")
    for user in (park.user_a, park.user_b):
        (note,) = notified(user, kind="statistics_due")
        assert "2026年第四季度隐患排查治理情况统计表" in note.title
        assert cn_date(date(2027, 1, 15)) in note.title
        assert "主要负责人签字" in note.body
    (office,) = notified(park.admin, kind="statistics_due")
    assert "2026年第四季度" in office.title
    assert not notified(park.inspector, kind="statistics_due")
    assert outbox_count("statistics-due:2027-01-15") == 3  # user_a, user_b and the admin have e-mail addresses


def test_the_reminder_is_sent_once_per_due_date_however_often_the_job_runs(park, at):
    at("2027-01-10 09:30")
    ledger.run(JOB)
    before = (len(notified(kind="statistics_due")), outbox_count("statistics-due:"))
    assert ledger.run(JOB).outcome == "skipped"
    at("2027-01-12 09:30")  # later days of the same window: the same period, already done
    assert ledger.run(JOB).outcome == "skipped"
    forced = ledger.run(JOB, force=True)
    assert forced.outcome == "success" and forced.counts["notifications"] == 0
    assert (len(notified(kind="statistics_due")), outbox_count("statistics-due:")) == before


def test_a_day_missed_by_the_scheduler_is_caught_up_within_the_window(park, at):
    at("2027-01-13 09:30")  # nothing ran on the 10th
    result = ledger.run(JOB)
    assert (result.period_key, result.outcome) == ("2027-01-15", "success")
    assert len(notified(park.user_a, kind="statistics_due")) == 1


def test_nothing_is_sent_before_the_window_nor_for_a_date_already_past(park, at):
    at("2027-01-09 09:30")  # six days before: the last due date (15 October) is past
    result = ledger.run(JOB)
    assert result.period_key == "2026-10-15" and result.counts["late"] == 1
    assert not notified(kind="statistics_due")


def test_the_annual_table_is_reminded_before_31_january(park, at):
    at("2027-01-26 09:30")
    result = ledger.run(JOB)
    assert result.period_key == "2027-01-31"
    (note,) = notified(park.user_a, kind="statistics_due")
    assert "2026年度隐患排查治理情况统计表" in note.title


def test_the_office_sets_how_many_days_before(park, at):
    settings.set_many({"statistics_reminder_days": 10})
    at("2027-04-05 09:30")
    result = ledger.run(JOB)
    assert result.period_key == "2027-04-15"
    assert "2027年第一季度" in notified(park.user_b, kind="statistics_due")[0].title


def test_runnable_from_the_command_line_for_a_given_day(runner, park, at):
    at("2026-12-02 10:00")
    result = runner.invoke(args=["jobs", "run", JOB, "--today", "2027-01-10"])
    assert result.exit_code == 0, result.output
    assert "statistics-reminder 2027-01-15: done" in result.output
    again = runner.invoke(args=["jobs", "run", JOB, "--today", "2027-01-11"])
    assert "already done" in again.output
    assert len(notified(park.user_a, kind="statistics_due")) == 1


def test_the_scheduler_runs_it_once_per_due_date_and_catches_up_after_an_outage(app, park, at):
    from safety_app.extensions import db
    from safety_app.jobs.scheduler import Scheduler
    from safety_app.models import JobRun

    def tick(name):
        scheduler = Scheduler(app, holder=name, tick_seconds=3600)
        try:
            scheduler.tick()
        finally:
            scheduler.shutdown()

    at("2027-01-05 09:30")
    tick("first")  # the window of 15 January is not open yet: 15 October is past, nothing is sent
    at("2027-01-13 09:30")  # the scheduler was down from 6 to 12 January
    tick("back")
    at("2027-01-14 09:30")
    tick("again")
    keys = db.session.execute(db.select(JobRun.period_key, JobRun.outcome).where(JobRun.job == JOB)
                              .order_by(JobRun.period_key)).all()
    assert [tuple(k) for k in keys] == [("2026-10-15", "success"), ("2027-01-15", "success")]
    assert len(notified(park.user_a, kind="statistics_due")) == 1
    assert len(notified(park.admin, kind="statistics_due")) == 1
