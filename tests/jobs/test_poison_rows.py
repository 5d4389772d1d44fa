"""One bad row never stops a job: it is recorded with its error, the other rows are processed."""
from datetime import date
from email import message_from_bytes, policy

import pytest

from safety_app import clock, lifecycle, notifications, settings
from safety_app.extensions import db
from safety_app.jobs import ledger, outbox
from safety_app.jobs.registry import JOBS
from safety_app.models import Document, JobFailure, OutboxChannel, OutboxMessage

service = pytest.importorskip("safety_app.documents.service")


def notice_documents():
    return db.session.execute(db.select(Document).where(Document.kind == "notice")).scalars().all()


def job_failures(job):
    return db.session.execute(db.select(JobFailure).where(JobFailure.job == job)).scalars().all()


def run_notices(at, when):
    at(f"2026-11-21 {when}")
    return ledger.run("notices", JOBS["notices"].schedule.latest_slot(clock.local_now()))


def two_inspections(park, at):
    at("2026-11-21 09:50")
    groups = []
    for enterprise in (park.a, park.b):
        inspection = lifecycle.start_inspection(park.inspector, enterprise=enterprise, inspection_type="routine")
        groups.append(park.hazard(enterprise, inspection=inspection, deadline=date(2026, 12, 1)))
    return groups


def reminders():
    return db.session.execute(db.select(notifications.Notification)
                              .where(notifications.Notification.kind == "notice_draft")).scalars().all()


def test_notices_job_reminds_of_a_hazard_with_a_700_character_legal_basis(park, at):
    # The report: ~600 characters of legal basis broke the job every 15 minutes.
    first, second = two_inspections(park, at)
    first.legal_basis = "《危险化学品安全管理条例》第二十条规定的要求；" * 30
    db.session.commit()
    result = run_notices(at, "10:15")
    assert result.outcome == "success", result.error
    assert len(reminders()) == 2 and notice_documents() == []
    assert job_failures("notices") == []


def test_a_reminder_that_fails_is_recorded_and_the_other_enterprises_still_get_theirs(park, at, monkeypatch):
    first, second = two_inspections(park, at)
    real = notifications.notify_many

    def notify_many(messages):
        if any(park.a.name in m["title"] for m in messages):
            raise RuntimeError("the reminder could not be written")
        return real(messages)

    monkeypatch.setattr(notifications, "notify_many", notify_many)
    result = run_notices(at, "10:15")
    assert result.outcome == "success", result.error
    assert result.counts["reminded"] == 1 and result.counts["failed"] == 1
    assert [n.hazard_id for n in reminders()] == [second.id]
    [failure] = job_failures("notices")
    assert failure.item == f"hazards:{first.id}"
    assert "the reminder could not be written" in failure.error


def test_a_recorded_reminder_failure_is_cleared_once_the_reminder_is_written(park, at, monkeypatch):
    two_inspections(park, at)
    real = notifications.notify_many
    monkeypatch.setattr(notifications, "notify_many",
                        lambda *a, **kw: (_ for _ in ()).throw(RuntimeError("database hiccup")))
    run_notices(at, "10:15")
    assert len(job_failures("notices")) == 2
    monkeypatch.setattr(notifications, "notify_many", real)
    run_notices(at, "10:30")
    assert len(reminders()) == 2
    assert job_failures("notices") == []


def test_a_monthly_report_that_fails_is_recorded_and_the_other_enterprises_get_theirs(park, at, monkeypatch):
    at("2026-12-01 06:00")
    real = service.build_monthly_report
    a_id, b_id = park.a.id, park.b.id  # the job empties the session between enterprises

    def build(period, enterprise=None, **kw):
        if enterprise is not None and enterprise.id == a_id:
            raise RuntimeError("enterprise A's figures failed")
        return real(period, enterprise, **kw)

    monkeypatch.setattr(service, "build_monthly_report", build)
    result = ledger.run("monthly-report", "2026-11")
    assert result.outcome == "success", result.error
    assert result.counts["failed"] == 1
    built = db.session.execute(db.select(Document.enterprise_id).where(Document.kind == "monthly")).scalars()
    assert b_id in set(built)
    [failure] = job_failures("monthly-report")
    assert failure.item == f"enterprise:{a_id}"


