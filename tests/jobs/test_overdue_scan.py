"""overdue-scan and due-soon: who is told what, on which day, and never twice."""
from datetime import date

import pytest

from safety_app import lifecycle, settings
from safety_app.extensions import db
from safety_app.jobs import alerts, ledger
from safety_app.models import OutboxMessage

from .conftest import filed_before, notified, outbox_count

NOV = lambda d: date(2026, 11, d)  # noqa: E731


@pytest.fixture
def due_20th(park, at):
    at("2026-11-10 10:00")
    hazard = filed_before(park, NOV(20), title="液化烃罐区可燃气体报警器失效")
    db.session.execute(db.delete(OutboxMessage))  # the 'filed' e-mails are not what we look at
    return hazard


def scan(day):
    return ledger.run("overdue-scan", day)


def test_hazard_due_on_the_20th_is_not_overdue_on_the_20th(park, due_20th, at):
    at("2026-11-20 08:00")
    scan(NOV(20))
    assert notified(kind="overdue") == []


def test_hazard_due_on_the_20th_is_reported_overdue_on_the_21st(park, due_20th, at):
    at("2026-11-21 08:00")
    result = scan(NOV(21))
    assert result.outcome == "success", result.error
    assert result.counts["hazards"] == 1
    assert {n.user_id for n in notified(kind="overdue")} == {park.user_a.id, park.inspector.id}


def test_overdue_alert_names_enterprise_code_title_deadline_days_and_link(park, due_20th, at):
    at("2026-11-21 08:00")
    scan(NOV(21))
    alert = notified(user=park.user_a, kind="overdue")[0]
    assert "天津渤海石油化工有限公司" in alert.title and due_20th.code in alert.title
    assert "液化烃罐区可燃气体报警器失效" in alert.title
    assert "整改期限：2026年11月20日" in alert.body and "已逾期：1天" in alert.body
    assert alert.link == f"http://park.test/hazards/{due_20th.id}" and alert.hazard_id == due_20th.id


def test_overdue_alert_is_e_mailed_to_users_and_the_enterprise_safety_contact(park, due_20th, at):
    at("2026-11-21 08:00")
    scan(NOV(21))
    recipients = set(db.session.scalars(db.select(OutboxMessage.recipient)))
    assert recipients == {"ua@example.com", "inspector@example.com", "a@example.com"}


def test_other_enterprises_and_admins_are_not_told_about_a_general_hazard_on_day_one(park, due_20th, at):
    at("2026-11-21 08:00")
    scan(NOV(21))
    assert notified(user=park.user_b) == [] and notified(user=park.admin) == []


def test_running_the_scan_twice_for_the_same_day_sends_nothing_more(park, due_20th, at):
    at("2026-11-21 08:00")
    scan(NOV(21))
    before = (len(notified()), outbox_count())
    assert scan(NOV(21)).outcome == "skipped"
    assert ledger.run("overdue-scan", NOV(21), force=True).outcome == "success"
    assert (len(notified()), outbox_count()) == before


def test_a_closed_hazard_is_not_reported_overdue(park, due_20th, at):
    at("2026-11-15 10:00")
    lifecycle.apply(due_20th, "withdraw", park.admin, version=due_20th.version, reason="误报")
    at("2026-11-21 08:00")
    scan(NOV(21))
    assert notified(kind="overdue") == []


def test_overdue_seven_days_is_not_yet_escalated(park, due_20th, at):
    at("2026-11-27 08:00")
    scan(NOV(27))  # 7 days overdue: not *more than* 7
    assert notified(user=park.admin) == []


def test_overdue_more_than_escalation_days_notifies_the_admins_too(park, due_20th, at):
    at("2026-11-28 08:00")
    scan(NOV(28))  # 8 days overdue
    escalations = notified(kind="escalation")
    assert {n.user_id for n in escalations} == {park.user_a.id, park.inspector.id, park.admin.id}
    assert "【升级督办】" in escalations[0].title and "已逾期：8天" in escalations[0].body


def test_escalation_days_is_a_setting(park, due_20th, at):
    settings.set_many({"escalation_days": 2})
    at("2026-11-23 08:00")
    scan(NOV(23))  # 3 days overdue > 2
    assert [n.user_id for n in notified(user=park.admin, kind="escalation")] == [park.admin.id]


