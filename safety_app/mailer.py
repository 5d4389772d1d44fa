"""Delivery of outbox messages: e-mail over SMTP (smtplib) and group-robot webhooks (urllib).

Only the ``outbox`` job calls this. A failure raises ``DeliveryError``; its
``permanent`` flag says whether trying again can help (a refused recipient,
a 4xx from the webhook) or not (server down, timeout) — the outbox gives
up on permanent failures only after several attempts and never on a
server that is merely unreachable.
"""
import http.client
import json
import re
import smtplib
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from . import settings, webhook_target

WEBHOOK_TIMEOUT = 5  # seconds: a hung robot endpoint must not stall the outbox
SMTP_TIMEOUT = 10


class DeliveryError(Exception):
    def __init__(self, message, *, permanent=False, server_down=False):
        super().__init__(message)
        self.permanent = permanent
        self.server_down = server_down


def smtp_configured():
    return bool((settings.get("smtp_host") or "").strip())


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


def header_text(text, limit=300):
    """``text`` on one line for a mail header: line breaks and control characters become one space."""
    return " ".join(_CONTROL.sub(" ", str(text)).split())[:limit]


def _address(address):
    # An address is never "repaired": one with a line break is refused for good (header injection).
    if _CONTROL.search(address or "") or not (address or "").strip():
        raise DeliveryError(f"invalid address {address!r}", permanent=True)
    return address.strip()


def build_email(sender, recipient, subject, body):
    """The message, its headers on one line each (a title with a line break must never break a header)."""
    message = EmailMessage()
    message["From"] = _address(sender)
    message["To"] = _address(recipient)
    message["Subject"] = header_text(subject)  # non-ASCII is encoded (RFC 2047) by the email package
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1] or "localhost")
    message.set_content(body, charset="utf-8")
    return message


class SmtpSession:
    """One SMTP connection, opened on the first message and reused for the rest of a run."""

    def __init__(self):
        self.host = settings.get("smtp_host").strip()
        self.port = int(settings.get("smtp_port") or 25)
        self.tls = bool(settings.get("smtp_tls"))
        self.user = settings.get("smtp_user") or ""
        self.password = settings.get("smtp_password") or ""
        self.sender = settings.get("smtp_sender") or "park-safety@localhost"
        self._smtp = None

    def _connect(self):
        try:
            if self.tls and self.port == 465:  # implicit TLS (SMTPS), common with Chinese mail providers
                smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT)
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT)
                if self.tls:
                    smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"SMTP {self.host}:{self.port} unreachable: {exc}", server_down=True) from exc
        self._smtp = smtp

    def send(self, recipient, subject, body):
        message = build_email(self.sender, recipient, subject, body)  # refuses a bad address before connecting
        if self._smtp is None:
            self._connect()
        try:
            self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _msg in exc.recipients.values()]
            raise DeliveryError(f"recipient refused: {exc.recipients}",
                                permanent=all(c >= 500 for c in codes)) from exc
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", permanent=exc.smtp_code >= 500) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self._smtp = None
            raise DeliveryError(f"SMTP connection lost: {exc}", server_down=True) from exc

    def close(self):
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._smtp = None


def _guarded(connection_class, allow_internal):
    def make(host, **kwargs):
        connection = connection_class(host, **kwargs)
        connection._create_connection = webhook_target.guarded_connection(allow_internal)
        return connection

    return make


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, allow_internal):
        super().__init__()
        self.allow_internal = allow_internal

    def http_open(self, req):
        return self.do_open(_guarded(http.client.HTTPConnection, self.allow_internal), req)


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, allow_internal):
        super().__init__()
        self.allow_internal = allow_internal

    def https_open(self, req):
        return self.do_open(_guarded(http.client.HTTPSConnection, self.allow_internal), req,
                            context=self._context)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a robot does not redirect; a 3xx is an error
        return None


def webhook_opener(allow_internal):
    """An opener that connects only to checked addresses (``webhook_target``), directly (no
    proxy from the environment) and without following redirects."""
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect(),
                                       _GuardedHTTPHandler(allow_internal), _GuardedHTTPSHandler(allow_internal))


def post_webhook(url, text):
    """POST ``{"msgtype":"text","text":{"content":...}}`` (WeCom / DingTalk group robots).

    The target is checked again here (DNS can change after the setting was saved): an internal
    address is refused for good unless the admin allows internal targets."""
    allow_internal = bool(settings.get("webhook_allow_internal"))
    payload = json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False).encode("utf-8")
    try:
        webhook_target.split(url)
        request = urllib.request.Request(url, data=payload, method="POST",
                                         headers={"Content-Type": "application/json; charset=utf-8"})
        with webhook_opener(allow_internal).open(request, timeout=WEBHOOK_TIMEOUT) as response:
            raw = response.read(65536)
    except webhook_target.TargetRefused as exc:
        raise DeliveryError(f"webhook target refused: {exc}", permanent=not exc.transient,
                            server_down=exc.transient) from exc
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"webhook HTTP {exc.code}", permanent=400 <= exc.code < 500 and exc.code != 429) from exc
    except (TimeoutError, urllib.error.URLError, OSError) as exc:
        raise DeliveryError(f"webhook unreachable: {exc}", server_down=True) from exc
    try:
        answer = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        return
    # The robots answer 200 with {"errcode": 0, "errmsg": "ok"}; anything else is a refusal.
    if isinstance(answer, dict) and answer.get("errcode") not in (None, 0):
        raise DeliveryError(f"webhook refused: {answer.get('errcode')} {answer.get('errmsg', '')}", permanent=True)
