"""Forms of the alarm loop."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from ... import reference
from ...monitoring.loop import MAX_TEXT
from ...validation import DateInWindow


class EmptyForm(FlaskForm):
    """Acknowledge and close carry only the CSRF token."""


class RecordForm(FlaskForm):
    cause = TextAreaField(_l("Cause"), validators=[DataRequired(), Length(max=MAX_TEXT)])
    action = TextAreaField(_l("Action taken"), validators=[DataRequired(), Length(max=MAX_TEXT)])


class HazardForm(FlaskForm):
    title = StringField(_l("Hazard title"), validators=[DataRequired(), Length(max=200)])
    category = SelectField(_l("Category"), validators=[InputRequired()])
    deadline = DateField(_l("Deadline"), validators=[InputRequired(), DateInWindow()])
    description = TextAreaField(_l("Description"), validators=[Length(max=MAX_TEXT)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [(c.code, c.label()) for c in reference.categories()]
