"""The outbox job: alert e-mails reach a real SMTP server on loopback; nothing lost, nothing doubled."""
import json
import threading
from datetime import date, timedelta
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from safety_app import clock, notifications, settings
from safety_app.extensions import db
from safety_app.jobs import ledger, outbox
from safety_app.models import OutboxChannel, OutboxMessage

from .conftest import filed_before, free_port


def deliver():
    return ledger.run("outbox")


def messages():
    return db.session.execute(db.select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()


@pytest.fixture
def overdue_alert_queued(park, at):
    """The overdue scan of 21 Nov has queued its e-mails (the 'filed' e-mails are cleared first)."""
    at("2026-11-10 10:00")
    hazard = filed_before(park, date(2026, 11, 20), title="液化烃罐区可燃气体报警器失效")
    db.session.execute(db.delete(OutboxMessage))
    db.session.commit()
    at("2026-11-21 08:00")
    ledger.run("overdue-scan", date(2026, 11, 21))
    return hazard


def test_overdue_alert_e_mails_arrive_with_chinese_subject_and_body(smtp_server, overdue_alert_queued, at):
    smtp_server.start()
    at("2026-11-21 08:01")
    result = deliver()
    assert result.counts == {"sent": 3, "failed": 0, "dead": 0}
    received = {rcpts[0]: message_from_bytes(raw, policy=policy.default) for _from, rcpts, raw in smtp_server.messages}
    assert set(received) == {"ua@example.com", "inspector@example.com", "a@example.com"}
    mail = received["ua@example.com"]
    assert mail["From"] == "yjb@park.example.cn"
    assert str(mail["Subject"]).startswith("隐患逾期1天未整改：天津渤海石油化工有限公司 YH-2026-")
    body = mail.get_content()
    assert "液化烃罐区可燃气体报警器失效" in body and "整改期限：2026年11月20日" in body and "已逾期：1天" in body
    assert f"http://park.test/hazards/{overdue_alert_queued.id}" in body
    assert all(m.status == "sent" and m.sent_at is not None for m in messages())


def test_smtp_server_down_then_up_delivers_each_message_once(smtp_server, overdue_alert_queued, at):
    at("2026-11-21 08:01")
    down = deliver()
    assert down.outcome == "success" and down.counts["sent"] == 0
    pending = messages()
    assert {m.status for m in pending} == {"pending"}
    assert sum(m.attempts for m in pending) == 1  # the server is down: the rest of the batch is not even tried
    failed = next(m for m in pending if m.attempts)
    assert "unreachable" in failed.last_error
    assert failed.next_attempt_at - clock.utcnow() == timedelta(minutes=1)  # back-off

    smtp_server.start()
    at("2026-11-21 08:02")
    assert deliver().counts["sent"] == 3
    at("2026-11-21 08:03")
    assert deliver().counts["sent"] == 0
    assert sorted(r[0] for _f, r, _raw in smtp_server.messages) == ["a@example.com", "inspector@example.com",
                                                                    "ua@example.com"]
    assert {m.status for m in messages()} == {"sent"}


def test_e_mails_wait_in_the_outbox_while_no_smtp_host_is_set(app, at):
    at("2026-11-21 08:00")
    notifications.enqueue(OutboxChannel.EMAIL, "ua@example.com", "测试", "正文", key="t:1")
    db.session.commit()
    assert deliver().counts["sent"] == 0
    message = messages()[0]
    assert (message.status, message.attempts) == ("pending", 0)


def test_failed_attempts_back_off_exponentially():
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert outbox.backoff(30).total_seconds() == outbox.MAX_DELAY_SECONDS


def test_a_refused_message_is_dead_after_max_attempts(smtp_server, app, at):
    settings.set_many({"outbox_max_attempts": 3})
    smtp_server.inbox.refuse = True
    smtp_server.start()
    at("2026-11-21 08:00")
    notifications.enqueue(OutboxChannel.EMAIL, "nobody@example.com", "测试", "正文", key="t:1")
    db.session.commit()
    for minute in ("08:01", "08:03", "08:08"):
        at(f"2026-11-21 {minute}")
        deliver()
    message = messages()[0]
    assert (message.status, message.attempts) == ("dead", 3)
    assert "550" in message.last_error


def test_a_server_that_stays_down_never_kills_a_message(smtp_server, app, at):
    settings.set_many({"outbox_max_attempts": 2})
    at("2026-11-21 08:00")
    notifications.enqueue(OutboxChannel.EMAIL, "ua@example.com", "测试", "正文", key="t:1")
    db.session.commit()
    for hour in range(9, 14):
        at(f"2026-11-21 {hour:02d}:00")
        deliver()
    message = messages()[0]
    assert message.status == "pending" and message.attempts == 5


class _Robot(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):  # noqa: N802
        self.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        body = b'{"errcode":0,"errmsg":"ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def robot():
    _Robot.received = []
    server = HTTPServer(("127.0.0.1", free_port()), _Robot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_overdue_digest_is_posted_to_the_group_robot_as_wecom_text(robot, park, at):
    settings.set_many({"webhook_url": f"http://127.0.0.1:{robot.server_port}/cgi-bin/webhook/send?key=abc",
                       "webhook_allow_internal": True})  # the robot of this test listens on loopback
    at("2026-11-10 10:00")
    hazard = filed_before(park, date(2026, 11, 20))
    at("2026-11-21 08:00")
    ledger.run("overdue-scan", date(2026, 11, 21))
    at("2026-11-21 08:01")
    deliver()
    at("2026-11-21 08:02")
    deliver()
    assert len(_Robot.received) == 1
    payload = _Robot.received[0]
    assert payload["msgtype"] == "text"
    assert hazard.code in payload["text"]["content"] and "逾期1天" in payload["text"]["content"]
