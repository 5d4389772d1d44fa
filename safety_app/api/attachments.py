"""Photos (staff, "before") and evidence (enterprise, "after"): list, upload, download.

Uploads are checked and stored by ``safety_app.uploads`` (type from the content,
size limit, re-encoding) and recorded through ``lifecycle.record_attachment``.
"""
from flask import request
from flask_babel import gettext as _

from .. import lifecycle, uploads
from ..models import Attachment, AttachmentKind, Role
from . import serialize
from .common import invalid, not_found, user, visible_or_404
from .hazards import load
from .spec import operation

UPLOAD_FORM = {
    "type": "object", "required": ["file"], "additionalProperties": False,
    "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": "JPEG, PNG or WebP photo (evidence and assessment may also be a PDF); "
                                "repeat for several."},
        "kind": {"type": "string", "enum": [k.value for k in AttachmentKind],
                 "description": "Default: evidence for an enterprise user, photo for staff. assessment: "
                                "the enterprise's assessment of a major hazard's governance result."},
        "version": {"type": "integer", "description": "The hazard version the client saw; checked when given."},
    },
}


@operation("/hazards/<int:hazard_id>/attachments", "GET", summary="The photos and evidence of a hazard",
           tag="attachments", response="AttachmentList")
def hazard_attachments(hazard_id):
    return {"items": [serialize.attachment(a) for a in load(hazard_id).attachments]}


@operation("/hazards/<int:hazard_id>/attachments", "POST", summary="Upload photos or evidence (multipart)",
           tag="attachments", ok=201, response="AttachmentList", multipart=UPLOAD_FORM, errors=(413,),
           rules={"kind": "assessment: only for a major hazard",
                  "file": "by its content a JPEG, PNG or WebP photo (evidence: or a PDF) within the size and "
                          "pixel limits, with an allowed file name; at most the allowed number of files"})
def upload_attachments(hazard_id):
    hazard = load(hazard_id)
    unknown = sorted((set(request.form) | set(request.files)) - set(UPLOAD_FORM["properties"]))
    if unknown:
        raise invalid(_("This field is not known here."), unknown[0])
    actor = user()
    default = AttachmentKind.EVIDENCE if actor.role == Role.ENTERPRISE else AttachmentKind.PHOTO
    kind = request.form.get("kind") or default.value
    if kind not in {k.value for k in AttachmentKind}:
        raise invalid(_("Choose photo or evidence."), "kind")
    version = request.form.get("version") or None
    by_enterprise = kind in (AttachmentKind.EVIDENCE, AttachmentKind.ASSESSMENT)
    what = kind if by_enterprise else "photo"
    if kind == AttachmentKind.ASSESSMENT and not hazard.is_major:
        raise invalid(_("Only a major hazard has an assessment of the governance result."), "kind")
    if not lifecycle.may_edit(hazard, actor, what):
        allowed_role = (actor.role == Role.ENTERPRISE) == by_enterprise
        if allowed_role:
            raise lifecycle.WrongState(_("Not possible while the hazard is in this state."))
        raise lifecycle.NotAllowed(_("You may not change this hazard."))
    checked = uploads.check_all(request.files.getlist("file"), allow_pdf=by_enterprise,
                                required=True)
    stored = uploads.save_to_hazard(hazard, actor, checked, kind, version=version)
    return {"items": [serialize.attachment(a) for a in stored]}, 201


@operation("/attachments/<int:attachment_id>", "GET", summary="Download a photo or evidence file",
           tag="attachments", binary=True)
def download_attachment(attachment_id):
    attachment = visible_or_404(Attachment, attachment_id)
    try:
        return uploads.send(attachment.stored_name, mimetype=attachment.content_type, as_attachment=True,
                            download_name=attachment.original_name)
    except FileNotFoundError:
        raise not_found() from None