def test_an_overdue_alert_that_fails_is_recorded_and_the_other_hazards_are_alerted(park, at, monkeypatch):
    at("2026-11-10 10:00")
    good = park.hazard(park.a, deadline=date(2026, 11, 20))
    bad = park.hazard(park.b, deadline=date(2026, 11, 20))
    from safety_app.jobs import alerts

    real = alerts.overdue_alert

    def alert(row, *args):
        if row.id == bad.id:
            raise ValueError("bad row")
        return real(row, *args)

    monkeypatch.setattr(alerts, "overdue_alert", alert)
    at("2026-11-21 08:00")
    result = ledger.run("overdue-scan", date(2026, 11, 21))
    assert result.outcome == "success", result.error
    assert result.counts["failed"] == 1
    alerted = db.session.execute(db.select(notifications.Notification.hazard_id)
                                 .where(notifications.Notification.kind == "overdue")).scalars().all()
    assert good.id in alerted and bad.id not in alerted
    assert [f.item for f in job_failures("overdue-scan")] == [f"hazard:{bad.id}"]


# --------------------------------------------------------------------------- e-mail headers and dead letters


def test_a_hazard_title_with_a_line_break_is_e_mailed_with_a_one_line_subject(smtp_server, park, at):
    smtp_server.start()
    at("2026-11-10 10:00")
    park.hazard(park.a, title="消防通道被占用\r\nBcc: everyone@example.com")
    result = ledger.run("outbox")
    assert result.outcome == "success", result.error
    assert result.counts["sent"] >= 1 and result.counts["failed"] == 0
    received = [message_from_bytes(raw, policy=policy.default) for _f, _t, raw in smtp_server.inbox.messages]
    subjects = [m["Subject"] for m in received]
    assert all("\n" not in s and "\r" not in s for s in subjects)
    assert any("消防通道被占用 Bcc: everyone@example.com" in s for s in subjects)
    assert all(m["Bcc"] is None for m in received)


def test_the_outbox_stores_subjects_on_one_line(app):
    notifications.enqueue(OutboxChannel.EMAIL, "a@example.com", "第一行\n第二行\t完", "正文", key="t:1")
    db.session.commit()
    assert db.session.scalar(db.select(OutboxMessage.subject)) == "第一行 第二行 完"


def _queue_raw(recipient, subject, key):
    """A message written straight into the table (as by an older version, before subjects were cleaned)."""
    values = notifications._outbox_values(OutboxChannel.EMAIL, recipient, "x", "正文", key, clock.utcnow())
    values["subject"] = subject
    db.session.add(OutboxMessage(**values))
    db.session.commit()


def test_a_message_with_a_line_break_in_its_address_does_not_stop_the_others(smtp_server, app, at):
    smtp_server.start()
    at("2026-11-21 08:00")
    _queue_raw("bad@example.com\nBcc: x@example.com", "坏地址", "t:bad")
    _queue_raw("good@example.com", "第一行\r\n第二行", "t:good")
    result = ledger.run("outbox")
    assert result.outcome == "success", result.error
    assert result.counts == {"sent": 1, "failed": 1, "dead": 0}
    bad, good = db.session.execute(db.select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
    assert good.status == "sent"
    assert bad.status == "pending" and "invalid address" in bad.last_error


def test_a_message_that_keeps_failing_becomes_a_dead_letter_after_the_setting(smtp_server, app, at):
    smtp_server.start()
    settings.set_many({"outbox_max_attempts": 2})
    at("2026-11-21 08:00")
    _queue_raw("bad@example.com\nBcc: x@example.com", "坏地址", "t:bad")
    for minute in ("08:01", "08:05"):
        at(f"2026-11-21 {minute}")
        ledger.run("outbox")
    message = db.session.execute(db.select(OutboxMessage)).scalar_one()
    assert (message.status, message.attempts) == ("dead", 2)


def test_retrying_a_dead_letter_queues_it_again(app, at):
    at("2026-11-21 08:00")
    _queue_raw("a@example.com", "主题", "t:1")
    message = db.session.execute(db.select(OutboxMessage)).scalar_one()
    message.status, message.attempts = "dead", 8
    db.session.commit()
    assert outbox.retry(message) is True
    assert (message.status, message.attempts) == ("pending", 0)
    assert message.next_attempt_at <= clock.utcnow()
    assert outbox.retry(message) is False  # only a dead letter can be retried
