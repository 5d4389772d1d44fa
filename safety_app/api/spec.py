"""Declaring API operations: one decorator registers the Flask route and records its
OpenAPI 3.1 description (path, parameters, body schema, responses), and the same
body schema validates the request. ``build()`` assembles ``openapi.json``."""
import copy
import re
from functools import wraps

from .. import lifecycle, reference, validation
from ..models import AttachmentKind, HazardLevel, HazardSource, HazardStatus, MajorHazardInstallation, Role
from ..queries import HAZARD_SORTS, MAX_ID, MAX_PAGE, MAX_PER_PAGE, MAX_TEXT, MEASURE_SORTS, PER_PAGE, STATUS_VALUES
from . import bp
from .common import is_date, json_body
from .params import FLAG, check_query

OPERATIONS = []
PUBLIC_ENDPOINTS = set()
ERROR_STATUSES = (400, 401, 403, 404, 409, 422)


def operation(rule, method, *, summary, tag, ok=200, response=None, body=None, query=(), public=False,
              multipart=None, binary=False, description=None, errors=(), rules=None, precheck=None,
              body_parser=None):
    """Register ``rule``/``method`` on the API blueprint and describe it.

    ``response``: component schema name of the success body (None: no body);
    ``body``: JSON schema of the request body (validated, passed as ``data``);
    ``query``: OpenAPI parameter objects (validated before the view); ``multipart``: schema of a form
    upload; ``rules``: field → the rules on it that depend on stored data or today's date (they cannot
    be said in JSON Schema; refused with 422 naming the field), stated as ``x-data-rules``;
    ``precheck``: called before the body is validated (e.g. a batch over its limit: 413);
    ``body_parser``: called with ``body`` instead of ``common.json_body`` (same answers, a faster
    path for a large body of a known shape).
    Every text field of ``body``/``query`` gets the pattern the server enforces (no control characters).
    """
    body = with_text_rules(body)
    query = [{**p, "schema": with_text_rules(p["schema"])} for p in query]

    def decorator(fn):
        endpoint = fn.__name__

        @wraps(fn)
        def view(**kwargs):
            if query:
                check_query(query)
            if precheck is not None:
                precheck()
            if body is not None:
                kwargs["data"] = (body_parser or json_body)(body)
            return fn(**kwargs)

        bp.add_url_rule(rule, endpoint, view, methods=[method])
        if public:
            PUBLIC_ENDPOINTS.add(f"{bp.name}.{endpoint}")
        OPERATIONS.append({
            "rule": rule, "method": method.lower(), "endpoint": endpoint, "summary": summary, "tag": tag,
            "ok": ok, "response": response, "body": body, "query": list(query), "public": public,
            "multipart": multipart, "binary": binary, "description": description, "errors": errors,
            "rules": dict(rules or {}),
        })
        return fn

    return decorator


# --- the text and date rules every request field follows ----------------------------------------

# What ``validation.CONTROL_CHARACTERS`` and ``api.common.json_body`` refuse: C0 controls but tab, line feed
# and carriage return; DEL; C1 controls. (NUL and lone surrogates are among them or not text at all.)
NO_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
TEXT_PATTERN = f"^[^{NO_CONTROL}]*$"
# A required text is not blank: at least one character that is neither a control nor white space.
_VISIBLE = r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
NONBLANK_PATTERN = f"^[^{NO_CONTROL}]*{_VISIBLE}[^{NO_CONTROL}]*$"


def with_text_rules(schema):
    """A copy of ``schema`` where each free text (a string without enum, const, format or pattern)
    states the pattern the server enforces; a text with ``minLength`` must not be blank either."""
    if schema is None:
        return None
    schema = copy.deepcopy(schema)

    def visit(node):
        if isinstance(node, dict):
            if node.get("type") == "string" and not {"enum", "const", "format", "pattern"} & set(node):
                node["pattern"] = NONBLANK_PATTERN if node.get("minLength") else TEXT_PATTERN
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(schema)
    return schema


def date_window_pattern(window=None):
    """A ``pattern`` for dates inside ``validation.date_window()``: the years spelt out, so that a
    generator (and a reader) sees the window without a custom format."""
    first, last = window or validation.date_window()
    years = "|".join(str(y) for y in range(first.year, last.year + 1))
    return f"^(?:{years})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$"


def with_date_window(schema):
    """A copy of a request schema whose date fields state the window the server enforces (422)."""
    schema = copy.deepcopy(schema)
    first, last = validation.date_window()
    pattern = date_window_pattern((first, last))

    def visit(node):
        if isinstance(node, dict):
            if node.get("format") == "date":
                node["pattern"] = pattern
                node["description"] = (node.get("description", "") + f" From {first} through {last}.").strip()
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    if isinstance(schema, dict) and any(is_date(p) for p in schema.get("properties", {}).values()):
        visit(schema)
    return schema


