"""Filing a hazard from a phone form (the inspector's on-site form and the enterprise's self-inspection form):
once per the form's client key, with its photos, in one transaction (``idempotency.create_once``)."""
from flask import flash, request
from flask_babel import gettext as _
from flask_login import current_user

from .. import criteria, idempotency, installations, lifecycle, uploads
from ..extensions import db
from ..models import AttachmentKind, Hazard


def earlier_filing(form):
    """The hazard this form's ``client_key`` already filed (a replay: checked before the form, whose
    date rules may have moved on since), flashed; None for a new or malformed key."""
    try:
        hazard_id = idempotency.replayed(current_user, idempotency.clean_key(form.client_key.data), "hazard")
    except lifecycle.LifecycleError:
        return None  # the form's validation says what is wrong
    if hazard_id is None:
        return None
    hazard = db.session.get(Hazard, hazard_id)
    flash_already_filed(hazard)
    return hazard


def flash_already_filed(hazard):
    flash(_("Hazard %(code)s was already filed; nothing was filed twice.", code=hazard.code), "success")


def error_beside(form, error):
    """A refusal shown beside the field it names, or flashed when the form has no such field."""
    target = form[error.field] if error.field in form._fields else None
    if target is None:
        flash(str(error.message), "error")
    else:
        target.errors = list(target.errors) + [str(error.message)]


def file_from_form(form, **fields):
    """File the validated ``form``'s hazard (``fields``: what differs between the forms — enterprise,
    inspection or source, deadline, …). Returns ``(hazard, created, None)``; when the core refuses,
    ``(None, False, status)`` with the refusal beside its field, nothing written and no photo left behind.
    The coordinates (hidden fields, recorded on tap) go to the core as text; it checks them."""
    stored = []

    def create():
        installation = installations.chosen(form.installation.data, current_user)
        photos = uploads.check_all(request.files.getlist(form.photos.name))
        hazard = lifecycle.file_hazard(
            current_user, title=form.title.data, category=form.category.data,
            criterion=criteria.parse_form_value(form.criterion.data), major_ground=form.major_ground.data or None,
            major_reason=form.major_reason.data or "", description=form.description.data,
            location=form.location.data, legal_basis=form.legal_basis.data,
            responsible_user=form.responsible_user_id.data or None, installation=installation,
            latitude=form.latitude.data, longitude=form.longitude.data,
            location_accuracy_m=form.location_accuracy_m.data, commit=False, **fields)
        if photos:
            stored.extend(uploads.save_to_hazard(hazard, current_user, photos, AttachmentKind.PHOTO, commit=False))
        return hazard

    try:
        key = idempotency.clean_key(form.client_key.data)
        hazard_id, created = idempotency.create_once(current_user, key, request.endpoint, "hazard", create)
    except lifecycle.LifecycleError as error:
        db.session.rollback()
        uploads.discard(stored)
        if isinstance(error, uploads.UploadError):
            form.photos.errors = [str(error.message)]
        else:
            error_beside(form, error)
        return None, False, error.status
    except BaseException:
        uploads.discard(stored)
        raise
    hazard = db.session.get(Hazard, hazard_id)
    if not created:
        flash_already_filed(hazard)
    return hazard, created, None
