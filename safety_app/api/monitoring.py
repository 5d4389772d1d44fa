"""Monitoring readings: ``POST /monitoring/readings``, a batch from an installation's gateway.

The token is an enterprise user's (an account kept for the gateway): it reaches only the points
of that enterprise. Each row is answered on its own (``monitoring.ingest``); the batch is stored
in one transaction with the alarms it raises or clears.
"""
from flask import request
from flask_babel import gettext as _

from ..monitoring import ingest
from ..queries import MAX_ID
from .common import ApiError, _parsed_json, json_body, user
from .spec import ID, SCHEMAS, operation

ROW = {
    "type": "object", "additionalProperties": False, "required": ["point_id", "time", "value"],
    "properties": {
        "point_id": {**ID, "description": "Id of a measurement point of the token's enterprise."},
        "time": {"type": "string", "minLength": 1, "maxLength": 40,
                 "description": "ISO 8601 date-time, e.g. 2026-12-01T08:00:00Z or 2026-12-01T16:00:00+08:00; "
                                "without an offset it is taken as UTC."},
        "value": {"type": "number", "description": "In the point's unit; NaN and ±Infinity are rejected per row."},
    },
}
BATCH = {
    "type": "object", "additionalProperties": False, "required": ["readings"],
    "properties": {"readings": {"type": "array", "minItems": 1, "maxItems": ingest.DEFAULT_MAX_BATCH,
                                "items": ROW}},
}
RESULT = {"type": "object", "required": ["index", "status"], "properties": {
    "index": {"type": "integer", "description": "Position of the row in the request."},
    "status": {"type": "string", "enum": ["stored", "late", "duplicate", "rejected"],
               "description": "late: stored but older than the point's newest reading, so not evaluated for "
                              "alarms; duplicate: this (point, time) is stored already (a replay is harmless)."},
    "reason": {"type": "string", "enum": list(ingest.REASONS)},
    "message": {"type": "string"},
}}
SCHEMAS["ReadingBatchResult"] = {
    "type": "object", "required": ["stored", "late", "duplicate", "rejected", "results"],
    "properties": {
        "stored": {"type": "integer"}, "late": {"type": "integer"}, "duplicate": {"type": "integer"},
        "rejected": {"type": "integer"},
        "results": {"type": "array", "items": RESULT},
        "alarms_raised": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "point_id": {"type": "integer"}, "kind": {"type": "string"},
            "raised_at": {"type": "string", "format": "date-time"}, "value": {"type": ["number", "null"]}}}},
        "alarms_cleared": {"type": "integer"},
    }}


ROW_FIELDS = frozenset(ROW["properties"])
WELL_FORMED = "safety_app.readings_well_formed"  # request.environ flag: the batch passed _well_formed


def _well_formed(data):
    """True for a batch the schema accepts whose texts are clean, checked in one pass over the rows.

    Anything else (and anything unusual, e.g. a point id sent as 12.0 or a time with non-ASCII
    characters) goes through ``common.json_body``, which gives the usual 400/422 answers; this
    path only spares a well-formed batch of 1000 rows the general JSON Schema walk."""
    if type(data) is not dict or data.keys() != {"readings"}:
        return False
    rows = data["readings"]
    if type(rows) is not list or not 1 <= len(rows) <= ingest.DEFAULT_MAX_BATCH:
        return False
    for row in rows:
        if type(row) is not dict or row.keys() != ROW_FIELDS:
            return False
        point_id, time, value = row["point_id"], row["time"], row["value"]
        if type(point_id) is not int or not 1 <= point_id <= MAX_ID:
            return False
        # ASCII and printable: no control character, no NUL or lone surrogate; not blank.
        if type(time) is not str or not 1 <= len(time) <= 40 or not time.isascii() or not time.isprintable() \
                or time.isspace():
            return False
        if type(value) is not float and type(value) is not int:
            return False
    return True


def _batch_body(schema):
    """The request body: a well-formed batch as it is, anything else through ``json_body``."""
    if request.environ.get(WELL_FORMED):
        return request.get_json(silent=True)
    return json_body(schema)


def _within_limit():
    """A batch over the limit is refused whole with 413, before any row is looked at."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # _parsed_json answers it
        data = None
    if _well_formed(data):
        request.environ[WELL_FORMED] = True
    else:
        data = _parsed_json()
    rows = data.get("readings") if isinstance(data, dict) else None
    if isinstance(rows, list) and len(rows) > ingest.max_batch():
        raise ApiError(413, "too_large", _("At most %(n)d readings per request.", n=ingest.max_batch()),
                       "readings")


@operation("/monitoring/readings", "POST", summary="Store a batch of readings (per-row results; alarms evaluated)",
           tag="monitoring", response="ReadingBatchResult", body=BATCH, errors=(413,), precheck=_within_limit,
           body_parser=_batch_body,
           description="Idempotent on (point, time): a replayed batch reports its rows as duplicate and stores "
                       "nothing twice. Rows are refused one by one (unknown or another enterprise's point, "
                       "NaN/Infinity, more than 5 minutes in the future, older than the raw-data retention); "
                       "the others are stored. More than 1000 rows: 413.")
def post_readings(data):
    caller = user()
    result = ingest.ingest(caller.enterprise_id, data["readings"])
    body = {**result.counts, "results": result.results, "alarms_cleared": len(result.alarms_cleared),
            "alarms_raised": [{"id": a.id, "point_id": a.point_id, "kind": a.kind,
                               "raised_at": a.raised_at.isoformat() + "Z", "value": a.value}
                              for a in result.alarms_raised]}
    return body