# --- parameter helpers -----------------------------------------------------------------------------

def q(name, schema, description=None, **extra):
    param = {"name": name, "in": "query", "required": False, "schema": schema, **extra}
    if description:
        param["description"] = description
    return param


ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
DATE = {"type": "string", "format": "date"}
PAGING = (
    q("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}),
    q("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": PER_PAGE}),
)


def _sort_enum(sorts):
    return sorted([*sorts, *(f"-{k}" for k in sorts)])


def ledger_params(measures=False):
    """The ledger filters (``queries.parse_filters``) as query parameters."""
    params = [
        q("enterprise", ID, "Enterprise id."),
        q("status", {"type": "array", "items": {"type": "string", "enum": list(STATUS_VALUES)}},
          "Statuses (repeat the parameter); 'active' means every status but closed and withdrawn.",
          style="form", explode=True),
        q("level", {"type": "string", "enum": [v.value for v in HazardLevel]}),
        q("category", {"type": "string", "enum": reference.category_codes()}),
        q("overdue", FLAG, "Only overdue (true) or only not overdue (false) hazards: overdue counts against the "
          "enterprise (waiting on it past the deadline, or submitted after the deadline)."),
        q("backlog", FLAG, "Only hazards waiting on the office (re-inspection or acceptance) longer than the "
          "office's review_backlog_days since their submission (true), or only the others (false)."),
        q("supervised", FLAG, "Only hazards under listed supervision (挂牌督办) now (true), or only the others "
          "(false)."),
        q("inspector", ID, "Id of the user who found the hazard."),
        q("source", {"type": "string", "enum": [s.value for s in HazardSource]},
          "How the hazard was found: government inspection, the enterprise's self-inspection, a 包保 duty "
          "check, a monitoring alarm."),
    ]
    for name in ("found_from", "found_to", "deadline_from", "deadline_to", "closed_from", "closed_to"):
        params.append(q(name, DATE, "Inclusive bound (park date)."))
    params.append(q("q", {"type": "string", "maxLength": MAX_TEXT}, "Text in code, title or location."))
    if measures:
        params.append(q("done", FLAG, "Only done (true) or only open (false) measures."))
    params.append(q("sort", {"type": "string", "enum": _sort_enum(MEASURE_SORTS if measures else HAZARD_SORTS)},
                    "Sort key; a leading '-' sorts descending."))
    return params + list(PAGING)


# --- component schemas ----------------------------------------------------------------------------

def _nullable(schema):
    schema = dict(schema)
    schema["type"] = [schema["type"], "null"]
    return schema


STR = {"type": "string"}
INT = {"type": "integer"}
DATETIME = {"type": "string", "format": "date-time"}
REF = {"type": "object", "required": ["id", "name"],
       "properties": {"id": INT, "name": STR}}


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def page_of(name):
    return {"type": "object", "required": ["items", "total", "page", "per_page", "pages"],
            "properties": {"items": {"type": "array", "items": ref(name)}, "total": INT, "page": INT,
                           "per_page": INT, "pages": INT}}


