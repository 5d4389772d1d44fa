"""The ``outbox`` job: deliver pending e-mails (SMTP) and webhook messages, retrying with back-off.

A message is claimed before it is sent (a compare-and-set UPDATE that pushes
its ``next_attempt_at`` ahead), so two runners never send the same message at
the same time. Failures are written back with the error and an exponential
pause. A server that is down never kills a message — it waits, pending, for
the server to come back; a message that fails otherwise (refused, or an error
of its own: a bad address, anything raised while building or sending it) is
set aside as ``dead`` (the dead letters, listed for the admin, who can retry
them) after ``outbox_max_attempts`` attempts (setting, default 8). One bad
message never stops the run. E-mails wait while no SMTP host is set.
"""
import logging
from datetime import timedelta

from sqlalchemy import select, update

from .. import mailer, settings
from ..clock import utcnow
from ..extensions import db
from ..models import OutboxChannel, OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

BATCH = 200
MAX_ATTEMPTS = 8  # the default of the setting ``outbox_max_attempts``
BASE_DELAY_SECONDS = 60
MAX_DELAY_SECONDS = 3600
CLAIM_SECONDS = 300  # a runner that dies while sending: the message is tried again after this

PENDING, SENT, DEAD = OutboxStatus.PENDING.value, OutboxStatus.SENT.value, OutboxStatus.DEAD.value


def backoff(attempts):
    """Pause after the ``attempts``-th failed attempt: 1, 2, 4, ... minutes, at most an hour."""
    return timedelta(seconds=min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2 ** max(0, attempts - 1)))


def _claim(message_id, now):
    won = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == PENDING,
               OutboxMessage.next_attempt_at <= now)
        .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
    ).rowcount
    db.session.commit()
    return won == 1


def max_attempts():
    """Failed attempts after which a message is dead (setting ``outbox_max_attempts``, at least 1)."""
    try:
        return max(1, int(settings.get("outbox_max_attempts")))
    except (TypeError, ValueError):
        return MAX_ATTEMPTS


def _record(message_id, error=None, *, now, limit=MAX_ATTEMPTS):
    message = db.session.get(OutboxMessage, message_id)
    if error is None:
        message.status, message.sent_at, message.last_error = SENT, utcnow(), ""
    else:
        message.last_error = str(error)[:2000]
        if not error.server_down and message.attempts >= limit:
            message.status = DEAD
        else:
            message.next_attempt_at = now + backoff(message.attempts)
    db.session.commit()


def _send(message, channel, smtp):
    """Deliver one message; any error of the message itself becomes a DeliveryError."""
    try:
        if channel == OutboxChannel.EMAIL.value:
            smtp.send(message.recipient, message.subject, message.body)
        else:
            mailer.post_webhook(message.recipient, message.body)
    except mailer.DeliveryError:
        raise
    except Exception as exc:  # noqa: BLE001 — a message that cannot be built or sent must not stop the run
        log.exception("outbox message %s failed", message.id)
        raise mailer.DeliveryError(f"{type(exc).__name__}: {exc}", permanent=True) from exc


def retry(message, *, commit=True):
    """Put a dead letter back in the queue for a fresh series of attempts (the admin's "retry")."""
    if message.status != DEAD:
        return False
    message.status, message.attempts, message.next_attempt_at = PENDING, 0, utcnow()
    if commit:
        db.session.commit()
    return True


def deliver(slot=None, now=None):
    """Deliver up to ``BATCH`` due messages; returns counts (sent, failed, dead, waiting)."""
    now = now or utcnow()
    channels = [OutboxChannel.WEBHOOK.value]
    if mailer.smtp_configured():
        channels.append(OutboxChannel.EMAIL.value)
    due = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.channel)
        .where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now,
               OutboxMessage.channel.in_(channels))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(BATCH)
    ).all()
    counts = {"sent": 0, "failed": 0, "dead": 0}
    limit = max_attempts()
    smtp = mailer.SmtpSession() if OutboxChannel.EMAIL.value in channels else None
    down = set()  # channels whose server is unreachable: the rest of this run leaves them pending
    try:
        for message_id, channel in due:
            if channel in down or not _claim(message_id, now):
                continue
            message = db.session.get(OutboxMessage, message_id)
            try:
                _send(message, channel, smtp)
            except mailer.DeliveryError as exc:
                _record(message_id, exc, now=now, limit=limit)
                counts["dead" if db.session.get(OutboxMessage, message_id).status == DEAD else "failed"] += 1
                if exc.server_down and channel == OutboxChannel.EMAIL.value:
                    down.add(channel)
                continue
            _record(message_id, now=now, limit=limit)
            counts["sent"] += 1
    finally:
        if smtp is not None:
            smtp.close()
    return counts
