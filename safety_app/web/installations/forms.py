from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, FieldList, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from ...installations import FIELD_LABELS, SUBSTANCE_LABELS
from ...validation import DateInWindow

EMPTY_LINES = 3


class SubstanceForm(Form):
    """One substance line; the rules live in ``installations.validate_substance``."""

    name = StringField(SUBSTANCE_LABELS["name"])
    cas = StringField(SUBSTANCE_LABELS["cas"])
    max_quantity = StringField(SUBSTANCE_LABELS["max_quantity"])
    critical_quantity = StringField(SUBSTANCE_LABELS["critical_quantity"])
    beta = StringField(SUBSTANCE_LABELS["beta"], default="1")


class InstallationForm(FlaskForm):
    """The fields of one installation; the rules live in ``installations.validate``."""

    code = StringField(FIELD_LABELS["code"])
    name = StringField(FIELD_LABELS["name"])
    kind = SelectField(FIELD_LABELS["kind"], choices=[("production", _l("Production unit")),
                                                       ("storage", _l("Storage unit"))], validate_choice=False)
    location = StringField(FIELD_LABELS["location"])
    people_within_500m = StringField(FIELD_LABELS["people_within_500m"], default="0")
    assessed_on = DateField(FIELD_LABELS["assessed_on"], validators=[Optional(), DateInWindow()])
    validity_years = StringField(FIELD_LABELS["validity_years"], default="3")
    filed_on = DateField(FIELD_LABELS["filed_on"], validators=[Optional(), DateInWindow()])
    filing_no = StringField(FIELD_LABELS["filing_no"])
    principal_id = SelectField(FIELD_LABELS["principal_id"], validate_choice=False)
    technical_id = SelectField(FIELD_LABELS["technical_id"], validate_choice=False)
    operations_id = SelectField(FIELD_LABELS["operations_id"], validate_choice=False)
    substances = FieldList(FormField(SubstanceForm), min_entries=1, max_entries=50)

    def set_people(self, users):
        choices = [("", _l("— not named yet —"))] + [
            (str(u.id), f"{u.name} · {u.phone}" if u.phone else f"{u.name} ({_l('no phone')})") for u in users]
        for name in ("principal_id", "technical_id", "operations_id"):
            getattr(self, name).choices = choices

    def data_for_core(self):
        data = {name: getattr(self, name).data for name in (
            "code", "name", "kind", "location", "people_within_500m", "assessed_on", "validity_years",
            "filed_on", "filing_no", "principal_id", "technical_id", "operations_id")}
        data["substances"] = [entry.data for entry in self.substances]
        return data

    def attach(self, errors):
        """Put the core's messages beside their fields (``substances.N.field`` on the line)."""
        rest = []
        for name, message in errors.items():
            if name.startswith("substances."):
                _s, index, field_name = name.split(".")
                getattr(self.substances[int(index)].form, field_name).errors.append(message)
            elif hasattr(self, name) and name != "substances":
                getattr(self, name).errors = list(getattr(self, name).errors) + [message]
            else:
                rest.append(message)
        return rest


class ReportForm(FlaskForm):
    file = FileField(_l("Assessment report (PDF)"), validators=[FileRequired(message=_l("Choose a PDF file."))])


class WriteOffForm(FlaskForm):
    written_off_on = DateField(_l("Written off on"), validators=[Optional(), DateInWindow()])


class DutyCheckForm(FlaskForm):
    role = SelectField(_l("As"), validate_choice=False)
    checked_on = DateField(_l("Date of the check"), validators=[Optional(), DateInWindow()])
    scope = TextAreaField(_l("What was checked"))
    findings = TextAreaField(_l("Findings"))
    file_hazard = BooleanField(_l("File a hazard from the findings"))
    hazard_title = StringField(_l("Hazard title"))
    hazard_category = SelectField(_l("Category"), validate_choice=False)
    hazard_deadline = DateField(_l("Rectification deadline"), validators=[Optional(), DateInWindow()])


class ImportForm(FlaskForm):
    file = FileField(_l("Spreadsheet (.xlsx or .csv)"),
                     validators=[FileRequired(message=_l("Choose a file to import."))])
