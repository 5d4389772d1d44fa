"""Inspections (visits to one enterprise): list, start (staff), get."""
from flask import request
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from .. import criteria, lifecycle, reference
from ..extensions import db
from ..models import Enterprise, Inspection, User
from ..permissions import get_visible, scope
from ..queries import MAX_ID
from . import serialize
from .common import ApiError, invalid, paged, user, visible_or_404
from .spec import DATE, ID, PAGING, operation, q

LIST_OPTIONS = (joinedload(Inspection.enterprise), selectinload(Inspection.inspectors))

INSPECTION_REQUEST = {
    "type": "object", "additionalProperties": False, "required": ["enterprise_id", "inspection_type"],
    "properties": {
        "enterprise_id": ID,
        "inspection_type": {"type": "string", "enum": reference.inspection_type_codes()},
        "inspected_on": {**DATE, "description": "Default: today (park time); not in the future."},
        "inspector_ids": {"type": "array", "maxItems": 20, "items": ID,
                          "description": "Further inspectors; the caller is always one."},
        "checklist": {"type": "array", "maxItems": 100, "items": {"type": "string", "enum": [
            *reference.category_codes(), *criteria.shipped_checklist_codes()]},
                      "description": "Category codes or 'criterion:<set>:<clause>' looked at."},
        "summary": {"type": "string", "maxLength": lifecycle.MAX_TEXT},
    },
}


def _date_arg(name):
    raw = request.args.get(name, "")
    if not raw:
        return None
    from datetime import date

    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, "bad_request", _("Give the date as YYYY-MM-DD."), name) from None


@operation("/inspections", "GET", summary="List inspections (newest first)", tag="inspections",
           response="InspectionPage", query=(q("enterprise", ID), q("from", DATE), q("to", DATE), *PAGING))
def list_inspections():
    stmt = scope(Inspection, user()).options(*LIST_OPTIONS)
    enterprise = request.args.get("enterprise", "")
    if enterprise:
        if not enterprise.isdigit() or not 1 <= int(enterprise) <= MAX_ID:
            raise ApiError(400, "bad_request", _("Choose an enterprise from the list."), "enterprise")
        stmt = stmt.where(Inspection.enterprise_id == int(enterprise))
    if (start := _date_arg("from")) is not None:
        stmt = stmt.where(Inspection.inspected_on >= start)
    if (end := _date_arg("to")) is not None:
        stmt = stmt.where(Inspection.inspected_on <= end)
    return paged(stmt.order_by(Inspection.inspected_on.desc(), Inspection.id.desc()), serialize.inspection)


@operation("/inspections", "POST", summary="Start an inspection (staff)", tag="inspections", ok=201,
           response="Inspection", body=INSPECTION_REQUEST, rules={
               "enterprise_id": "an active enterprise the caller can see",
               "inspected_on": "not in the future (park time)",
               "inspector_ids": "ids of active inspectors or administrators"})
def create_inspection(data):
    enterprise = get_visible(Enterprise, data["enterprise_id"], user())
    if enterprise is None:
        raise invalid(_("Choose an enterprise from the list."), "enterprise_id")
    ids = sorted(set(data.get("inspector_ids", [])))
    people = db.session.scalars(select(User).where(User.id.in_(ids))).all() if ids else []
    if len(people) != len(ids):
        raise invalid(_("Only active inspectors and administrators can be inspectors."), "inspector_ids")
    inspection = lifecycle.start_inspection(
        user(), enterprise=enterprise, inspection_type=data["inspection_type"],
        inspected_on=data.get("inspected_on"), inspectors=people, checklist=data.get("checklist", []),
        summary=data.get("summary", ""))
    return serialize.inspection(inspection, detail=True), 201


@operation("/inspections/<int:inspection_id>", "GET", summary="One inspection with its hazards",
           tag="inspections", response="Inspection")
def get_inspection(inspection_id):
    inspection = visible_or_404(Inspection, inspection_id, options=(*LIST_OPTIONS, selectinload(Inspection.hazards)))
    return serialize.inspection(inspection, detail=True)
