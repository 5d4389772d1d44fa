"""Major hazard installations (read-only: list and one, with the grading, the 包保 persons and the
open alarms and hazards) and their measurement points (list, add, get, change through
``monitoring.points``, the rules the web form uses)."""
from flask import request
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import installations as rules
from ..extensions import db
from ..lifecycle import NOT_FINAL
from ..models import Alarm, Hazard, Installation, MeasurementPoint, PointKind
from ..monitoring import loop
from ..monitoring import points as point_rules
from ..permissions import can, scope
from .common import ApiError, invalid, paged, user, visible_or_404
from .serialize import d, dt, ref
from .spec import DATE, ID, PAGING, SCHEMAS, _nullable, operation, page_of, q

INT, STR, NUM = {"type": "integer"}, {"type": "string"}, {"type": "number"}
PERSON = {"oneOf": [{"type": "object", "required": ["id", "name", "phone"], "properties": {
    "id": INT, "name": STR, "phone": STR}}, {"type": "null"}]}
INSTALLATION_PROPS = {
    "id": INT, "enterprise": {"$ref": "#/components/schemas/Ref"}, "code": STR, "name": STR,
    "kind": {"type": "string", "enum": ["production", "storage"]}, "location": STR,
    "status": {"type": "string", "enum": ["in_service", "written_off"]},
    "level": {"type": "string", "enum": ["none", "level1", "level2", "level3", "level4"],
              "description": "From R (GB 18218-2018); none: Σq/Q < 1, not a major hazard installation."},
    "r": {**NUM, "description": "R = α · Σ β·q/Q, rounded to 2 decimals."},
    "assessed_on": _nullable(DATE), "assessment_due": _nullable(DATE), "validity_years": INT,
    "filed_on": _nullable(DATE), "filing_no": STR, "written_off_on": _nullable(DATE),
}
SCHEMAS["Installation"] = {"type": "object", "required": list(INSTALLATION_PROPS), "properties": INSTALLATION_PROPS}
SCHEMAS["InstallationDetail"] = {"allOf": [{"$ref": "#/components/schemas/Installation"}, {
    "type": "object", "required": ["substances", "calculation", "persons", "open_alarms", "open_hazards", "points"],
    "properties": {
        "substances": {"type": "array", "items": {"type": "object", "properties": {
            "name": STR, "cas": STR, "max_quantity": NUM, "critical_quantity": NUM, "beta": NUM,
            "ratio": {**NUM, "description": "q/Q"}, "term": {**NUM, "description": "β·q/Q"}}}},
        "calculation": {"type": "object", "properties": {
            "people_within_500m": INT, "alpha": NUM, "sum_ratio": {**NUM, "description": "Σ q/Q"},
            "sum_terms": {**NUM, "description": "Σ β·q/Q"}, "r": NUM, "is_major": {"type": "boolean"}}},
        "persons": {"type": "object", "description": "The three 包保 responsible persons.", "properties": {
            "principal": PERSON, "technical": PERSON, "operations": PERSON}},
        "open_alarms": {"type": "array", "description": "Alarms not closed, newest first (at most 50).",
                        "items": {"type": "object", "properties": {
                            "id": INT, "point_id": INT, "tag": STR, "kind": STR,
                            "state": {"type": "string", "enum": ["active", "cleared"]},
                            "raised_at": {"type": "string", "format": "date-time"},
                            "acknowledged": {"type": "boolean"}}}},
        "open_alarm_count": INT,
        "open_hazards": {**INT, "description": "Hazards linked to the installation and not closed or withdrawn."},
        "points": {**INT, "description": "Number of measurement points."},
    }}]}
SCHEMAS["InstallationPage"] = page_of("Installation")

