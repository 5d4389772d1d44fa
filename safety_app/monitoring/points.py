"""Measurement points of an installation: the one place of their rules, shared by the web form and
the API (``validate``, ``create``, ``update``).

- tag (the DCS/SIS tag, unique within the enterprise), name, kind (temperature, pressure, level,
  flow, gas concentration), unit;
- limits LL / L / H / HH, each optional, finite, and LL < L < H < HH for those given;
- deadband (hysteresis, ≥ 0; empty: 2 % of the span of the limits), data-loss minutes (1–1440), active.

Bad input raises ``PointError`` with one message per field and writes nothing. Who may edit is
``permissions.can(user, "point.edit", installation)`` (staff, and the enterprise's safety manager
or principal). A change of limits applies from the next reading; alarms already raised keep their
own limit value.
"""
import math
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import audit, registry
from ..extensions import db
from ..models import Alarm, MeasurementPoint, PointKind
from ..models.monitoring import LIMITS
from ..validation import has_control_characters

KINDS = tuple(k.value for k in PointKind)
LIMIT_NAMES = {"ll": "LL", "l": "L", "h": "H", "hh": "HH"}
MAX_ABS = 1e9           # any limit or deadband, in the point's unit
MAX_SILENCE = 1440      # data-loss minutes: at most a day
DEFAULT_SILENCE = 10
TAG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/#-]*$")
FIELDS = ("tag", "name", "kind", "unit", *LIMITS, "deadband", "silence_minutes", "active")

FIELD_LABELS = {
    "tag": _l("Tag"), "name": _l("Name"), "kind": _l("What it measures"), "unit": _l("Unit"),
    "ll": _l("Low-low limit (LL)"), "l": _l("Low limit (L)"), "h": _l("High limit (H)"),
    "hh": _l("High-high limit (HH)"), "deadband": _l("Deadband"),
    "silence_minutes": _l("Data loss after (minutes)"), "active": _l("Active"),
}


class PointError(ValueError):
    """The point's data is not valid; ``errors`` maps field names to messages (nothing was written)."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def current_values(point):
    return {name: getattr(point, name) for name in FIELDS}


def _number(raw):
    """A float from a form string (full-width digits accepted) or a JSON number; None when empty.
    Raises ValueError for anything else, NaN and ±∞ included."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = registry._narrow(raw).replace(",", "").replace(" ", "")
        try:
            value = float(text)
        except ValueError:
            raise ValueError from None
    if not math.isfinite(value):
        raise ValueError
    return value


def _flag(raw):
    if isinstance(raw, bool):
        return raw
    return str(raw or "").strip().lower() in ("1", "true", "y", "yes", "on")


def validate(data, installation, current=None):
    """Clean one point's fields. Returns ``(values, errors)``; ``errors`` maps a field to one message."""
    values, errors = {}, {}
    for name, limit in (("tag", 60), ("name", 200), ("unit", 20)):
        raw = data.get(name)
        if has_control_characters(raw):
            errors[name] = _l("Remove the invisible control characters.")
            values[name] = ""
            continue
        text = registry._text(raw)
        if name == "tag":
            text = registry._narrow(text).upper()
        values[name] = text
        if not text:
            errors[name] = _l("%(field)s is required.", field=FIELD_LABELS[name])
        elif len(text) > limit:
            errors[name] = _l("At most %(n)d characters.", n=limit)
    if "tag" not in errors and not TAG.match(values["tag"]):
        errors["tag"] = _l("A tag is letters, digits and - _ . / # (e.g. TI-101).")

    kind = str(data.get("kind") or "")
    if kind not in KINDS:
        errors["kind"] = _l("Choose temperature, pressure, level, flow or gas concentration.")
    values["kind"] = kind

    for name in (*LIMITS, "deadband"):
        try:
            value = _number(data.get(name))
        except ValueError:
            errors[name] = _l("%(field)s must be a number.", field=FIELD_LABELS[name])
            values[name] = None
            continue
        if value is not None and abs(value) > MAX_ABS:
            errors[name] = _l("%(field)s: at most 1,000,000,000 in size.", field=FIELD_LABELS[name])
        elif name == "deadband" and value is not None and value < 0:
            errors["deadband"] = _l("The deadband cannot be negative (leave it empty for 2 per cent of the span).")
        values[name] = value
    given = [(name, values[name]) for name in LIMITS if values[name] is not None and name not in errors]
    for (low_name, low), (high_name, high) in zip(given, given[1:], strict=False):
        if not low < high:
            errors.setdefault(high_name, _l("%(high)s must be greater than %(low)s (LL < L < H < HH).",
                                            high=LIMIT_NAMES[high_name], low=LIMIT_NAMES[low_name]))

    raw_silence = data.get("silence_minutes")
    try:
        silence = _number(raw_silence)
    except ValueError:
        silence = -1
    silence = DEFAULT_SILENCE if silence is None else silence
    if silence != int(silence) or not 1 <= silence <= MAX_SILENCE:
        errors["silence_minutes"] = _l("Give whole minutes from 1 to %(n)d.", n=MAX_SILENCE)
        silence = DEFAULT_SILENCE
    values["silence_minutes"] = int(silence)
    values["active"] = _flag(data.get("active", True))

    if "tag" not in errors and _tag_taken(installation.enterprise_id, values["tag"], current):
        errors["tag"] = _l("This enterprise already has a point with this tag.")
    return values, errors


