"""Annotated photos (标注图): a copy of a hazard's photo with arrows and circles drawn on it in the
browser (static/js/annotate.js), stored as a new photo that records the one it annotates. The
original is never changed; the copy is checked by content like any photo (``uploads``)."""
from flask import abort, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ... import lifecycle, uploads
from ...extensions import db
from ...models import Attachment, AttachmentKind
from ...permissions import can
from . import bp
from .routes import _hazard, load_or_404, render_detail


def _wants_json():
    return request.accept_mimetypes.best == "application/json"


def _refused(hazard_id, message, status):
    if _wants_json():
        return jsonify({"error": {"message": message}}), status
    db.session.expire_all()
    flash(message, "error")
    return render_detail(_hazard(hazard_id), status)


@bp.route("/attachments/<int:attachment_id>/annotations", methods=["POST"])
@login_required
def annotate_photo(attachment_id):
    """Save the annotated image (field ``image``) of photo ``attachment_id`` beside it (CSRF: the
    app-wide check of every POST)."""
    original = load_or_404(Attachment, attachment_id)  # another enterprise's photo: 404
    if not can(current_user, "photo.annotate", original):
        abort(403)
    hazard = original.hazard
    try:
        checked = uploads.check_all(request.files.getlist("image"), required=True)
        if len(checked) != 1:
            raise uploads.UploadError(_("Send one annotated image."))
        saved = uploads.save_to_hazard(hazard, current_user, checked, AttachmentKind.PHOTO, annotates=original)[0]
    except lifecycle.LifecycleError as error:
        db.session.rollback()
        return _refused(original.hazard_id, str(error.message), error.status)
    flash(_("The annotated photo was saved beside the original."), "success")
    if _wants_json():
        return jsonify({"id": saved.id, "annotates_id": original.id,
                        "url": url_for("hazards.attachment", attachment_id=saved.id),
                        "hazard_url": url_for("hazards.detail", hazard_id=hazard.id) + "#files"}), 201
    return redirect(url_for("hazards.detail", hazard_id=hazard.id) + "#files")
