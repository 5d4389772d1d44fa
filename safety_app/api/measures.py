"""Measures (list 2): the ledger list, a hazard's measures, add and update (via lifecycle.save_measure)."""
from datetime import date
from decimal import Decimal

from flask import request
from flask_babel import gettext as _

from .. import lifecycle, queries
from . import serialize
from .common import bad_filters, invalid, not_found, page_dict, user
from .hazards import load
from .spec import DATE, ledger_params, operation

TEXT = lifecycle.MAX_TEXT
FIELDS = {
    "description": {"type": "string", "minLength": 1, "maxLength": TEXT},
    "responsible_person": {"type": "string", "maxLength": 100},
    "responsible_user_id": {"oneOf": [{"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, {"type": "null"}],
                            "description": "An active user of the hazard's enterprise (notified when assigned)."},
    "funds": {"type": "number", "minimum": 0, "maximum": 999999999999.99, "description": "Yuan."},
    "deadline": {"oneOf": [DATE, {"type": "null"}]},
    "interim_precautions": {"type": "string", "maxLength": TEXT},
    "done_on": {"oneOf": [{**DATE, "description": "Not in the future; marks the measure done."},
                          {"type": "null"}]},
    "evidence_note": {"type": "string", "maxLength": TEXT},
    "version": {"type": "integer", "description": "The hazard version the client saw; checked when given."},
}
RULES = {"done_on": "not in the future (park time)",
         "responsible_user_id": "an active user of the hazard's enterprise"}
CREATE_REQUEST = {"type": "object", "additionalProperties": False, "required": ["description"],
                  "properties": FIELDS}
PATCH_REQUEST = {"type": "object", "additionalProperties": False, "properties": FIELDS}


def _fields(data):
    values = {}
    for name, value in data.items():
        if name in ("deadline", "done_on") and isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                raise invalid(_("Give the date as YYYY-MM-DD."), name) from None
        if name == "funds":
            value = Decimal(str(value)).quantize(Decimal("0.01"))
        values[name] = value
    return values


@operation("/measures", "GET", summary="The measures ledger (list 2) with the ledger filters", tag="measures",
           response="LedgerMeasurePage", query=ledger_params(measures=True))
def list_measures():
    filters = queries.parse_filters(request.args, measures=True)
    if (error := bad_filters(filters.errors)) is not None:
        raise error
    page = queries.measure_page(user(), filters)
    return page_dict([serialize.ledger_measure(m) for m in page.items], page.total, page.page, page.per_page)


@operation("/hazards/<int:hazard_id>/measures", "GET", summary="The measures of one hazard", tag="measures",
           response="MeasureList")
def hazard_measures(hazard_id):
    return {"items": [serialize.measure(m) for m in load(hazard_id).measures]}


@operation("/hazards/<int:hazard_id>/measures", "POST", summary="Add a measure (enterprise, admin)",
           tag="measures", ok=201, response="Measure", body=CREATE_REQUEST, rules=RULES)
def create_measure(hazard_id, data):
    hazard = load(hazard_id)
    version = data.pop("version", None)
    measure = lifecycle.save_measure(hazard, user(), version=version, **_fields(data))
    return serialize.measure(measure), 201


@operation("/hazards/<int:hazard_id>/measures/<int:measure_id>", "PATCH",
           summary="Update a measure; done_on marks it done", tag="measures", response="Measure",
           body=PATCH_REQUEST, rules=RULES)
def patch_measure(hazard_id, measure_id, data):
    hazard = load(hazard_id)
    measure = next((m for m in hazard.measures if m.id == measure_id), None)
    if measure is None:
        raise not_found()
    version = data.pop("version", None)
    measure = lifecycle.save_measure(hazard, user(), measure, version=version, **_fields(data))
    return serialize.measure(measure)

