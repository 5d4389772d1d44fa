from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional, Regexp

from ... import registry, settings, webhook_target
from ...accounts import MIN_PASSWORD_LENGTH
from ...devices import REMEMBER_MAX_DAYS
from ...labels import ROLE
from ...validation import NoControlCharacters, certificate_no_problem

USERNAME = Regexp(r"^[A-Za-z0-9._@-]{2,64}$",
                  message=_l("2 to 64 characters: letters, digits and . _ - @ only."))


def _check_contact(form):
    """E-mail and phone use the registry's rules; returns False when one is wrong."""
    ok = True
    email = (form.email.data or "").strip()
    if email and not registry.is_valid_email(email):
        form.email.errors.append(_l("Not a valid e-mail address (for example name@example.com)."))
        ok = False
    phone = registry.normalise_phone(form.phone.data)
    if phone and not registry.is_valid_phone(phone):
        form.phone.errors.append(_l("Not a valid phone number: a mobile number has 11 digits; a landline needs "
                                    "the area code, e.g. 022-12345678."))
        ok = False
    return ok


class ProfileMixin:
    display_name = StringField(_l("Display name"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=200)])
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=30)])
    certificate_no = StringField(_l("Law-enforcement certificate number"), validators=[Optional(), Length(max=50)],
                                 description=_l("Needed to sign enforcement documents (notices, opinions)."))

    def validate_certificate_no(self, field):
        problem = certificate_no_problem(field.data)
        if problem is not None:
            raise ValidationError(problem)

    def profile(self):
        return {
            "display_name": self.display_name.data.strip(),
            "email": (self.email.data or "").strip(),
            "phone": registry.normalise_phone(self.phone.data),
            "certificate_no": (self.certificate_no.data or "").strip(),
        }


class NewUserForm(ProfileMixin, FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), USERNAME])
    role = SelectField(_l("Role"), choices=list(ROLE.items()), default="inspector")
    enterprise = SelectField(_l("Enterprise"), coerce=int, validate_choice=False)
    password = PasswordField(_l("Initial password"),
                             validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)])
    confirm = PasswordField(_l("Repeat password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The passwords do not match."))])

    def __init__(self, enterprises, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise.choices = [(0, _l("— choose —"))] + [(e.id, e.name) for e in enterprises]
        self._enterprise_ids = {e.id for e in enterprises}

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        ok = _check_contact(self) and ok
        if self.role.data == "enterprise" and self.enterprise.data not in self._enterprise_ids:
            self.enterprise.errors.append(_l("An enterprise user needs an enterprise."))
            ok = False
        return ok


ENTERPRISE_ROLES = [("", _l("— not set —")), ("safety_manager", _l("Safety manager")),
                    ("principal", _l("Principal")), ("staff", _l("Staff"))]


class EditUserForm(ProfileMixin, FlaskForm):
    active = BooleanField(_l("Active (may log in)"))
    # An enterprise user's role in the enterprise (users.enterprise_role); staff users have none.
    enterprise_role = SelectField(_l("Role in the enterprise"), choices=ENTERPRISE_ROLES, validators=[Optional()])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        return _check_contact(self) and ok


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"),
                             validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)])
    confirm = PasswordField(_l("Repeat new password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The passwords do not match."))])


def _http_url(form, field):
    from wtforms.validators import ValidationError

    value = (field.data or "").strip()
    if not value:
        return
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise ValidationError(_l("The address must start with https:// or http:// and name a host."))


def _sender(form, field):
    from wtforms.validators import ValidationError

    if not registry.is_valid_email((field.data or "").strip(), allow_local_host=True):
        raise ValidationError(_l("Not a valid e-mail address (for example name@example.com)."))


HOSTNAME = Regexp(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[[0-9A-Fa-f:]+\]$",
                  message=_l("A host name or IP address, without http:// and without a port."))


DUTY_FREQUENCIES = [("week", _l("At least weekly")), ("month", _l("At least monthly")),
                    ("quarter", _l("At least quarterly"))]


