"""Helpers for the job tests: a frozen park clock, a real SMTP server on loopback, counting helpers."""
import socket
from datetime import date

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from safety_app import settings
from safety_app.extensions import db
from safety_app.models import Notification, OutboxMessage


def park_time(time_machine, when):
    """Freeze the clock at ``when`` (a 'YYYY-MM-DD HH:MM' string in park time, Asia/Shanghai)."""
    time_machine.move_to(f"{when}:00+08:00", tick=False)


@pytest.fixture
def at(time_machine):
    return lambda when: park_time(time_machine, when)


def notified(user=None, kind=None, hazard=None):
    """Notifications written so far (optionally for one user / kind / hazard)."""
    stmt = select(Notification).order_by(Notification.id)
    if user is not None:
        stmt = stmt.where(Notification.user_id == user.id)
    if kind is not None:
        stmt = stmt.where(Notification.kind == kind)
    if hazard is not None:
        stmt = stmt.where(Notification.hazard_id == hazard.id)
    return db.session.execute(stmt).scalars().all()


def outbox_count(key_prefix=None, **where):
    stmt = select(func.count(OutboxMessage.id))
    if key_prefix is not None:
        stmt = stmt.where(OutboxMessage.idempotency_key.startswith(key_prefix))
    for name, value in where.items():
        stmt = stmt.where(getattr(OutboxMessage, name) == value)
    return db.session.scalar(stmt)


def filed_before(park, deadline, **kwargs):
    """A hazard of enterprise A found on the 1st of the deadline's month (filing is not what we test)."""
    return park.hazard(deadline=deadline, found_on=kwargs.pop("found_on", date(deadline.year, deadline.month, 1)),
                       **kwargs)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd handler keeping what it received; ``refuse`` answers 550 to every recipient."""

    def __init__(self):
        self.messages = []
        self.refuse = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.inbox = Inbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def configure(self):
        settings.set_many({"smtp_host": "127.0.0.1", "smtp_port": self.port, "smtp_tls": False,
                           "smtp_sender": "yjb@park.example.cn"})

    @property
    def messages(self):
        return self.inbox.messages


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on a free loopback port, configured in the settings but NOT yet started."""
    server = SmtpServer()
    server.configure()
    yield server
    server.stop()
