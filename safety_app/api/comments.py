"""The comment thread of a hazard: list and post (the same core as the hazard page, ``comments.post``)."""
from .. import comments
from ..models import Hazard
from . import serialize
from .common import user, visible_or_404
from .spec import DATETIME, INT, REF, SCHEMAS, STR, operation, ref

SCHEMAS["HazardComment"] = {
    "type": "object", "required": ["id", "hazard_id", "author", "author_side", "body", "created_at"],
    "description": "One comment of a hazard's thread between the enterprise and the office (append-only).",
    "properties": {
        "id": INT, "hazard_id": INT, "author": REF,
        "author_side": {"type": "string", "enum": ["enterprise", "office"]},
        "body": STR, "created_at": DATETIME,
    },
}
SCHEMAS["HazardCommentList"] = {"type": "object", "required": ["items"], "properties": {
    "items": {"type": "array", "items": ref("HazardComment")}}}
COMMENT_REQUEST = {
    "type": "object", "additionalProperties": False, "required": ["body"],
    "properties": {"body": {"type": "string", "minLength": 1, "maxLength": comments.MAX_BODY,
                            "description": "The comment (not blank; at most 2,000 characters after trimming)."}},
}


def comment(c):
    return {"id": c.id, "hazard_id": c.hazard_id, "author": serialize.ref(c.author),
            "author_side": "enterprise" if c.author.role == "enterprise" else "office",
            "body": c.body, "created_at": serialize.dt(c.created_at)}


@operation("/hazards/<int:hazard_id>/comments", "GET", summary="The comment thread of a hazard, oldest first",
           tag="hazards", response="HazardCommentList")
def hazard_comments(hazard_id):
    hazard = visible_or_404(Hazard, hazard_id)
    return {"items": [comment(c) for c in comments.thread(hazard.id)]}


@operation("/hazards/<int:hazard_id>/comments", "POST", summary="Post a comment on a hazard",
           tag="hazards", ok=201, response="HazardComment", body=COMMENT_REQUEST,
           description="Staff on any hazard, an enterprise user on its own enterprise's hazards, in every "
                       "status (closed included). The other side is notified (in-app and e-mail). "
                       "Comments cannot be edited or deleted.")
def post_hazard_comment(hazard_id, data):
    hazard = visible_or_404(Hazard, hazard_id)
    posted = comments.post(hazard, user(), data["body"])
    return comment(posted), 201
