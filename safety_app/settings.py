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
    # Days before the statistics table is due (quarterly: 15th of the next month; annual: 31 January)
    # that the statistics-reminder job reminds enterprises and the office.
    "statistics_reminder_days": 5,
    # 待复查超期: a submitted hazard waiting longer than this many days for re-inspection or acceptance
    # is the office's backlog (figures.definitions.office_backlog).
    "review_backlog_days": 5,
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
    # "Remember this phone": a login that asks for it stays valid this many days (absolute, 1–90).
    "remember_days": 30,
    # 责令限期整改指令书 (documents/notice.py). The wording below is office data: the admin corrects it on
    # the settings page.
    # The legal basis of the order itself: 《中华人民共和国安全生产法》(2021) Art. 65 (the enforcement
    # departments' powers, item (三): a hazard found is ordered removed; a major one that cannot be
    # removed safely → workers withdrawn, production suspended). Text checked 2026-12-02 against
    # http://chehe.cn/Item/Show.asp?m=1&d=2414&p=6 (安全生产法 全文, 第六十五条) and regulations.md §8.2.
    "notice_order_basis": "依据《中华人民共和国安全生产法》第六十五条的规定",
    # Where the enterprise may apply for administrative reconsideration and bring a suit. No public
    # source at hand confirmed the competent bodies for this office (searched 2026-12-02), so there
    # is no default: the notice is refused until the admin sets both.
    "reconsideration_body": "",
    "litigation_court": "",
    # The customary closing sentences of the notice as the 安全生产监管监察执法文书 templates word them
    # (整改期间确保安全; 由此造成事故的依法追究有关人员的责任). No published template could be consulted
    # with the search tool on 2026-12-02: the office checks the wording against its own 文书格式.
    "notice_liability_sentence": "整改期间，你单位应当采取措施，确保安全生产。由此造成事故的，依法追究有关人员的责任。",
    # The copies note at the foot of the notice (wording of the 文书格式 in use; the office may correct it).
    "notice_copies_note": "本文书一式两份，一份由安全生产监管部门留存，一份交被检查单位。",
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
    "plan_reminder_days": 7,  # remind an inspector this many days before a plan task's period ends
    # Assessment (安全评估, at least every three years): reminders this many days before it is due.
    "assessment_reminder_days_first": 60,
    "assessment_reminder_days_second": 30,
}

INT_KEYS = {"due_soon_days", "escalation_days", "review_backlog_days", "smtp_port", "outbox_max_attempts",
            "token_idle_days", "token_max_days", "statistics_reminder_days", "duty_reminder_days", "plan_reminder_days",
            "assessment_reminder_days_first", "assessment_reminder_days_second", "remember_days"}
FIGURE_KEYS = {"review_backlog_days"}  # settings the figures depend on
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
    if FIGURE_KEYS & set(values):
        from .sequences import hazard_data_changed

        hazard_data_changed()  # cached figures (dashboard.figures) read these settings
    if commit:
        db.session.commit()
