"""Query parameters checked against their own OpenAPI description before the view runs,
so the server refuses exactly what the description rules out (400, naming the parameter)."""
import re

from flask import request
from flask_babel import gettext as _
from jsonschema import Draft202012Validator, FormatChecker

from .common import ApiError

INTEGER = re.compile(r"-?[0-9]{1,30}\Z")
# A yes/no query parameter: true/false, and the spellings the web ledger's links use.
FLAG_WORDS = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}
FLAG = {"anyOf": [{"type": "boolean"}, {"type": "string", "enum": ["1", "0", "yes", "no"]}],
        "description": "true or false (also 1/0, yes/no)."}


def _types(schema):
    return {schema.get("type"), *(branch.get("type") for branch in schema.get("anyOf", ()))}


def _convert(raw, schema):
    """The query string's text as the JSON value the schema speaks of (left as text if it is none)."""
    kinds = _types(schema)
    if "integer" in kinds and INTEGER.match(raw):
        return int(raw)
    if "boolean" in kinds and raw in ("true", "false"):
        return raw == "true"
    return raw


def flag(name):
    """A FLAG query parameter as True/False; None when absent (check_query refused anything else)."""
    return FLAG_WORDS.get(request.args.get(name, ""))


def _message(error, schema):
    if error.validator == "maxLength":
        return _("This text is too long (at most %(n)d characters).", n=error.validator_value)
    if error.validator == "format" and schema.get("format") == "date":
        return _("Give the date as YYYY-MM-DD.")
    if error.validator in ("minimum", "maximum") and schema.get("minimum") == 1 and "maximum" in schema:
        return _("Between 1 and %(n)d.", n=schema["maximum"])
    return _("This value is not valid.")


def check_query(params):
    """Raise a 400 ApiError for the first query parameter that its schema refuses."""
    for param in params:
        name, schema = param["name"], param["schema"]
        values = request.args.getlist(name)
        if not values:
            continue
        if schema.get("type") == "array":
            value = [_convert(v, schema["items"]) for v in values]
        elif len(values) > 1:
            raise ApiError(400, "bad_request", _("Give this parameter only once."), name)
        else:
            value = _convert(values[0], schema)
        error = next(Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(value), None)
        if error is not None:
            item_schema = schema.get("items", schema) if schema.get("type") == "array" else schema
            raise ApiError(400, "bad_request", _message(error, item_schema), name)
