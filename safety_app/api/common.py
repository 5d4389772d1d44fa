"""What every API module shares: JSON errors, request body validation, paging, the caller."""
from datetime import date
from math import ceil

from flask import g, jsonify, request
from flask_babel import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import func, select

from .. import lifecycle, validation
from ..extensions import db
from ..permissions import get_visible
from ..queries import MAX_ID, MAX_PAGE, MAX_PER_PAGE, PER_PAGE
from ..validation import CONTROL_CHARACTERS, control_characters_message
from . import bp


class ApiError(Exception):
    """An error answered as ``{"error": {"code", "message"[, "field"]}}`` with ``status``."""

    def __init__(self, status, code, message, field=None):
        super().__init__(str(message))
        self.status, self.code, self.message, self.field = status, code, message, field


def error_response(status, code, message, field=None, headers=None):
    body = {"code": code, "message": str(message)}
    if field:
        body["field"] = field
    response = jsonify({"error": body})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


@bp.errorhandler(ApiError)
def _api_error(exc):
    return error_response(exc.status, exc.code, exc.message, exc.field)


# The cores name some fields differently from the API's request bodies.
API_FIELDS = {"inspectors": "inspector_ids", "inspection": "inspection_id"}


@bp.errorhandler(lifecycle.LifecycleError)
def _lifecycle_error(exc):
    from ..uploads import UploadError

    field = API_FIELDS.get(exc.field, exc.field)
    if field is None and isinstance(exc, UploadError):
        field = "file"
    return error_response(exc.status, exc.code, exc.message, field)


def user():
    """The user of the bearer token of this request."""
    return g.api_user


def not_found():
    return ApiError(404, "not_found", _("Not found."))


def visible_or_404(model, ident, options=()):
    """The row if the caller may see it; else 404, exactly like a missing id."""
    if not isinstance(ident, int) or not 1 <= ident <= MAX_ID:
        raise not_found()
    obj = get_visible(model, ident, user(), options=options)
    if obj is None:
        raise not_found()
    return obj


def invalid(message, field=None):
    return ApiError(422, "invalid", message, field)


def _bad_text(value, bad=None):
    """True when a string in ``value`` has NUL or a lone surrogate (or, with ``bad``, matches it)."""
    if isinstance(value, str):
        if "\x00" in value or (bad is not None and bad(value)):
            return True
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_bad_text(v, bad) or _bad_text(k, bad) for k, v in value.items())
    if isinstance(value, list):
        return any(_bad_text(v, bad) for v in value)
    return False


def _field_of(error):
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in (error.instance or {})]
        return missing[0] if missing else None
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return extra[0] if extra else None
    path = [str(p) for p in error.absolute_path]
    return path[0] if path else None


MAX_JSON_DEPTH = 8


def _depth(value, limit):
    """How deeply ``value`` nests (a scalar is 0), counting no further than ``limit`` + 1."""
    if limit < 0 or not isinstance(value, dict | list):
        return 0
    children = value.values() if isinstance(value, dict) else value
    return 1 + max((_depth(v, limit - 1) for v in children), default=0)


def _parsed_json():
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nesting deep enough to exhaust the parser
        data = None
        too_deep = True
    else:
        too_deep = _depth(data, MAX_JSON_DEPTH) > MAX_JSON_DEPTH
    if too_deep:
        raise ApiError(400, "bad_request", _("The JSON is nested too deeply (at most %(n)d levels).",
                                             n=MAX_JSON_DEPTH))
    return data


def json_body(schema):
    """The request's JSON object, checked against ``schema`` (the same one the OpenAPI
    description shows); date fields come back as ``date``. 400 / 422 otherwise."""
    data = _parsed_json()
    if not isinstance(data, dict):
        raise ApiError(400, "bad_request", _("Send a JSON object (Content-Type: application/json)."))
    if _bad_text(data):
        raise invalid(_("Text may not contain NUL or unpaired surrogate characters."))
    if _bad_text(data, CONTROL_CHARACTERS.search):
        raise invalid(control_characters_message())
    errors = sorted(Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(data),
                    key=lambda e: list(e.absolute_path))
    if errors:
        field = _field_of(errors[0])
        if errors[0].validator == "required":
            message = _("This field is required.")
        elif errors[0].validator == "additionalProperties":
            message = _("This field is not known here.")
        else:
            message = _("This value is not valid.")
        raise invalid(message, field)
    for name, prop in schema.get("properties", {}).items():
        if name in data:
            data[name] = _as_integers(data[name], prop)
        if data.get(name) is not None and is_date(prop):
            try:
                data[name] = date.fromisoformat(data[name])
            except ValueError:
                raise invalid(_("Give the date as YYYY-MM-DD."), name) from None
            check_date_window(data[name], name)
    return data


def _as_integers(value, prop):
    """JSON Schema counts 12.0 as an integer; the cores get 12."""
    if prop.get("type") == "integer" and isinstance(value, float):
        return int(value)
    if prop.get("type") == "array" and isinstance(value, list):
        return [_as_integers(v, prop.get("items", {})) for v in value]
    return value


def is_date(prop):
    """A date field: ``format: date``, possibly as one of several alternatives (date or null)."""
    return prop.get("format") == "date" or any(is_date(p) for p in prop.get("oneOf", ()))


def check_date_window(value, name):
    """Dates are plausible: within ``validation.date_window()`` (422 otherwise)."""
    first, last = validation.date_window()
    if not first <= value <= last:
        raise invalid(_("Give a date between %(first)s and %(last)s.", first=first.isoformat(),
                        last=last.isoformat()), name)


def page_args():
    """``page`` and ``per_page`` from the query string (400 when out of range)."""
    values = []
    for name, default, high in (("page", 1, MAX_PAGE), ("per_page", PER_PAGE, MAX_PER_PAGE)):
        raw = request.args.get(name, "")
        if raw == "":
            values.append(default)
            continue
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if not 1 <= value <= high:
            raise ApiError(400, "bad_request", _("Between 1 and %(n)d.", n=high), name)
        values.append(value)
    return values


def paged(stmt, serialize, page=None, per_page=None):
    """A page of ``stmt``: ``{"items", "total", "page", "per_page", "pages"}`` in two queries."""
    if page is None:
        page, per_page = page_args()
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).unique().scalars().all() \
        if total else []
    return page_dict([serialize(x) for x in items], total, page, per_page)


def page_dict(items, total, page, per_page):
    return {"items": items, "total": total, "page": page, "per_page": per_page,
            "pages": max(1, ceil(total / per_page))}


RANGE_ENDS = ("found_to", "deadline_to", "closed_to")


def bad_filters(errors):
    """The first filter error; ``None`` when there is none. An end before its start is no error
    here (the OpenAPI cannot say it): such a range simply matches nothing."""
    errors = {name: message for name, message in errors.items() if name not in RANGE_ENDS}
    if not errors:
        return None
    name, message = next(iter(errors.items()))
    return ApiError(400, "bad_request", message, name)