class SettingsForm(FlaskForm):
    office_name = StringField(_l("Office name"), validators=[DataRequired(), Length(max=100)])
    park_name = StringField(_l("Park name"), validators=[DataRequired(), Length(max=100)])
    notice_prefix = StringField(_l("Notice number prefix"), validators=[DataRequired(), Length(max=20)])
    notice_order_basis = StringField(_l("Legal basis of a rectification notice"),
                                     validators=[Optional(), Length(max=300), NoControlCharacters()],
                                     description=_l("Left empty: the default wording."))
    reconsideration_body = StringField(_l("Administrative reconsideration body"),
                                       validators=[Optional(), Length(max=100), NoControlCharacters()])
    litigation_court = StringField(_l("Court for administrative litigation"),
                                   validators=[Optional(), Length(max=100), NoControlCharacters()])
    notice_liability_sentence = TextAreaField(_l("Closing sentence of a rectification notice"),
                                              validators=[Optional(), Length(max=500), NoControlCharacters()])
    notice_copies_note = StringField(_l("Copies note at the foot of a rectification notice"),
                                     validators=[Optional(), Length(max=200), NoControlCharacters()])
    due_soon_days = IntegerField(_l("Remind enterprises this many days before the deadline"),
                                 validators=[InputRequired(), NumberRange(min=1, max=60)])
    escalation_days = IntegerField(_l("Escalate to the admins after this many days overdue"),
                                   validators=[InputRequired(), NumberRange(min=1, max=365)])
    statistics_reminder_days = IntegerField(
        _l("Remind enterprises and the office this many days before the statistics table is due"),
        validators=[Optional(), NumberRange(min=1, max=30)])
    review_backlog_days = IntegerField(_l("Re-inspection overdue (office backlog) after this many days waiting"),
                                       validators=[Optional(), NumberRange(min=1, max=365)])
    smtp_host = StringField(_l("SMTP server"), validators=[Optional(), Length(max=200), HOSTNAME])
    smtp_port = IntegerField(_l("SMTP port"), validators=[InputRequired(), NumberRange(min=1, max=65535)])
    smtp_tls = BooleanField(_l("Use STARTTLS"))
    smtp_user = StringField(_l("SMTP user name"), validators=[Optional(), Length(max=200)])
    smtp_password = PasswordField(_l("SMTP password"), validators=[Optional(), Length(max=200)])
    clear_smtp_password = BooleanField(_l("Remove the stored SMTP password"))
    smtp_sender = StringField(_l("Sender e-mail address"), validators=[DataRequired(), Length(max=200), _sender])
    webhook_url = StringField(_l("Webhook URL"), validators=[Optional(), Length(max=500), _http_url])
    webhook_allow_internal = BooleanField(_l("Allow a webhook inside the internal network (loopback, private "
                                             "or link-local addresses)"))
    outbox_max_attempts = IntegerField(_l("Set a message aside after this many failed attempts"),
                                       validators=[Optional(), NumberRange(min=1, max=100)])
    token_idle_days = IntegerField(_l("API tokens end after this many days without use"),
                                   validators=[Optional(), NumberRange(min=1, max=365)])
    token_max_days = IntegerField(_l("API tokens end this many days after issue at the latest"),
                                  validators=[Optional(), NumberRange(min=1, max=3650)])
    remember_days = IntegerField(_l("A login that asked to be remembered on a phone ends after this many days"),
                                 validators=[Optional(), NumberRange(min=1, max=REMEMBER_MAX_DAYS)])

    # Major hazard installations: 包保 duty-check frequencies (regulations §8.4, see settings.py) and reminders.
    duty_frequency_principal = SelectField(_l("Principal's duty checks"), choices=DUTY_FREQUENCIES)
    duty_frequency_technical = SelectField(_l("Technical lead's duty checks"), choices=DUTY_FREQUENCIES)
    duty_frequency_operations = SelectField(_l("Operations lead's duty checks"), choices=DUTY_FREQUENCIES)
    duty_reminder_days = IntegerField(_l("Remind a responsible person this many days before a duty check is due"),
                                      validators=[Optional(), NumberRange(min=0, max=60)])
    plan_reminder_days = IntegerField(_l("Remind an inspector this many days before a plan task's period ends"),
                                      validators=[Optional(), NumberRange(min=0, max=60)])
    assessment_reminder_days_first = IntegerField(
        _l("First reminder this many days before an installation's assessment is due"),
        validators=[Optional(), NumberRange(min=1, max=365)])
    assessment_reminder_days_second = IntegerField(
        _l("Second reminder this many days before an installation's assessment is due"),
        validators=[Optional(), NumberRange(min=1, max=365)])

    KEYS = ("office_name", "park_name", "notice_prefix", "notice_order_basis", "reconsideration_body",
            "litigation_court", "notice_liability_sentence", "notice_copies_note", "due_soon_days",
            "escalation_days", "review_backlog_days", "smtp_host", "smtp_port", "smtp_tls", "smtp_user",
            "smtp_password", "smtp_sender", "webhook_url",
            "webhook_allow_internal", "token_idle_days", "token_max_days", "remember_days", "duty_frequency_principal",
            "duty_frequency_technical", "duty_frequency_operations", "duty_reminder_days",
            "assessment_reminder_days_first", "assessment_reminder_days_second", "plan_reminder_days")

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        url = (self.webhook_url.data or "").strip()
        if url and not self.webhook_url.errors:
            try:
                webhook_target.check_url(url, allow_internal=bool(self.webhook_allow_internal.data))
            except webhook_target.TargetRefused as exc:
                # A name that does not resolve just now must not block saving the other settings
                # when the address itself is unchanged (delivery checks it again anyway).
                if not (exc.transient and url == (self.webhook_url.object_data or "").strip()):
                    self.webhook_url.errors = list(self.webhook_url.errors) + [exc.message]
                    ok = False
        return ok

    def values(self):
        out = {}
        for key in self.KEYS:
            value = getattr(self, key).data
            out[key] = value.strip() if isinstance(value, str) and key != "smtp_password" else value
        if not out["notice_order_basis"]:  # the order always states its basis: empty restores the default
            out["notice_order_basis"] = settings.DEFAULTS["notice_order_basis"]
        out["smtp_tls"] = bool(out["smtp_tls"])
        out["webhook_allow_internal"] = bool(out["webhook_allow_internal"])
        if self.outbox_max_attempts.data is not None:  # left empty: keep the current value
            out["outbox_max_attempts"] = self.outbox_max_attempts.data
        if self.statistics_reminder_days.data is not None:  # left empty: keep the current value
            out["statistics_reminder_days"] = self.statistics_reminder_days.data
        # left empty: unchanged
        for key in ("token_idle_days", "token_max_days", "remember_days", "review_backlog_days", "duty_reminder_days",
                    "assessment_reminder_days_first", "assessment_reminder_days_second", "plan_reminder_days"):
            if out[key] is None:
                del out[key]
        return out