CRITERION_REF = {
    "type": "object", "additionalProperties": False, "required": ["set", "clause"],
    "description": "A major-hazard criterion as (criteria set code, clause), e.g. "
                   "{\"set\": \"AQ3067-2026\", \"clause\": \"5.5.6\"}; see GET /criteria.",
    "properties": {"set": {"type": "string", "minLength": 1, "maxLength": 40},
                   "clause": {"type": "string", "minLength": 1, "maxLength": 20}},
}
HAZARD_PROPS = {
    "id": INT, "code": STR, "enterprise": ref("Ref"), "inspection_id": _nullable(INT), "title": STR,
    "description": STR, "location": STR, "category": STR, "level": {"type": "string", "enum": ["general", "major"]},
    "criterion": {"oneOf": [ref("CriterionRef"), {"type": "null"}],
                  "description": "The major-hazard criterion the hazard was judged against: (criteria set, clause)."},
    "major_ground": _nullable(STR), "major_reason": STR, "legal_basis": STR, "found_on": DATE,
    "found_by": {"oneOf": [ref("Ref"), {"type": "null"}]},
    "original_deadline": DATE, "deadline": DATE,
    "status": {"type": "string", "enum": [s.value for s in HazardStatus]},
    "overdue": {"type": "boolean"}, "overdue_days": INT, "responsible_person": STR,
    "responsible_user": {"oneOf": [ref("Ref"), {"type": "null"}],
                         "description": "The enterprise user responsible for the rectification."},
    "closed_on": _nullable(DATE), "created_at": DATETIME, "updated_at": DATETIME, "version": INT,
    "source": {"type": "string", "enum": [s.value for s in HazardSource],
               "description": "How it was found: government inspection, the enterprise's own inspection, "
                              "a 包保 duty check, a monitoring alarm."},
    "installation_id": {**_nullable(INT), "description": "The major hazard installation concerned."},
    "latitude": {"type": ["number", "null"], "description": "Where it was found, WGS-84 degrees (as the device "
                 "gave them; not converted to GCJ-02); null when no location was recorded."},
    "longitude": {"type": ["number", "null"], "description": "WGS-84 degrees, or null."},
    "location_accuracy_m": {"type": ["number", "null"], "description": "Accuracy of the position in metres, or null."},
}
MEASURE_PROPS = {
    "id": INT, "hazard_id": INT, "description": STR, "responsible_person": STR,
    "responsible_user": {"oneOf": [ref("Ref"), {"type": "null"}]}, "funds": {"type": "number"},
    "deadline": _nullable(DATE), "interim_precautions": STR, "done_on": _nullable(DATE),
    "done": {"type": "boolean"}, "evidence_note": STR, "created_at": DATETIME, "updated_at": DATETIME,
}
ATTACHMENT_PROPS = {
    "id": INT, "hazard_id": INT, "kind": {"type": "string", "enum": [k.value for k in AttachmentKind]},
    "original_name": STR, "content_type": STR, "size": INT, "width": _nullable(INT), "height": _nullable(INT),
    "sha256": STR, "created_at": DATETIME, "download_url": STR,
    "annotates_id": {**_nullable(INT), "description": "An annotated copy (标注图): the photo it annotates."},
}
SUPERVISION = {"type": "object", "description": "Listed supervision (挂牌督办) and its lifting (摘牌).",
               "properties": {
    "authority": STR, "level": {"type": "string", "enum": ["city", "district", "street"]}, "document_no": STR,
    "listed_on": DATE, "required_by": DATE, "lifted_on": _nullable(DATE), "lift_document_no": STR,
    "current": {"type": "boolean"}}}
FINDING = {"type": "object", "description": "A re-inspection finding (复查结论) recorded by verify or reject.",
           "required": ["id", "result", "reinspected_on", "inspectors", "opinion"], "properties": {
               "id": INT, "result": {"type": "string", "enum": ["passed", "failed"]}, "reinspected_on": DATE,
               "inspectors": {"type": "array", "items": REF}, "opinion": STR, "recorded_by": REF,
               "created_at": DATETIME}}
SUSPENSION = {"type": "object", "description": "Suspension of production (停产停业) or equipment out of use.",
              "properties": {
    "id": INT, "kind": {"type": "string", "enum": ["partial", "full", "equipment"]}, "area": STR,
    "starts_on": DATE, "ends_on": _nullable(DATE)}}
COUNT_ROW = {"type": "object", "properties": {"open": INT, "overdue": INT, "major": INT}}

SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": STR, "message": STR, "field": STR}}}},
    "Ref": REF,
    "User": {"type": "object", "required": ["id", "username", "name", "role", "enterprise_id"], "properties": {
        "id": INT, "username": STR, "name": STR, "role": {"type": "string", "enum": [r.value for r in Role]},
        "enterprise_id": _nullable(INT)}},
    "Token": {"type": "object", "required": ["token", "token_type", "user"], "properties": {
        "token": STR, "token_type": {"type": "string", "const": "Bearer"}, "user": ref("User")}},
    "Enterprise": {"type": "object", "required": ["id", "name", "credit_code"], "properties": {
        "id": INT, "name": STR, "credit_code": STR, "address": STR, "zone": STR, "industry": STR,
        "legal_representative": STR, "contact_name": STR, "contact_phone": STR, "contact_email": STR,
        "major_hazard_installation": {"type": "string", "enum": [m.value for m in MajorHazardInstallation]},
        "active": {"type": "boolean"}}},
    "Inspection": {"type": "object", "required": ["id", "enterprise", "inspection_type", "inspected_on"],
                   "properties": {
        "id": INT, "enterprise": ref("Ref"), "inspection_type": STR, "inspected_on": DATE,
        "checklist": {"type": "array", "items": STR}, "summary": STR,
        "inspectors": {"type": "array", "items": ref("Ref")}, "created_at": DATETIME,
        "hazards": {"type": "array", "items": ref("HazardBrief")}}},
    "HazardBrief": {"type": "object", "required": ["id", "code", "title", "status"], "properties": {
        "id": INT, "code": STR, "title": STR, "status": HAZARD_PROPS["status"], "level": HAZARD_PROPS["level"]}},
    "Hazard": {"type": "object", "required": list(HAZARD_PROPS), "properties": HAZARD_PROPS},
    "HazardDetail": {"allOf": [ref("Hazard"), {"type": "object", "properties": {
        "rectification_note": STR, "submitted_at": _nullable(DATETIME), "verified_at": _nullable(DATETIME),
        "closed_at": _nullable(DATETIME), "measures": {"type": "array", "items": ref("Measure")},
        "acceptance": {"oneOf": [{"type": "object", "properties": {
            "opinion": STR, "accepted_on": DATE, "accepted_by": STR}}, {"type": "null"}]},
        "attachments": {"type": "array", "items": ref("Attachment")},
        "plan": {"oneOf": [{"type": "object", "properties": {
            name: STR for name in ("goal", "methods", "funds_materials", "organisation", "timeline",
                                   "safety_emergency")} | {"complete": {"type": "boolean"}}}, {"type": "null"}]},
        "pending_extension": {"oneOf": [{"type": "object", "properties": {
            "id": INT, "requested_deadline": DATE, "current_deadline": DATE, "reason": STR,
            "created_at": DATETIME}}, {"type": "null"}]},
        "allowed_actions": {"type": "array", "items": {"type": "string", "enum": sorted(lifecycle.TRANSITIONS)}},
        "self_acceptances": {"type": "array", "description": "The enterprise's own acceptance (企业验收) of a "
                             "general hazard it found itself (整改人 ≠ 验收人), newest first.",
                             "items": {"type": "object", "properties": {
                                 "id": INT, "accepted_on": DATE, "opinion": STR, "accepted_by": REF,
                                 "rectified_by": {"oneOf": [REF, {"type": "null"}]}, "created_at": DATETIME}}},
        "supervision": {"oneOf": [SUPERVISION, {"type": "null"}]},
        "suspensions": {"type": "array", "items": SUSPENSION},
        "findings": {"type": "array", "items": FINDING, "description": "Re-inspection findings, newest first."},
        "comments_count": {"type": "integer", "description": "Comments in the hazard's thread "
                           "(GET /hazards/{hazard_id}/comments)."},
    }}]},
    "Measure": {"type": "object", "required": list(MEASURE_PROPS), "properties": MEASURE_PROPS},
    "LedgerMeasure": {"allOf": [ref("Measure"), {"type": "object", "required": ["hazard"], "properties": {
        "hazard": {"type": "object", "properties": {
            "id": INT, "code": STR, "title": STR, "status": HAZARD_PROPS["status"], "enterprise": ref("Ref")}}}}]},
    "Attachment": {"type": "object", "required": list(ATTACHMENT_PROPS), "properties": ATTACHMENT_PROPS},
    "AttachmentList": {"type": "object", "required": ["items"], "properties": {
        "items": {"type": "array", "items": ref("Attachment")}}},
    "MeasureList": {"type": "object", "required": ["items"], "properties": {
        "items": {"type": "array", "items": ref("Measure")}}},
    "Notification": {"type": "object", "required": ["id", "kind", "title", "read"], "properties": {
        "id": INT, "kind": STR, "title": STR, "body": STR, "link": STR, "hazard_id": _nullable(INT),
        "created_at": DATETIME, "read_at": _nullable(DATETIME), "read": {"type": "boolean"}}},
    "ReadCount": {"type": "object", "required": ["marked"], "properties": {"marked": INT}},
    "Dashboard": {"type": "object", "required": ["open", "overdue", "major_open", "closed_month", "rate_month",
                                                 "rate_overall", "enterprises", "categories", "trend"],
                  "properties": {
        "today": DATE, "month": STR, "month_first": DATE, "month_last": DATE,
        **{name: INT for name in ("open", "overdue", "major_open", "supervised", "found_month", "closed_month",
                                  "found_month_counted", "closed_of_found_month", "found_total_counted",
                                  "closed_total", "waiting_on_office", "backlog_days", "with_hazards")},
        "backlog": {"type": "integer", "description": "待复查超期: hazards waiting on the office (re-inspection "
                    "or acceptance) more than backlog_days since their submission."},
        "cleared": {"type": "integer", "description": "Enterprises cleared to zero: with hazards (withdrawn "
                    "left out), none open; the rate is cleared / with_hazards."},
        "not_inspected": {"type": "integer", "description": "Enterprises with no inspection and no hazard yet "
                          "(尚未检查), never counted as cleared."},
        "rate_month": {"type": ["number", "null"], "description": "Of the hazards found this month "
                       "(withdrawn left out), the share closed; null when none were found."},
        "rate_overall": {"type": ["number", "null"], "description": "Of all hazards (withdrawn left out), "
                         "the share closed."},
        "enterprises": {"type": "array", "items": {"allOf": [COUNT_ROW, {"type": "object", "properties": {
            "id": INT, "name": STR, "oldest_overdue_days": INT}}]}},
        "categories": {"type": "array", "items": {"allOf": [COUNT_ROW, {"type": "object", "properties": {
            "code": STR}}]}},
        "trend": {"type": "array", "items": {"type": "object", "properties": {
            "month": STR, "found": INT, "closed": INT}}},
    }},
}
SCHEMAS["CriterionRef"] = CRITERION_REF
SCHEMAS["CriteriaSet"] = {
    "type": "object", "required": ["set", "criteria"],
    "description": "One list of major-hazard criteria and its clauses. A clause without text has "
                   "text_imported false (\"条文未导入\"): the office has not loaded its text yet.",
    "properties": {
        "set": {"type": "object", "required": ["code", "title"], "properties": {
            "code": STR, "title": STR, "issuer": STR, "document_number": STR,
            "in_force_from": _nullable(DATE), "in_force_until": _nullable(DATE)}},
        "criteria": {"type": "array", "items": {"type": "object", "required": ["clause", "text"], "properties": {
            "clause": STR, "group": STR, "text": STR, "text_imported": {"type": "boolean"},
            "description": STR}}},
    }}
