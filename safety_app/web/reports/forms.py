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
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from ...documents.service import DocumentError, month_as_of, quarter_as_of
from ...validation import DateInWindow, date_out_of_window
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
