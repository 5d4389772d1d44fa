"""Monitoring readings: ``POST /monitoring/readings``, a batch from an installation's gateway.

The token is an enterprise user's (an account kept for the gateway): it reaches only the points
of that enterprise. Each row is answered on its own (``monitoring.ingest``); the batch is stored
in one transaction with the alarms it raises or clears.
"""
from flask_babel import gettext as _

from ..monitoring import ingest
from .common import ApiError, _parsed_json, user
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


def _within_limit():
    """A batch over the limit is refused whole with 413, before any row is looked at."""
    data = _parsed_json()
    rows = data.get("readings") if isinstance(data, dict) else None
    if isinstance(rows, list) and len(rows) > ingest.max_batch():
        raise ApiError(413, "too_large", _("At most %(n)d readings per request.", n=ingest.max_batch()),
                       "readings")


@operation("/monitoring/readings", "POST", summary="Store a batch of readings (per-row results; alarms evaluated)",
           tag="monitoring", response="ReadingBatchResult", body=BATCH, errors=(413,), precheck=_within_limit,
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