LIMIT = {"type": ["number", "null"], "minimum": -point_rules.MAX_ABS, "maximum": point_rules.MAX_ABS}
POINT_FIELDS = {
    "tag": {"type": "string", "minLength": 1, "maxLength": 60, "pattern": point_rules.TAG.pattern,
            "description": "The DCS/SIS tag, e.g. TI-101 "
            "(letters, digits and - _ . / #; stored upper case), unique within the enterprise."},
    "name": {"type": "string", "minLength": 1, "maxLength": 200},
    "kind": {"type": "string", "enum": [k.value for k in PointKind],
             "description": "temperature, pressure, level, flow or gas (gas concentration)."},
    "unit": {"type": "string", "minLength": 1, "maxLength": 20},
    "ll": {**LIMIT, "description": "Low-low limit (LL); null: not used."},
    "l": {**LIMIT, "description": "Low limit (L)."},
    "h": {**LIMIT, "description": "High limit (H)."},
    "hh": {**LIMIT, "description": "High-high limit (HH)."},
    "deadband": {"type": ["number", "null"], "minimum": 0, "maximum": point_rules.MAX_ABS,
                 "description": "Hysteresis in the point's unit; null: 2 % of the span of the limits."},
    "silence_minutes": {"type": "integer", "minimum": 1, "maximum": point_rules.MAX_SILENCE,
                        "description": "A data-loss alarm after this many minutes without a reading (default 10)."},
    "active": {"type": "boolean"},
}
POINT_RULES = {
    "ll": "LL < L < H < HH for the limits given",
    "l": "LL < L < H < HH for the limits given",
    "h": "LL < L < H < HH for the limits given",
    "hh": "LL < L < H < HH for the limits given",
    "tag": "not the tag of another point of the same enterprise",
}
CREATE_RULES = {**POINT_RULES, "installation": "in service (not written off)"}
CREATE_REQUEST = {"type": "object", "additionalProperties": False, "required": ["tag", "name", "kind", "unit"],
                  "properties": POINT_FIELDS}
PATCH_REQUEST = {"type": "object", "additionalProperties": False, "properties": POINT_FIELDS}
POINT_PROPS = {
    "id": INT, "installation_id": INT, "tag": STR, "name": STR, "kind": POINT_FIELDS["kind"], "unit": STR,
    "ll": _nullable(NUM), "l": _nullable(NUM), "h": _nullable(NUM), "hh": _nullable(NUM),
    "deadband": _nullable(NUM), "silence_minutes": INT, "active": {"type": "boolean"},
    "last_time": {"oneOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]},
    "last_value": _nullable(NUM),
    "open_alarms": {**INT, "description": "Alarms of the point not closed."},
}
SCHEMAS["MeasurementPoint"] = {"type": "object", "required": list(POINT_PROPS), "properties": POINT_PROPS}
SCHEMAS["MeasurementPointList"] = {"type": "object", "required": ["items"], "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/MeasurementPoint"}}}}

OPEN = [s.value for s in NOT_FINAL]


def _number(value):
    return float(value) if value is not None else None


def _installation(i):
    calc = rules.calculate(i.substances, i.people_within_500m)
    return {
        "id": i.id, "enterprise": ref(i.enterprise), "code": i.code, "name": i.name, "kind": i.kind,
        "location": i.location, "status": i.status, "level": i.level, "r": float(calc.shown(calc.r)),
        "assessed_on": d(i.assessed_on), "assessment_due": d(i.assessment_due), "validity_years": i.validity_years,
        "filed_on": d(i.filed_on), "filing_no": i.filing_no, "written_off_on": d(i.written_off_on),
    }


def _person(u):
    return {"id": u.id, "name": u.name, "phone": u.phone or ""} if u is not None else None


@operation("/installations", "GET", summary="The major hazard installations the caller may see", tag="installations",
           response="InstallationPage", query=(
               q("state", {"type": "string", "enum": ["in_service", "written_off", "all"], "default": "all"},
                 "in_service, written_off, or all (default)."),
               q("enterprise", ID, "Enterprise id."), *PAGING))
def list_installations():
    stmt = scope(Installation, user()).options(selectinload(Installation.enterprise),
                                               selectinload(Installation.substances))
    state = request.args.get("state", "all")
    if state in ("in_service", "written_off"):
        stmt = stmt.where(Installation.status == state)
    if request.args.get("enterprise"):
        stmt = stmt.where(Installation.enterprise_id == int(request.args["enterprise"]))
    return paged(stmt.order_by(Installation.enterprise_id, Installation.code, Installation.id), _installation)


@operation("/installations/<int:installation_id>", "GET", tag="installations", response="InstallationDetail",
           summary="One installation: substances and the calculation of R, level, assessment due, the 包保 "
                   "persons, open alarms and the number of open hazards")
