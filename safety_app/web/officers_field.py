"""The officers picker of every enforcement-document form (tick at least two)."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput

from ..documents import officers
from .widgets import CheckboxList


class OfficersField(SelectMultipleField):
    """Checkboxes of the active staff with a certificate number; values are user ids."""

    widget = CheckboxList()
    option_widget = CheckboxInput()

    def __init__(self, label=_l("Officers (at least two)"), **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("validate_choice", True)
        super().__init__(label, **kwargs)

    def load_choices(self, preselect=()):
        """Fill the choices; ``preselect`` (user ids) are ticked when the form was not posted."""
        self.choices = [(u.id, f"{u.name}（{_l('certificate')} {u.certificate_no}）") for u in officers.eligible()]
        if not self.data:
            known = {value for value, _label in self.choices}
            self.data = [uid for uid in preselect if uid in known]
