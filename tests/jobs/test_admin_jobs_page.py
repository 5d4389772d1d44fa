"""The admin's jobs page: dead letters with their error and a retry, rows the jobs could not process."""
from safety_app import clock, notifications
from safety_app.extensions import db
from safety_app.jobs import failures
from safety_app.models import Event, OutboxChannel, OutboxMessage

from ..conftest import login


def dead_letter(error="SMTP 550: b'5.1.1 mailbox unavailable'"):
    notifications.enqueue(OutboxChannel.EMAIL, "gone@example.com", "隐患逾期1天未整改", "正文", key="t:dead")
    db.session.commit()
    message = db.session.execute(db.select(OutboxMessage)).scalar_one()
    message.status, message.attempts, message.last_error = "dead", 8, error
    db.session.commit()
    return message


def test_admin_sees_dead_letters_with_their_error(client, park):
    dead_letter()
    login(client, park.admin)
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "gone@example.com" in page
    assert "5.1.1 mailbox unavailable" in page


def test_admin_retries_a_dead_letter(client, park):
    message = dead_letter()
    login(client, park.admin)
    answer = client.post(f"/admin/outbox/{message.id}/retry")
    assert answer.status_code == 302
    db.session.refresh(message)
    assert (message.status, message.attempts) == ("pending", 0)
    assert message.next_attempt_at <= clock.utcnow()
    assert db.session.execute(db.select(Event).where(Event.action == "outbox.retry")).scalar_one()


def test_retrying_an_unknown_message_answers_404(client, park):
    login(client, park.admin)
    assert client.post("/admin/outbox/999999/retry").status_code == 404


def test_inspector_cannot_open_the_jobs_page_nor_retry(client, park):
    message = dead_letter()
    login(client, park.inspector)
    assert client.get("/admin/jobs").status_code == 403
    assert client.post(f"/admin/outbox/{message.id}/retry").status_code == 403
    db.session.refresh(message)
    assert message.status == "dead"


def test_admin_sees_the_rows_the_jobs_could_not_process(client, park):
    failures.record("notices", "hazards:41,42", clock.utcnow(), RuntimeError("LayoutError: row too tall"))
    login(client, park.admin)
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "hazards:41,42" in page
    assert "LayoutError: row too tall" in page


def test_admin_sets_the_attempts_before_a_message_is_set_aside(client, park):
    from safety_app import settings

    login(client, park.admin)
    form = {"office_name": "应急办", "park_name": "园区", "notice_prefix": "大港应急", "due_soon_days": "3",
            "escalation_days": "7", "smtp_host": "", "smtp_port": "25", "smtp_sender": "park@example.com",
            "webhook_url": "", "outbox_max_attempts": "3"}
    assert client.post("/admin/settings", data=form).status_code == 302
    assert settings.get("outbox_max_attempts") == 3
    form["outbox_max_attempts"] = "0"
    assert client.post("/admin/settings", data=form).status_code == 422
    assert settings.get("outbox_max_attempts") == 3


def test_admin_sees_the_recent_runs_with_their_counts(client, park):
    from safety_app.jobs import ledger

    ledger.run("outbox")
    login(client, park.admin)
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "outbox" in page
    assert "sent 0" in page


def test_a_row_that_has_not_failed_for_a_month_leaves_the_jobs_page(client, park, time_machine):
    time_machine.move_to("2026-10-01 08:00:00+08:00", tick=False)
    failures.record("overdue-scan", "hazard:77", clock.today(), ValueError("old trouble"))
    time_machine.move_to("2026-11-21 08:00:00+08:00", tick=False)
    failures.record("overdue-scan", "hazard:78", clock.today(), ValueError("new trouble"))
    login(client, park.admin)
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "new trouble" in page and "old trouble" not in page
