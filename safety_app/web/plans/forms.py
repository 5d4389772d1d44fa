"""Forms of inspection plans and campaigns (the scope fields are shared)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ... import reference
from ...validation import DateInWindow
from ..inspections.forms import CheckboxesField

SCOPE_CHOICES = (("all", _l("All enterprises of the park")), ("industry", _l("An industry")),
                 ("zone", _l("A zone")), ("level", _l("A major hazard installation level")),
                 ("list", _l("Chosen enterprises")))
LEVEL_CHOICES = (("any", _l("Any major hazard installation")), ("level1", _l("Level 1")),
                 ("level2", _l("Level 2")), ("level3", _l("Level 3")), ("level4", _l("Level 4")))
FREQUENCY_CHOICES = (("month", _l("Monthly")), ("quarter", _l("Quarterly")), ("half", _l("Half-yearly")),
                     ("year", _l("Yearly")))


class ScopeFields(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    scope_kind = SelectField(_l("Which enterprises"), choices=SCOPE_CHOICES, validators=[InputRequired()])
    scope_value = StringField(_l("Industry or zone (as registered)"), validators=[Optional(), Length(max=100)])
    level = SelectField(_l("Installation level"), choices=LEVEL_CHOICES, validators=[Optional()])
    enterprises = CheckboxesField(_l("Enterprises"), coerce=int, validators=[Optional()])
    starts_on = DateField(_l("From"), validators=[InputRequired(), DateInWindow()])
    ends_on = DateField(_l("To"), validators=[InputRequired(), DateInWindow()])

    def fill_enterprises(self, enterprises):
        self.enterprises.choices = [(e.id, e.name) for e in enterprises]

    def scope_value_data(self):
        return self.level.data if self.scope_kind.data == "level" else self.scope_value.data


class PlanForm(ScopeFields):
    inspection_type = SelectField(_l("Type of inspection"), validators=[Optional()])
    frequency = SelectField(_l("Frequency"), choices=FREQUENCY_CHOICES, validators=[InputRequired()])
    inspectors = CheckboxesField(_l("Assigned inspectors"), coerce=int, validators=[Optional()])
    draw_size = IntegerField(_l("Random draw (双随机): enterprises per period (empty: all of the scope)"),
                             validators=[Optional(), NumberRange(min=1, max=1000)])

    def fill(self, enterprises, inspectors):
        self.fill_enterprises(enterprises)
        self.inspection_type.choices = [("", _l("Any type"))] + [
            (t.code, t.label()) for t in reference.inspection_types()]
        self.inspectors.choices = [(u.id, u.name) for u in inspectors]


class CampaignForm(ScopeFields):
    categories = CheckboxesField(_l("Focus: hazard categories"), validators=[Optional()])
    criteria = CheckboxesField(_l("Focus: major-hazard criteria"), validators=[Optional()])
    target_percent = IntegerField(_l("Coverage target (%)"), default=100,
                                  validators=[InputRequired(), NumberRange(min=0, max=100)])

    def fill(self, enterprises, criteria_rows):
        from ... import criteria

        self.fill_enterprises(enterprises)
        self.categories.choices = [(c.code, c.label()) for c in reference.categories()]
        self.criteria.choices = [(criteria.checklist_code(c.set_code, c.clause), f"{c.clause}") for c in criteria_rows]
