"""Office settings: stored in the ``settings`` table, editable by the admin.

``get(key)`` returns the stored value or the default below; environment
variables named ``SETTING_<KEY>`` (upper case) override the default, so a
deployment can preset e.g. the SMTP host without touching the database.
"""
import os

from .extensions import db
from .models import Setting

DEFAULTS = {
    "office_name": "天津市滨海新区大港街道应急管理办公室",
    "park_name": "天津滨海新区大港石化产业园区",
    "notice_prefix": "大港应急",  # numbers read （大港应急）责改〔2026〕第001号
    "due_soon_days": 3,
    "escalation_days": 7,
    "smtp_host": "",
    "smtp_port": 25,
    "smtp_tls": False,
    "smtp_user": "",
    "smtp_password": "",
    "smtp_sender": "park-safety@localhost",
    "webhook_url": "",
    "webhook_allow_internal": False,  # let the webhook reach loopback/private/link-local addresses
    "outbox_max_attempts": 8,  # failed deliveries before a message is set aside (dead letter) for the admin
    # API tokens end after this many days without use, and this many days after issue at the latest.
    "token_idle_days": 30,
    "token_max_days": 90,
    # Major hazard installations (regulations §8.4). How often each 包保 person must make a duty check:
    # 'week' | 'month' | 'quarter'. Checked 2026-12-02 against 危险化学品企业重大危险源安全包保责任制办法（试行）
    # (应急厅〔2021〕12号), public copy http://tegots.com/article/10139: Art. 5 (5) has the technical lead
    # organise a targeted risk and hazard check "每季度至少……一次" (at least quarterly — §8.4's "monthly" was
    # not confirmed); Art. 4 (principal) names no frequency there and Art. 6 (operations) was not found:
    # principal quarterly and operations weekly follow §8.4 until the office confirms them (AQ 3072-2026).
    "duty_frequency_principal": "quarter",
    "duty_frequency_technical": "quarter",
    "duty_frequency_operations": "week",
    "duty_reminder_days": 2,  # remind a 包保 person this many days before the period's check is due
    # Assessment (安全评估, at least every three years): reminders this many days before it is due.
    "assessment_reminder_days_first": 60,
    "assessment_reminder_days_second": 30,
}

INT_KEYS = {"due_soon_days", "escalation_days", "smtp_port", "outbox_max_attempts", "token_idle_days",
            "token_max_days", "duty_reminder_days", "assessment_reminder_days_first",
            "assessment_reminder_days_second"}
BOOL_KEYS = {"smtp_tls", "webhook_allow_internal"}


def _env_default(key):
    raw = os.environ.get(f"SETTING_{key.upper()}")
    if raw is None:
        return DEFAULTS[key]
    if key in INT_KEYS:
        return int(raw)
    if key in BOOL_KEYS:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return raw


def get(key):
    if key not in DEFAULTS:
        raise KeyError(key)
    row = db.session.get(Setting, key)
    return _env_default(key) if row is None else row.value


def get_many(*keys):
    """Several settings in one query."""
    for key in keys:
        if key not in DEFAULTS:
            raise KeyError(key)
    stored = {row.key: row.value for row in db.session.query(Setting).filter(Setting.key.in_(keys))}
    return {key: stored[key] if key in stored else _env_default(key) for key in keys}


def all_settings():
    stored = {row.key: row.value for row in db.session.query(Setting).all()}
    return {key: stored.get(key, _env_default(key)) for key in DEFAULTS}


def set_many(values, commit=True):
    """Store several settings (unknown keys are refused)."""
    for key, value in values.items():
        if key not in DEFAULTS:
            raise KeyError(key)
        row = db.session.get(Setting, key)
        if row is None:
            db.session.add(Setting(key=key, value=value))
        else:
            row.value = value
    if commit:
        db.session.commit()
