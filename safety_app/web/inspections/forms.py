"""Forms for inspections and for filing a hazard on site."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ... import criteria, reference
from ...lifecycle import MAX_TEXT
from ...validation import DateInWindow
from ..officers_field import OfficersField


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InspectionForm(FlaskForm):
    # Nothing preselected: the first option asks for a choice (0 is refused); a text filter over the
    # options (static/js/select-filter.js) helps with hundreds of enterprises.
    enterprise_id = SelectField(_l("Enterprise"), coerce=int,
                                validators=[InputRequired(), NumberRange(min=1, message=_l("Choose an enterprise."))],
                                render_kw={"data-filterable": "1",
                                           "data-filter-placeholder": _l("Type to find an enterprise")})
    inspection_type = SelectField(_l("Type of inspection"), validators=[InputRequired()])
    inspected_on = DateField(_l("Inspection date"), validators=[InputRequired(), DateInWindow()])
    inspectors = CheckboxesField(_l("Inspectors"), coerce=int, validators=[Optional()])
    checklist = CheckboxesField(_l("Checklist sections to look at"), validators=[Optional()])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=MAX_TEXT)])
    campaign = SelectField(_l("Campaign (专项整治行动)"), coerce=int, validators=[Optional()], default=0)

    def fill_campaigns(self, campaigns):
        self.campaign.choices = [(0, _l("None"))] + [(c.id, c.name) for c in campaigns]

    def fill_choices(self, enterprises, inspectors):
        self.enterprise_id.choices = [(0, _l("— choose an enterprise —"))] + [(e.id, e.name) for e in enterprises]
        self.inspection_type.choices = [(t.code, t.label()) for t in reference.inspection_types()]
        self.inspectors.choices = [(u.id, u.name) for u in inspectors]
        self.checklist.choices = [(c.code, c.label()) for c in reference.categories()]


class ChecklistForm(FlaskForm):
    checklist = CheckboxesField(_l("Looked at"), validators=[Optional()])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=MAX_TEXT)])

    def fill_choices(self, criteria_set_code=None):
        """Categories, and the criteria of the set in force on the inspection day (``criteria_set_code``)."""
        self.checklist.choices = [(c.code, c.label()) for c in reference.categories()] + [
            (criteria.checklist_code(c.set_code, c.clause), c.clause)
            for c in (criteria.clauses(criteria_set_code) if criteria_set_code else ())
        ]


class ResultForm(FlaskForm):
    """One tap on the checklist: the item and its result (checked by the inspections core)."""

    item = StringField(validators=[DataRequired(), Length(max=80)])
    result = StringField(validators=[DataRequired(), Length(max=20)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    client_key = HiddenField(validators=[Optional(), Length(max=64)])  # one per tap (the offline outbox)


class CompleteForm(FlaskForm):
    """The completion on site: summary, the enterprise's representative and their signature, the officers."""

    summary = TextAreaField(_l("Summary of the inspection"), validators=[Optional(), Length(max=MAX_TEXT)])
    representative = StringField(_l("Enterprise representative present"),
                                 validators=[DataRequired(), Length(max=100)])
    # The signature drawn in the box (static/js/signature.js) as a PNG data URL; without JavaScript,
    # a PNG file (a photo of a signature on paper, or a drawing) can be chosen instead.
    signature = HiddenField(validators=[Optional(), Length(max=420_000)])
    signature_file = FileField(_l("Or choose the signature as a PNG file"))
    inspector_signature = HiddenField(validators=[Optional(), Length(max=420_000)])
    officers = OfficersField()
    confirm_unanswered = BooleanField(_l("Complete although some items have no result"))


DEADLINE_PRESETS = (("0", _l("Immediately")), ("7", _l("7 days")), ("15", _l("15 days")),
                    ("30", _l("30 days")), ("date", _l("Pick a date")))


class HazardForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    category = SelectField(_l("Category"), validators=[InputRequired()])
    # Rendered as a filterable radio list of the set in force (templates/inspections/_criterion_picker.html);
    # the value is "SET:CLAUSE", checked by lifecycle.file_hazard against the set in force on found-on.
    criterion = StringField(_l("Major-hazard criterion (ticking one makes it a major hazard)"),
                            validators=[Optional(), Length(max=80)])
    major_ground = SelectField(_l("Or major by judgment: ground (16号令 Art. 3)"), validators=[Optional()])
    major_reason = TextAreaField(_l("Why it is major (required with a ground)"),
                                 validators=[Optional(), Length(max=MAX_TEXT)])
    location = StringField(_l("Location (unit / part)"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=MAX_TEXT)])
    photos = MultipleFileField(_l("Photos"))
    # A random key per filing (safety_app/idempotency.py): the same form sent twice files once.
    client_key = HiddenField(validators=[Optional(), Length(max=64)])
    # Where it was found, filled by static/js/geo.js only when the user taps "记录位置" (consent), removable;
    # checked by lifecycle.file_hazard (ranges, all or none). Shown by templates/inspections/_geo.html.
    latitude = HiddenField(validators=[Optional(), Length(max=40)])
    longitude = HiddenField(validators=[Optional(), Length(max=40)])
    location_accuracy_m = HiddenField(validators=[Optional(), Length(max=40)])
    deadline_preset = RadioField(_l("Deadline"), choices=DEADLINE_PRESETS, default="7",
                                 validators=[InputRequired()])
    deadline = DateField(_l("Deadline date"), validators=[Optional(), DateInWindow()])
    legal_basis = TextAreaField(_l("Legal basis"), validators=[Optional(), Length(max=MAX_TEXT)])
    responsible_person = StringField(_l("Responsible person at the enterprise"),
                                     validators=[Optional(), Length(max=100)])
    # An active user of the enterprise (checked by lifecycle.file_hazard); the name above is filled from it.
    responsible_user_id = SelectField(_l("Responsible person (a user of the enterprise)"), validators=[Optional()],
                                      validate_choice=False)

    def fill_people(self, users):
        self.responsible_user_id.choices = [("", _l("— choose —"))] + [(str(u.id), u.name) for u in users]
    installation = SelectField(_l("Major hazard installation concerned"), validators=[Optional()],
                               validate_choice=False)  # the core checks it belongs to the enterprise

    def fill_installations(self, installations):
        self.installation.choices = [("", _l("None"))] + [(str(i.id), f"{i.code} {i.name}") for i in installations]

    def fill_choices(self):
        self.category.choices = [("", _l("— choose —"))] + [(c.code, c.label()) for c in reference.categories()]
        self.major_ground.choices = [("", _l("None"))] + [(g.code, g.label()) for g in reference.major_grounds()]

    def validate_category(self, field):
        if not field.data:
            raise ValidationError(_l("Choose a category."))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        # Optional() ends the date's own checks when it is empty, so the preset is checked here.
        if self.deadline_preset.data == "date" and self.deadline.data is None and not self.deadline.errors:
            self.deadline.errors = list(self.deadline.errors) + [_l("Choose the deadline date.")]
            ok = False
        return ok

    def deadline_date(self, today):
        from datetime import timedelta

        if self.deadline_preset.data == "date":
            return self.deadline.data
        return today + timedelta(days=int(self.deadline_preset.data))
