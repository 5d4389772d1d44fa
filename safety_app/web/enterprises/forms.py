from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, StringField, TelField, TextAreaField

from ... import registry

LABELS = {f.name: f.label for f in registry.FIELDS}


class EnterpriseForm(FlaskForm):
    """The fields of one enterprise; the rules live in ``registry.validate``."""

    name = StringField(LABELS["name"])
    credit_code = StringField(LABELS["credit_code"])
    address = TextAreaField(LABELS["address"])
    zone = StringField(LABELS["zone"])
    industry = StringField(LABELS["industry"])
    legal_representative = StringField(LABELS["legal_representative"])
    contact_name = StringField(LABELS["contact_name"])
    contact_phone = TelField(LABELS["contact_phone"])
    contact_email = EmailField(LABELS["contact_email"])
    active = BooleanField(_l("Active (in business, inspected)"), default=True)

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        self.values = None

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        data = {f.name: getattr(self, f.name).data for f in registry.FIELDS}
        self.values, errors = registry.validate(data, current=self.enterprise)
        for name, message in errors.items():
            getattr(self, name).errors.append(message)
        return ok and not errors


class ImportForm(FlaskForm):
    file = FileField(_l("Spreadsheet (.xlsx or .csv)"),
                     validators=[FileRequired(message=_l("Choose a file to import."))])
