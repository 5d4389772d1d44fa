import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from ...documents.service import DocumentError, month_as_of, quarter_as_of
from ...validation import date_out_of_window
from ..officers_field import OfficersField

KINDS = [("monthly", _l("Monthly safety report")), ("quarterly", _l("Quarterly statistics table"))]
KEY_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"


class BuildReportForm(FlaskForm):
    """Staff build a monthly or quarterly report for the park or one enterprise."""

    kind = SelectField(_l("Report"), choices=KINDS, validators=[DataRequired()])
    period = StringField(_l("Period"), validators=[DataRequired(), Length(max=7)],
                         description=_l("Month as 2026-10, or quarter as 2026Q3"))
    enterprise = SelectField(_l("Scope"), choices=[], validators=[Optional()], validate_choice=True)
    key = HiddenField(validators=[Optional(), Regexp(KEY_PATTERN)])
    submit = SubmitField(_l("Build the report"))

    def validate_period(self, field):
        value = (field.data or "").strip().upper()
        field.data = value
        if self.kind.data == "quarterly":
            if not re.fullmatch(r"\d{4}Q[1-4]", value):
                raise ValidationError(_l("Give the quarter as YYYYQn, e.g. 2026Q3."))
            check = quarter_as_of
        else:
            if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
                raise ValidationError(_l("Give the month as YYYY-MM, e.g. 2026-10."))
            check = month_as_of
        try:
            start, _end, _as_of = check(value)
        except DocumentError as exc:
            raise ValidationError(exc.message) from None
        out_of_window = date_out_of_window(start)
        if out_of_window is not None:
            raise ValidationError(out_of_window)


class ActionForm(FlaskForm):
    """The POST buttons (issue, reissue, opinion): CSRF, where to go back, and a one-click key."""

    next = HiddenField(validators=[Optional(), Length(max=500)])
    key = HiddenField(validators=[Optional(), Regexp(KEY_PATTERN)])


class InspectionRecordForm(ActionForm):
    """现场检查记录: the officers (at least two with certificate numbers) and the enterprise's person present."""

    officers = OfficersField()
    representative = StringField(_l("Enterprise representative present"),
                                 validators=[DataRequired(), Length(max=100)],
                                 description=_l("The name of the enterprise's person who accompanied the inspection"))
    submit = SubmitField(_l("Issue the on-site inspection record"))


class RectificationForm(ActionForm):
    """隐患整改通知书: the issuing department; the issuer is the signed-in user."""

    department = StringField(_l("Issuing department"), validators=[DataRequired(), Length(max=100)])
    submit = SubmitField(_l("Issue the rectification notice"))