def get_installation(installation_id):
    i = visible_or_404(Installation, installation_id, options=(selectinload(Installation.substances),))
    calc = rules.calculate(i.substances, i.people_within_500m)
    alarms = db.session.execute(
        select(Alarm, MeasurementPoint.tag).join(MeasurementPoint, MeasurementPoint.id == Alarm.point_id)
        .where(MeasurementPoint.installation_id == i.id, loop.open_clause())
        .order_by(Alarm.raised_at.desc(), Alarm.id.desc())).all()
    open_hazards = db.session.scalar(select(func.count(Hazard.id)).where(
        Hazard.installation_id == i.id, Hazard.status.in_(OPEN)))
    return {
        **_installation(i),
        "substances": [{"name": s.name, "cas": s.cas, "max_quantity": float(s.max_quantity),
                        "critical_quantity": float(s.critical_quantity), "beta": float(s.beta),
                        "ratio": float(calc.shown(t.ratio)), "term": float(calc.shown(t.value))}
                       for s, t in zip(i.substances, calc.terms, strict=True)],
        "calculation": {"people_within_500m": calc.people, "alpha": float(calc.alpha),
                        "sum_ratio": float(calc.shown(calc.sum_ratio)), "sum_terms": float(calc.shown(calc.sum_terms)),
                        "r": float(calc.shown(calc.r)), "is_major": calc.is_major},
        "persons": {role: _person(getattr(i, role)) for role in rules.ROLES},
        "open_alarms": [{"id": a.id, "point_id": a.point_id, "tag": tag, "kind": a.kind, "state": a.state,
                         "raised_at": dt(a.raised_at), "acknowledged": a.acknowledged_at is not None}
                        for a, tag in alarms[:50]],
        "open_alarm_count": len(alarms),
        "open_hazards": open_hazards,
        "points": point_rules.counts_by_installation([i.id]).get(i.id, 0),
    }


def _point(p, open_alarms):
    return {
        "id": p.id, "installation_id": p.installation_id, "tag": p.tag, "name": p.name, "kind": p.kind,
        "unit": p.unit, "ll": p.ll, "l": p.l, "h": p.h, "hh": p.hh, "deadband": p.deadband,
        "silence_minutes": p.silence_minutes, "active": p.active, "last_time": dt(p.last_time),
        "last_value": p.last_value, "open_alarms": open_alarms.get(p.id, 0),
    }


def _open_by_point(ids):
    if not ids:
        return {}
    return dict(db.session.execute(select(Alarm.point_id, func.count(Alarm.id)).where(
        Alarm.point_id.in_(ids), loop.open_clause()).group_by(Alarm.point_id)).all())


def _may_edit(installation):
    if not can(user(), "point.edit", installation):
        raise ApiError(403, "forbidden", _("Only the office's staff and the enterprise's safety manager or "
                                           "principal edit measurement points."))


def _refused(exc):
    field, message = next(iter(exc.errors.items()))
    return invalid(message, field)


@operation("/installations/<int:installation_id>/points", "GET", summary="The measurement points of an installation",
           tag="installations", response="MeasurementPointList")
def installation_points(installation_id):
    i = visible_or_404(Installation, installation_id)
    items = point_rules.of_installation(i.id)
    counts = _open_by_point([p.id for p in items])
    return {"items": [_point(p, counts) for p in items]}


@operation("/installations/<int:installation_id>/points", "POST", tag="installations", ok=201,
           response="MeasurementPoint", body=CREATE_REQUEST, rules=CREATE_RULES, errors=(403,),
           summary="Add a measurement point (staff; the enterprise's safety manager or principal)")
def create_point(installation_id, data):
    i = visible_or_404(Installation, installation_id)
    _may_edit(i)
    try:
        point = point_rules.create(i, data, user())
    except point_rules.PointError as exc:
        db.session.rollback()
        raise _refused(exc) from None
    return _point(point, {}), 201


@operation("/points/<int:point_id>", "GET", summary="One measurement point", tag="installations",
           response="MeasurementPoint")
def get_point(point_id):
    p = visible_or_404(MeasurementPoint, point_id)
    return _point(p, _open_by_point([p.id]))


@operation("/points/<int:point_id>", "PATCH", tag="installations", response="MeasurementPoint",
           body=PATCH_REQUEST, rules=POINT_RULES, errors=(403,),
           summary="Change a measurement point: the fields given (staff; the enterprise's safety manager or "
                   "principal). New limits apply from the next reading.")
def patch_point(point_id, data):
    p = visible_or_404(MeasurementPoint, point_id)
    _may_edit(p.installation)
    try:
        point_rules.update(p, data, user())
    except point_rules.PointError as exc:
        db.session.rollback()
        raise _refused(exc) from None
    return _point(p, _open_by_point([p.id]))
