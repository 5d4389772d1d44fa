"""The scheduled jobs of the installations, on a frozen park clock and through the job ledger:
duty tasks once per period and person, reminders once, missed ones flagged (and told once);
assessment reminders at 60 and 30 days and the overdue alert, each exactly once."""
from datetime import date

from sqlalchemy import func, select

from safety_app import duties, settings
from safety_app.extensions import db
from safety_app.jobs import ledger
from safety_app.models import DutyTask, Notification

from .conftest import register, with_persons


def tasks(**where):
    stmt = select(DutyTask).order_by(DutyTask.duty_role, DutyTask.period_key)
    for name, value in where.items():
        stmt = stmt.where(getattr(DutyTask, name) == value)
    return db.session.scalars(stmt).all()


def kinds(kind):
    return db.session.scalar(select(func.count(Notification.id)).where(Notification.kind == kind))


def test_periods_are_iso_weeks_calendar_months_and_quarters():
    assert duties.period_of("week", date(2026, 12, 2)) == duties.Period("2026-W49", date(2026, 11, 30),
                                                                        date(2026, 12, 6))
    assert duties.period_of("week", date(2027, 1, 1)) == duties.Period("2026-W53", date(2026, 12, 28),
                                                                       date(2027, 1, 3))
    assert duties.period_of("month", date(2026, 2, 14)) == duties.Period("2026-02", date(2026, 2, 1),
                                                                         date(2026, 2, 28))
    assert duties.period_of("quarter", date(2026, 11, 5)) == duties.Period("2026-Q4", date(2026, 10, 1),
                                                                           date(2026, 12, 31))


def test_each_period_task_is_created_once_per_person(people, at):
    at("2026-12-02 07:05")
    installation = with_persons(people)
    first = ledger.run("duty-tasks", date(2026, 12, 2))
    assert first.outcome == "success" and first.counts["created"] == 3
    assert ledger.run("duty-tasks", date(2026, 12, 2)).outcome == "skipped"
    # Another day of the same periods (forced rerun too): no new task.
    at("2026-12-03 07:05")
    assert ledger.run("duty-tasks", date(2026, 12, 3)).counts["created"] == 0
    assert ledger.run("duty-tasks", date(2026, 12, 3), force=True).counts["created"] == 0
    rows = tasks(installation_id=installation.id)
    assert [(t.duty_role, t.period_key, t.user_id, t.due_on) for t in rows] == [
        ("operations", "2026-W49", people.operations.id, date(2026, 12, 6)),
        ("principal", "2026-Q4", people.principal.id, date(2026, 12, 31)),
        ("technical", "2026-Q4", people.technical.id, date(2026, 12, 31)),
    ]
    # The next week: the operations lead's new weekly task only.
    at("2026-12-07 07:05")
    assert ledger.run("duty-tasks", date(2026, 12, 7)).counts["created"] == 1


def test_frequencies_are_office_settings(people, at):
    at("2026-12-02 07:05")
    settings.set_many({"duty_frequency_technical": "month"})
    with_persons(people)
    ledger.run("duty-tasks", date(2026, 12, 2))
    assert [t.period_key for t in tasks(duty_role="technical")] == ["2026-12"]


def test_a_unit_that_is_not_a_major_hazard_installation_gets_no_duty_tasks(people, at):
    at("2026-12-02 07:05")
    with_persons(people, substances=[{"name": "甲醇", "max_quantity": "200", "critical_quantity": "500"}])
    assert ledger.run("duty-tasks", date(2026, 12, 2)).counts["created"] == 0