SCHEMAS["OpenApi"] = {"type": "object", "required": ["openapi", "paths"]}
for _name in ("Enterprise", "Inspection", "Hazard", "LedgerMeasure", "Notification"):
    SCHEMAS[f"{_name}Page"] = page_of(_name)


# --- the document ---------------------------------------------------------------------------------

ERROR_TEXT = {400: "Bad request", 401: "No valid bearer token", 403: "Not allowed", 404: "Not found",
              409: "Conflict: stale version or wrong state", 413: "Request too large (an upload, or a batch over its limit)",
              422: "Invalid data", 429: "Too many failed logins"}
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def _path(rule):
    params = []

    def replace(match):
        converter, name = match.group(1), match.group(2)
        schema = dict(ID) if converter == "int" else {"type": "string"}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
        return "{" + name + "}"

    return bp.url_prefix + _CONVERTER.sub(replace, rule), params


def _operation(op):
    path, params = _path(op["rule"])
    out = {"operationId": op["endpoint"], "summary": op["summary"], "tags": [op["tag"]],
           "parameters": params + op["query"], "responses": {}}
    if op["description"]:
        out["description"] = op["description"]
    if op["rules"]:
        out["x-data-rules"] = [{"field": field, "rule": rule} for field, rule in op["rules"].items()]
        out["description"] = " ".join(filter(None, [out.get("description"), "Also refused with 422 (naming "
                                      "the field) when: " + "; ".join(f"{f}: {r}" for f, r in op["rules"].items())
                                      + "."]))
    if op["body"] is not None:
        out["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": with_date_window(op["body"])}}}
    if op["multipart"] is not None:
        out["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": op["multipart"]}}}
    if op["binary"]:
        out["responses"][str(op["ok"])] = {"description": "The file", "content": {"*/*": {"schema": {}}}}
    elif op["response"]:
        out["responses"][str(op["ok"])] = {"description": "OK", "content": {
            "application/json": {"schema": ref(op["response"])}}}
    else:
        out["responses"][str(op["ok"])] = {"description": "Done, no content"}
    statuses = set(ERROR_STATUSES) | set(op["errors"])
    if op["public"]:
        out["security"] = []
    for status in sorted(statuses):
        out["responses"][str(status)] = {"$ref": f"#/components/responses/E{status}"}
    return path, out


def build():
    """The OpenAPI 3.1 description of every declared operation."""
    paths = {}
    for op in OPERATIONS:
        path, description = _operation(op)
        paths.setdefault(path, {})[op["method"]] = description
    return {
        "openapi": "3.1.0",
        "info": {"title": "Park hazard tracker API", "version": "1.0.0",
                 "description": "Hazard inspection and rectification for a chemical industrial park. "
                                "Authenticate with POST /api/v1/tokens, then send "
                                "'Authorization: Bearer <token>'. Errors are "
                                "{\"error\": {\"code\", \"message\"}}."},
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
            "responses": {f"E{status}": {"description": text, "content": {
                "application/json": {"schema": ref("Error")}}} for status, text in ERROR_TEXT.items()},
        },
    }