def test_an_overdue_major_hazard_notifies_the_admins_on_the_first_day(park, at):
    at("2026-11-10 10:00")
    major = filed_before(park, NOV(20), major=True)
    at("2026-11-21 08:00")
    scan(NOV(21))
    assert {n.user_id for n in notified(kind="overdue", hazard=major)} == {
        park.user_a.id, park.inspector.id, park.admin.id}
    assert "重大隐患" in notified(user=park.admin)[0].body


def test_an_approved_extension_moves_the_overdue_day(park, due_20th, at):
    at("2026-11-15 10:00")
    lifecycle.apply(due_20th, "request_extension", park.user_a, version=due_20th.version,
                    new_deadline=NOV(25), reason="备件未到货")
    lifecycle.apply(due_20th, "approve_extension", park.admin, version=due_20th.version)
    at("2026-11-21 08:00")
    scan(NOV(21))
    assert notified(kind="overdue") == []
    at("2026-11-26 08:00")
    scan(NOV(26))
    assert len(notified(kind="overdue", user=park.user_a)) == 1


def test_a_scan_that_dies_half_way_is_completed_by_the_rerun_without_duplicates(park, at, monkeypatch):
    at("2026-11-10 10:00")
    hazards = [filed_before(park, NOV(20), title=f"隐患{i}") for i in range(5)]
    at("2026-11-21 08:00")
    monkeypatch.setattr(alerts, "CHUNK", 2)  # commit every two hazards, like a big run commits per chunk
    real, calls = alerts.overdue_alert, []

    def dies_on_the_third(row, *args):
        calls.append(row.id)
        if len(calls) == 3:
            raise ConnectionError("database went away")
        return real(row, *args)

    monkeypatch.setattr(alerts, "overdue_alert", dies_on_the_third)
    first = scan(NOV(21))
    assert first.outcome == "failed" and "database went away" in first.error
    assert {n.hazard_id for n in notified(kind="overdue")} == {hazards[0].id, hazards[1].id}  # half done

    rerun = scan(NOV(21))
    assert rerun.outcome == "success"
    alerts_by_hazard_user = [(n.hazard_id, n.user_id) for n in notified(kind="overdue")]
    assert len(alerts_by_hazard_user) == len(set(alerts_by_hazard_user)) == 5 * 2
    assert outbox_count("overdue:", channel="email") == 5 * 3  # user, inspector, safety contact — once each


def test_webhook_digest_is_queued_once_per_scan_when_a_webhook_is_set(park, due_20th, at):
    settings.set_many({"webhook_url": "http://127.0.0.1:9/robot"})
    at("2026-11-21 08:00")
    scan(NOV(21))
    ledger.run("overdue-scan", NOV(21), force=True)
    digest = db.session.execute(db.select(OutboxMessage).where(OutboxMessage.channel == "webhook")).scalar_one()
    assert digest.recipient == "http://127.0.0.1:9/robot"
    assert due_20th.code in digest.body and "逾期1天" in digest.body and "天津渤海石油化工有限公司" in digest.body


def test_due_soon_fires_due_soon_days_before_the_deadline(park, due_20th, at):
    for day in (16, 18):
        at(f"2026-11-{day} 08:00")
        ledger.run("due-soon", NOV(day))
    assert notified(kind="due_soon") == []
    at("2026-11-17 08:00")
    ledger.run("due-soon", NOV(17))  # 3 days before the 20th
    reminders = notified(kind="due_soon")
    assert [n.user_id for n in reminders] == [park.user_a.id]
    assert "还有3天" in reminders[0].title and "整改期限：2026年11月20日" in reminders[0].body


def test_due_soon_days_is_a_setting(park, due_20th, at):
    settings.set_many({"due_soon_days": 5})
    at("2026-11-15 08:00")
    ledger.run("due-soon", NOV(15))
    assert len(notified(kind="due_soon")) == 1


def test_between_the_first_day_and_the_escalation_nobody_is_reminded_again(park, due_20th, at):
    for day in (22, 25, 27):
        at(f"2026-11-{day} 08:00")
        scan(NOV(day))
    assert notified(kind="overdue") == [] and notified(kind="escalation") == []


def test_the_ledger_records_what_the_scan_did(park, due_20th, at):
    at("2026-11-21 08:00")
    assert scan(NOV(21)).counts == {"hazards": 1, "escalated": 0, "notifications": 2, "failed": 0}
    assert ledger.run("overdue-scan", NOV(21), force=True).counts["notifications"] == 0