def test_a_missed_task_is_flagged_after_its_period_and_told_once(people, at):
    at("2026-12-02 07:05")
    installation = with_persons(people)
    ledger.run("duty-tasks", date(2026, 12, 2))
    # The operations lead records nothing in week 49; the principal checks on 12-04.
    at("2026-12-04 10:00")
    duties.record_check(installation, people.principal, role="principal", checked_on=date(2026, 12, 4),
                        scope="罐区巡查")
    for day in (5, 6):
        at(f"2026-12-0{day} 07:05")
        ledger.run("duty-tasks", date(2026, 12, day))
    assert tasks(duty_role="operations")[0].status == "open"  # due on Sunday 12-06: not yet missed
    at("2026-12-07 07:05")
    result = ledger.run("duty-tasks", date(2026, 12, 7))
    assert result.counts["missed"] == 1
    week49, week50 = tasks(duty_role="operations")
    assert (week49.period_key, week49.status) == ("2026-W49", "missed")
    assert (week50.period_key, week50.status) == ("2026-W50", "open")
    assert tasks(duty_role="principal")[0].status == "done"
    # The person and the installation's principal are told, once.
    for day in (8, 9):
        at(f"2026-12-0{day} 07:05")
        ledger.run("duty-tasks", date(2026, 12, day))
    told = db.session.scalars(select(Notification).where(Notification.kind == "duty_missed")).all()
    assert sorted(n.user_id for n in told) == sorted([people.operations.id, people.principal.id])
    assert "2026-W49" in told[0].title
    # The park view's "this period": installations with missed duties since the quarter began.
    assert duties.missed_counts([installation.id], date(2026, 12, 9)) == {installation.id: 1}
    assert duties.missed_counts([installation.id], date(2027, 1, 2)) == {}


def test_the_reminder_before_the_due_date_is_sent_once(people, at):
    at("2026-12-02 07:05")
    with_persons(people)
    ledger.run("duty-tasks", date(2026, 12, 2))
    assert kinds("duty_due") == 0  # week 49 is due 12-06: 4 days left, reminder at 2
    for day in (3, 4, 5, 6):
        at(f"2026-12-0{day} 07:05")
        ledger.run("duty-tasks", date(2026, 12, day))
    reminders = db.session.scalars(select(Notification).where(Notification.kind == "duty_due")).all()
    assert [(n.user_id, "2026-W49" in n.title) for n in reminders] == [(people.operations.id, True)]


def test_a_new_person_takes_over_the_open_tasks(people, at):
    from safety_app import installations

    from .conftest import data

    at("2026-12-02 07:05")
    installation = with_persons(people)
    ledger.run("duty-tasks", date(2026, 12, 2))
    installations.update(installation, data(principal_id=people.principal.id, technical_id=people.technical.id,
                                            operations_id=people.principal.id), people.user_a)
    assert tasks(duty_role="operations")[0].user_id == people.principal.id


def test_assessment_reminders_at_60_and_30_days_and_the_overdue_alert_once_each(people, at):
    at("2025-12-20 08:05")
    register(people, assessed_on=date(2023, 3, 1))  # due 2026-03-01
    first_sent = {}
    day = date(2025, 12, 20)
    while day <= date(2026, 3, 10):
        at(f"{day.isoformat()} 08:05")
        assert ledger.run("installation-assessments", day).outcome == "success"
        assert ledger.run("installation-assessments", day).outcome == "skipped"
        for kind in ("assessment_first", "assessment_second", "assessment_overdue"):
            if kinds(kind) and kind not in first_sent:
                first_sent[kind] = day
        day = date.fromordinal(day.toordinal() + 1)
    assert first_sent == {"assessment_first": date(2025, 12, 31),    # 60 days before 2026-03-01
                          "assessment_second": date(2026, 1, 30),    # 30 days before
                          "assessment_overdue": date(2026, 3, 2)}    # the day after
    user_a = people.user_a.id
    sent = db.session.execute(select(Notification.kind).where(Notification.user_id == user_a)
                              .order_by(Notification.id)).scalars().all()
    assert sent == ["assessment_first", "assessment_second", "assessment_overdue"]
    # Overdue also goes to the admins: A's four users and the admin, once each.
    assert kinds("assessment_overdue") == 5
    assert kinds("assessment_first") == kinds("assessment_second") == 4


def test_a_scheduler_that_was_down_still_sends_each_stage_once(people, at):
    at("2026-03-20 08:05")
    register(people, assessed_on=date(2023, 3, 1))  # due 2026-03-01: overdue when the job runs again
    ledger.run("installation-assessments", date(2026, 3, 20))
    ledger.run("installation-assessments", date(2026, 3, 21))
    assert kinds("assessment_overdue") > 0
    assert kinds("assessment_first") == kinds("assessment_second") == 0
    before = kinds("assessment_overdue")
    ledger.run("installation-assessments", date(2026, 3, 22), force=True)
    assert kinds("assessment_overdue") == before
