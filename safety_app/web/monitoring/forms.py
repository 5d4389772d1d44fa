"""Forms of the alarm loop."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from ... import reference
from ...monitoring import points
from ...monitoring.loop import MAX_TEXT, POINT_KIND_LABELS
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


class PointForm(FlaskForm):
    """One measurement point; the rules live in ``monitoring.points.validate`` (shared with the API)."""

    tag = StringField(points.FIELD_LABELS["tag"])
    name = StringField(points.FIELD_LABELS["name"])
    kind = SelectField(points.FIELD_LABELS["kind"], validate_choice=False)
    unit = StringField(points.FIELD_LABELS["unit"])
    ll = StringField(points.FIELD_LABELS["ll"])
    l = StringField(points.FIELD_LABELS["l"])  # noqa: E741 — the limit's name
    h = StringField(points.FIELD_LABELS["h"])
    hh = StringField(points.FIELD_LABELS["hh"])
    deadband = StringField(points.FIELD_LABELS["deadband"])
    silence_minutes = StringField(points.FIELD_LABELS["silence_minutes"], default="10")
    active = BooleanField(points.FIELD_LABELS["active"], default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k, POINT_KIND_LABELS[k]) for k in points.KINDS]

    def data_for_core(self):
        return {name: getattr(self, name).data for name in points.FIELDS}

    def attach(self, errors):
        """Put the core's messages beside their fields; the rest are returned for the page's top."""
        rest = []
        for name, message in errors.items():
            if name in points.FIELDS:
                getattr(self, name).errors = list(getattr(self, name).errors) + [message]
            else:
                rest.append(message)
        return rest

    @staticmethod
    def initial(point):
        """The form's values from a stored point (numbers without a trailing .0)."""
        data = points.current_values(point)
        for name in ("ll", "l", "h", "hh", "deadband"):
            data[name] = "" if data[name] is None else format(data[name], ".15g")
        data["silence_minutes"] = str(data["silence_minutes"])
        return data
