"""Numbers from the URL: ids in the path and ``page`` in the query string.

Ids beyond what the database stores (``queries.MAX_ID``) do not match any route
(404, like a missing id) instead of overflowing the database driver (500); a
``page`` that is not a whole number from 1 to ``queries.MAX_PAGE`` answers 400,
like the ledgers and the API.
"""
from flask import abort, request
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, ValidationError

from ..queries import MAX_ID, page_number


class IdConverter(IntegerConverter):
    """``<int:...>`` with an upper bound: the largest id the database can hold."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_ID if max is None else max,
                         signed=signed)

    def to_python(self, value):
        # A refused conversion lets the router go on and answer 405 when a rule for another method
        # has the same shape; an id that cannot exist names nothing, whatever the method: 404.
        try:
            return super().to_python(value)
        except ValidationError:
            raise NotFound() from None


def install(app):
    """Make every ``<int:...>`` of the app bounded (call before the blueprints are registered)."""
    app.url_map.converters["int"] = IdConverter


def page_arg():
    """The ``page`` query value (default 1); 400 when it is not a page number."""
    raw = request.args.get("page", "")
    if raw.strip() == "":
        return 1
    number = page_number(raw)
    if number is None:
        abort(400)
    return number
