"""Forms of the hazard page. Each carries the hazard version the user saw."""
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    MultipleFileField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, StopValidation
from wtforms.widgets import CheckboxInput

from ... import labels, reference
from ...extensions import db
from ...lifecycle import MAX_TEXT
from ...models import HazardLevel, Role, User
from ...validation import DateInWindow
from ..widgets import CheckboxList


class VersionedForm(FlaskForm):
    version = HiddenField()


class SubmitForm(VersionedForm):
    note = TextAreaField(_l("What was done (rectification description)"),
                         validators=[DataRequired(), Length(max=MAX_TEXT)])


class ReasonForm(VersionedForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=MAX_TEXT)])


class CommentForm(VersionedForm):
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=MAX_TEXT)])


class AtLeastOne:
    """A multiple choice needs one ticked box (no ``required`` flag: that would demand every box)."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if not field.data:
            raise StopValidation(self.message)


class InspectorsPresentField(SelectMultipleField):
    """Checkboxes of the active staff; values are user ids (the current user ticked on a fresh form)."""

    widget = CheckboxList()
    option_widget = CheckboxInput()

    def __init__(self, label=_l("Inspectors present"), **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("render_kw", {"class": "choices"})
        kwargs.setdefault("validators", [AtLeastOne(_l("Name at least one inspector who was present."))])
        super().__init__(label, **kwargs)

    def load_choices(self, fresh, choices=None):
        self.choices = staff_choices() if choices is None else choices
        if fresh:
            self.data = [current_user.id]


def staff_choices():
    """(id, name) of the active inspectors and administrators."""
    staff = db.session.scalars(select(User).where(
        User.active.is_(True), User.role.in_((Role.INSPECTOR.value, Role.ADMIN.value)))
        .order_by(User.display_name, User.username))
    return [(u.id, u.name) for u in staff]


def fresh_finding_form(action, hazard, choices):
    """An empty verify / reject form for ``hazard`` (the re-inspection queue shows one per hazard)."""
    from ...clock import today

    form = ACTION_FORMS[action](prefix=action, formdata=None)
    form.version.data = hazard.version
    form.reinspected_on.data = today()
    form.inspectors.load_choices(True, choices)
    return form


class FindingForm(VersionedForm):
    """A re-inspection finding: the result is the button (verify 合格, reject 不合格)."""

    reinspected_on = DateField(_l("Date of the re-inspection"), validators=[InputRequired(), DateInWindow()])
    inspectors = InspectorsPresentField()


class VerifyForm(FindingForm):
    summary = _l("Verify: passed (合格)")
    opinion = TextAreaField(_l("Opinion of the re-inspection"), validators=[DataRequired(), Length(max=MAX_TEXT)],
                            description=_l("What you found on site; printed on the re-inspection opinion."))


class RejectForm(FindingForm):
    summary = _l("Reject: failed (不合格)")
    reason = TextAreaField(_l("Re-inspection opinion (what is still wrong)"),
                           validators=[DataRequired(), Length(max=MAX_TEXT)],
                           description=_l("The enterprise sees it; printed on the re-inspection opinion."))


class ExtensionForm(VersionedForm):
    new_deadline = DateField(_l("New deadline"), validators=[InputRequired(), DateInWindow()])
    reason = TextAreaField(_l("Reason for the extension"), validators=[DataRequired(), Length(max=MAX_TEXT)])


def ground_choices():
    return [("", _l("— choose —"))] + [(g.code, g.label()) for g in reference.major_grounds()]


class ReclassifyMajorForm(VersionedForm):
    """general → major: a ground of 16号令 Art. 3 and the reason."""

    summary = _l("Reclassify as a major hazard")
    level = HiddenField(default=HazardLevel.MAJOR.value)
    major_ground = SelectField(_l("Ground (16号令 Art. 3)"), validators=[Optional()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=MAX_TEXT)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.major_ground.choices = ground_choices()


class ReclassifyGeneralForm(VersionedForm):
    summary = _l("Reclassify as a general hazard")
    level = HiddenField(default=HazardLevel.GENERAL.value)
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=MAX_TEXT)])


class AcceptanceForm(VersionedForm):
    """验收销号 of a verified major hazard (the admin's close)."""

    acceptance_opinion = TextAreaField(_l("Acceptance opinion"), validators=[DataRequired(), Length(max=MAX_TEXT)])
    accepted_on = DateField(_l("Acceptance date"), validators=[InputRequired()])
    accepted_by = StringField(_l("Accepted by (names)"), validators=[DataRequired(), Length(max=300)],
                              description=_l("Everyone who took part, including outside experts; "
                                             "separate the names with commas."))


class SelfAcceptForm(VersionedForm):
    """企业验收 of a general hazard the enterprise found itself (by another user than the rectifier)."""

    summary = _l("Accept inside the enterprise (整改人 ≠ 验收人)")
    opinion = TextAreaField(_l("Acceptance opinion"), validators=[DataRequired(), Length(max=MAX_TEXT)],
                            description=_l("What you checked on site; you must not be the one who rectified it."))
    accepted_on = DateField(_l("Acceptance date"), validators=[InputRequired(), DateInWindow()])


SUPERVISION_LEVELS = list(labels.SUPERVISION_LEVEL.items())
SUSPENSION_KINDS = list(labels.SUSPENSION_KIND.items())


class ListSupervisionForm(VersionedForm):
    """挂牌督办 (admin)."""

    authority = StringField(_l("Supervising authority"), validators=[DataRequired(), Length(max=200)])
    supervision_level = SelectField(_l("Level"), choices=SUPERVISION_LEVELS, validators=[DataRequired()])
    document_no = StringField(_l("Document number"), validators=[DataRequired(), Length(max=100)])
    listed_on = DateField(_l("Listed on"), validators=[InputRequired()])
    required_by = DateField(_l("Required completion date"), validators=[InputRequired()])


class LiftSupervisionForm(VersionedForm):
    """摘牌 (admin, after close-out)."""

    lifted_on = DateField(_l("Lifted on"), validators=[InputRequired()])
    lift_document_no = StringField(_l("Document number"), validators=[DataRequired(), Length(max=100)])


class SuspensionForm(VersionedForm):
    """停产停业 or equipment out of use (staff)."""

    kind = SelectField(_l("Kind"), choices=SUSPENSION_KINDS, validators=[DataRequired()])
    area = StringField(_l("Area, unit or equipment"), validators=[DataRequired(), Length(max=200)])
    starts_on = DateField(_l("From"), validators=[InputRequired()])
    ends_on = DateField(_l("Until (leave empty if not known yet)"), validators=[Optional()])


class EndSuspensionForm(VersionedForm):
    suspension_id = SelectField(_l("Suspension"), coerce=int, validate_choice=False)
    ends_on = DateField(_l("Ended on"), validators=[InputRequired()])


def prepare_form(form, hazard, fresh):
    """Per-hazard choices and today's date as the default of a fresh form."""
    from ...clock import today

    if isinstance(form, EndSuspensionForm):
        kinds = dict(SUSPENSION_KINDS)
        form.suspension_id.choices = [
            (s.id, f"{kinds.get(s.kind, s.kind)} · {s.area} · {s.starts_on.isoformat()}")
            for s in hazard.suspensions if s.ends_on is None]
    if isinstance(form, FindingForm):
        form.inspectors.load_choices(fresh)
    if fresh:
        for name in ("reinspected_on", "accepted_on", "listed_on", "lifted_on", "starts_on", "ends_on"):
            if name in form._fields and not (isinstance(form, SuspensionForm) and name == "ends_on"):
                form[name].data = today()


ACTION_FORMS = {
    "acknowledge": VersionedForm,
    "submit": SubmitForm,
    "reject": RejectForm,
    "verify": VerifyForm,
    "close": AcceptanceForm,
    "accept": SelfAcceptForm,
    "reclassify": ReclassifyMajorForm,
    "withdraw": ReasonForm,
    "request_extension": ExtensionForm,
    "approve_extension": CommentForm,
    "refuse_extension": CommentForm,
    "list_supervision": ListSupervisionForm,
    "lift_supervision": LiftSupervisionForm,
    "record_suspension": SuspensionForm,
    "end_suspension": EndSuspensionForm,
}


def form_class(action, hazard):
    """The form of ``action`` on ``hazard`` (reclassify depends on the current level)."""
    if action == "reclassify" and hazard.level == HazardLevel.MAJOR:
        return ReclassifyGeneralForm
    return ACTION_FORMS[action]


def action_data(form):
    """The data a lifecycle action takes, from its form."""
    return {name: field.data for name, field in form._fields.items() if name not in ("version", "csrf_token")}


class MeasureForm(VersionedForm):
    description = TextAreaField(_l("What will be done"), validators=[DataRequired(), Length(max=MAX_TEXT)])
    responsible_user_id = SelectField(_l("Responsible person (a user of the enterprise)"), validators=[Optional()],
                                      validate_choice=False)  # the core checks the enterprise
    responsible_person = StringField(_l("Responsible person (name, if not a user)"),
                                     validators=[Optional(), Length(max=100)])
    funds = DecimalField(_l("Funds (yuan)"), places=2, validators=[Optional(), NumberRange(min=0)])
    deadline = DateField(_l("Deadline"), validators=[Optional(), DateInWindow()])
    interim_precautions = TextAreaField(_l("Interim safety precautions"),
                                        validators=[Optional(), Length(max=MAX_TEXT)])
    done_on = DateField(_l("Done on (leave empty while not done)"), validators=[Optional(), DateInWindow()])
    evidence_note = TextAreaField(_l("Evidence / remarks"), validators=[Optional(), Length(max=MAX_TEXT)])
    client_key = HiddenField(validators=[Optional(), Length(max=64)])  # one per form view: saved once

    FIELDS = ("description", "responsible_person", "responsible_user_id", "funds", "deadline", "interim_precautions", "done_on",
              "evidence_note")

    def values(self):
        values = {name: getattr(self, name).data for name in self.FIELDS}
        values["responsible_user_id"] = values["responsible_user_id"] or None
        return values

    def fill_people(self, users):
        self.responsible_user_id.choices = [("", _l("— choose —"))] + [(str(u.id), u.name) for u in users]


def _plan_field(label, hint):
    # A plan may be saved half-done; acknowledging a major hazard needs all six.
    return TextAreaField(label, validators=[Optional(), Length(max=MAX_TEXT)], description=hint)


class PlanForm(VersionedForm):
    """The six elements of a governance plan (事故隐患排查治理暂行规定 §2)."""

    goal = _plan_field(_l("1. Goal and tasks"), _l("What the rectification must achieve."))
    methods = _plan_field(_l("2. Methods and measures"), _l("How it will be done."))
    funds_materials = _plan_field(_l("3. Funds and materials"), _l("Money and materials, and who provides them."))
    organisation = _plan_field(_l("4. Responsible organisation and persons"), _l("Who leads and who carries out."))
    timeline = _plan_field(_l("5. Deadline and requirements"), _l("By when, and to what standard."))
    safety_emergency = _plan_field(_l("6. Safety measures and emergency plan"),
                                   _l("Interim precautions until it is fixed, and the emergency plan."))

    def values(self):
        from ...models import GovernancePlan

        return {name: getattr(self, name).data for name in GovernancePlan.ELEMENTS}


class UploadForm(VersionedForm):
    files = MultipleFileField(_l("Photos or files"))
    kind = HiddenField()  # "assessment" for the assessment of a major hazard's governance result
    client_key = HiddenField(validators=[Optional(), Length(max=64)])  # one per form view: uploaded once


class CorrectionForm(VersionedForm):
    """The inspector who filed a hazard (or an admin) corrects its descriptive fields."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    category = SelectField(_l("Category"), validators=[DataRequired()])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=MAX_TEXT)])
    deadline = DateField(_l("Deadline"), validators=[InputRequired(), DateInWindow()])
    reason = TextAreaField(_l("Reason for the correction"), validators=[Optional(), Length(max=MAX_TEXT)],
                           description=_l("Required for a new deadline once the enterprise has acknowledged."))

    def fill(self, hazard, fresh):
        self.category.choices = [(c.code, c.label()) for c in reference.categories()]
        if fresh:
            for name in ("title", "category", "location", "description", "deadline"):
                getattr(self, name).data = getattr(hazard, name)
            self.version.data = hazard.version
        return self