def _tag_taken(enterprise_id, tag, current=None):
    stmt = select(MeasurementPoint.id).where(MeasurementPoint.enterprise_id == enterprise_id,
                                             MeasurementPoint.tag == tag)
    if current is not None and current.id is not None:
        stmt = stmt.where(MeasurementPoint.id != current.id)
    return db.session.scalar(stmt.limit(1)) is not None


def create(installation, data, actor):
    """Add a point to ``installation``. Raises ``PointError``; commits."""
    if not installation.in_service:
        raise PointError({"installation": _l("This installation is written off.")})
    values, errors = validate(data, installation)
    if errors:
        raise PointError(errors)
    point = MeasurementPoint(installation_id=installation.id, enterprise_id=installation.enterprise_id, **values)
    db.session.add(point)
    return _save(point, actor, "point.create")


def update(point, data, actor):
    """Change the fields given in ``data`` (the others keep their values). Raises ``PointError``; commits."""
    merged = {**current_values(point), **{k: v for k, v in data.items() if k in FIELDS}}
    values, errors = validate(merged, point.installation, current=point)
    if errors:
        raise PointError(errors)
    for name, value in values.items():
        setattr(point, name, value)
    return _save(point, actor, "point.update")


def _save(point, actor, action):
    try:
        db.session.flush()
        audit.append_event(action=action, actor=actor, data={
            "point_id": point.id, "installation_id": point.installation_id, "tag": point.tag,
            "limits": {LIMIT_NAMES[n]: getattr(point, n) for n in LIMITS}, "active": point.active})
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise PointError({"tag": _l("This enterprise already has a point with this tag.")}) from None
    return point


# --- read side -----------------------------------------------------------------------------------

def of_installation(installation_id):
    return db.session.execute(select(MeasurementPoint).where(MeasurementPoint.installation_id == installation_id)
                              .order_by(MeasurementPoint.tag, MeasurementPoint.id)).scalars().all()


def counts_by_installation(installation_ids):
    """{installation_id: number of points}."""
    if not installation_ids:
        return {}
    return dict(db.session.execute(
        select(MeasurementPoint.installation_id, func.count(MeasurementPoint.id))
        .where(MeasurementPoint.installation_id.in_(installation_ids))
        .group_by(MeasurementPoint.installation_id)).all())


def open_alarms_by_installation(installation_ids):
    """{installation_id: number of alarms not closed} (the park table's column, the API, the page)."""
    from .loop import open_clause

    if not installation_ids:
        return {}
    return dict(db.session.execute(
        select(MeasurementPoint.installation_id, func.count(Alarm.id))
        .join(Alarm, Alarm.point_id == MeasurementPoint.id)
        .where(MeasurementPoint.installation_id.in_(installation_ids), open_clause())
        .group_by(MeasurementPoint.installation_id)).all())
