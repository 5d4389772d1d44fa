import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput

from ...documents.service import DocumentError, month_as_of
from ...documents.statistics_service import period_bounds
from ...validation import DateInWindow, control_characters_message, date_out_of_window, has_control_characters
from ..hazards.forms import AtLeastOne
from ..officers_field import OfficersField
from ..widgets import CheckboxList

KINDS = [("monthly", _l("Monthly safety report")), ("quarterly", _l("Quarterly statistics table")),
         ("annual", _l("Annual statistics table"))]
STATISTICS_KINDS = KINDS[1:]
KEY_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"


def _check_period(kind, field):
    """Normalise the period and refuse a malformed, future or out-of-window one."""
    value = (field.data or "").strip().upper()
    field.data = value
    if kind == "monthly":
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
            raise ValidationError(_l("Give the month as YYYY-MM, e.g. 2026-10."))
        check = lambda: month_as_of(value)[0]  # noqa: E731
    else:
        check = lambda: period_bounds(kind, value)[0]  # noqa: E731
    try:
        start = check()
    except DocumentError as exc:
        raise ValidationError(exc.message) from None
    out_of_window = date_out_of_window(start)
    if out_of_window is not None:
        raise ValidationError(out_of_window)


class BuildReportForm(FlaskForm):
    """Staff build a monthly report or a statistics table for the park or one enterprise."""

    kind = SelectField(_l("Report"), choices=KINDS, validators=[DataRequired()])
    period = StringField(_l("Period"), validators=[DataRequired(), Length(max=7)],
                         description=_l("Month as 2026-10, quarter as 2026Q3, or year as 2026"))
    enterprise = SelectField(_l("Scope"), choices=[], validators=[Optional()], validate_choice=True)
    key = HiddenField(validators=[Optional(), Regexp(KEY_PATTERN)])
    submit = SubmitField(_l("Build the report"))

    def validate_period(self, field):
        _check_period(self.kind.data, field)


class EnterpriseStatisticsForm(FlaskForm):
    """An enterprise builds its own statistics table, signed by its principal (主要负责人)."""

    kind = SelectField(_l("Table"), choices=STATISTICS_KINDS, validators=[DataRequired()])
    period = StringField(_l("Period"), validators=[DataRequired(), Length(max=7)],
                         description=_l("Quarter as 2026Q3, or year as 2026"))
    signed_by = StringField(_l("Principal (signs the table)"), validators=[Optional(), Length(max=100)],
                            description=_l("Leave empty to print the legal representative on record."))
    key = HiddenField(validators=[Optional(), Regexp(KEY_PATTERN)])
    submit = SubmitField(_l("Build our statistics table"))

    def validate_period(self, field):
        _check_period(self.kind.data, field)

    def validate_signed_by(self, field):
        field.data = " ".join((field.data or "").split())  # one line on the table
        if has_control_characters(field.data):
            raise ValidationError(control_characters_message())


class ActionForm(FlaskForm):
    """The POST buttons (issue, reissue, opinion): CSRF, where to go back, and a one-click key."""

    next = HiddenField(validators=[Optional(), Length(max=500)])
    key = HiddenField(validators=[Optional(), Regexp(KEY_PATTERN)])


class OpinionForm(ActionForm):
    """Issue a re-inspection opinion: the items (only those with a finding since the notice), the
    officers who sign it and whether the enterprise's own account is quoted."""

    items = SelectMultipleField(
        _l("Items on the opinion"), coerce=int, validate_choice=False,
        widget=CheckboxList(), option_widget=CheckboxInput(),
        validators=[AtLeastOne(_l("Choose at least one item with a re-inspection finding."))])
    officers = OfficersField(render_kw={"class": "choices"})
    quote_notes = BooleanField(_l("Quote the enterprise's account, labelled 企业整改情况"))
    submit = SubmitField(_l("Issue the re-inspection opinion"))


class NoticeItemForm(Form):
    """One hazard on the notice's issue form: put it on the notice, and its deadline."""

    hazard_id = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,9}$")])
    include = BooleanField(_l("On the notice"))
    deadline = DateField(_l("Deadline"), validators=[InputRequired(message=_l("Give a deadline.")), DateInWindow()])


class NoticeForm(FlaskForm):
    """The issue form of a rectification notice: the items with their deadlines and the officers who sign."""

    items = FieldList(FormField(NoticeItemForm), min_entries=0, max_entries=500)
    officers = OfficersField()
    next = HiddenField(validators=[Optional(), Length(max=500)])
    key = HiddenField(validators=[Optional(), Regexp(KEY_PATTERN)])
    submit = SubmitField(_l("Issue the notice"))

    def fill(self, hazards):
        """The GET form: every candidate ticked, with its current deadline."""
        while self.items.entries:
            self.items.pop_entry()
        for hazard in hazards:
            self.items.append_entry({"hazard_id": str(hazard.id), "include": True, "deadline": hazard.deadline})

    def chosen(self, candidates):
        """(hazards ticked, {hazard id: deadline given}) from a validated post; ValidationError on a foreign id."""
        by_id = {h.id: h for h in candidates}
        hazards, deadlines = [], {}
        for entry in self.items.entries:
            ident = int(entry.form.hazard_id.data)
            if ident not in by_id:
                raise ValidationError(_l("The form expired or was changed. Reload the page and try again."))
            if entry.form.include.data:
                hazards.append(by_id[ident])
                deadlines[ident] = entry.form.deadline.data
        if not hazards:
            raise ValidationError(_l("Tick at least one hazard to put on the notice."))
        return hazards, deadlines


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
