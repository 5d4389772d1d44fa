"""What the offline outbox (``static/js/outbox.js``) is answered: JSON when it asks for it (the
``X-Outbox`` header, or ``Accept: application/json``), so that it can tell a sent entry from a
conflict without reading a page.

- sent: 201 (made now) or 200 (a replay of a key already used: nothing written), with the object's id
  and, for a hazard, its new ``version``;
- conflict: the target changed meanwhile — 409 ``stale_version`` (the hazard's version is not the
  one the form was opened with) or 409 ``wrong_state`` (the action is refused in the target's current
  state, e.g. the hazard was submitted or closed, the inspection completed), 403 ``forbidden`` (no
  longer allowed) — with the target's current state (``target``: code, title, status, version, link);
- refused: 422 ``invalid`` with the field (the entry itself is wrong; resending it changes nothing).

A 404 (the target is gone or no longer visible) is the error handler's page: the outbox treats it
as a conflict too. Without the header the routes answer HTML exactly as before.
"""
from flask import jsonify, request, url_for

from .. import labels

CONFLICT_CODES = frozenset({"stale_version", "wrong_state", "forbidden"})


def wants_json():
    return (request.headers.get("X-Outbox") == "1"
            or request.accept_mimetypes.best == "application/json")


def hazard_state(hazard):
    return {"type": "hazard", "id": hazard.id, "code": hazard.code, "title": hazard.title,
            "status": hazard.status, "status_label": str(labels.status(hazard.status)),
            "version": hazard.version, "url": url_for("hazards.detail", hazard_id=hazard.id)}


def saved(object_id, created, target=None):
    body = {"id": object_id, "created": bool(created)}
    if target is not None:
        body["target"] = target
    return jsonify(body), 201 if created else 200


def refused(error, target=None):
    """A ``LifecycleError`` as JSON: the code, the message, the field, whether it is a conflict."""
    body = {"error": {"code": error.code, "message": str(error.message)},
            "conflict": error.code in CONFLICT_CODES}
    if error.field:
        body["error"]["field"] = error.field
    if target is not None:
        body["target"] = target
    return jsonify(body), error.status


def invalid(form):
    """A form that did not validate: its first message, beside the field it names."""
    for name, errors in form.errors.items():
        if errors:
            return jsonify({"error": {"code": "invalid", "message": str(errors[0]), "field": name},
                            "conflict": False}), 422
    return jsonify({"error": {"code": "invalid", "message": ""}, "conflict": False}), 422
