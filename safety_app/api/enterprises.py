"""Enterprises: list and get (an enterprise user sees only their own)."""
from flask import request
from sqlalchemy import or_

from ..models import Enterprise
from ..permissions import scope
from ..queries import _like
from . import serialize
from .common import paged, user, visible_or_404
from .params import FLAG, flag
from .spec import PAGING, operation, q


@operation("/enterprises", "GET", summary="List the enterprises the caller may see", tag="enterprises",
           response="EnterprisePage", query=(
               q("q", {"type": "string", "maxLength": 100}, "Text in the name or credit code."),
               q("active", FLAG), *PAGING))
def list_enterprises():
    stmt = scope(Enterprise, user())
    text = request.args.get("q", "").strip().replace("\x00", "")[:100]
    if text:
        pattern = _like(text)
        stmt = stmt.where(or_(Enterprise.name.ilike(pattern, escape="\\"),
                              Enterprise.credit_code.ilike(pattern, escape="\\")))
    if (active := flag("active")) is not None:
        stmt = stmt.where(Enterprise.active.is_(active))
    return paged(stmt.order_by(Enterprise.name, Enterprise.id), serialize.enterprise)


@operation("/enterprises/<int:enterprise_id>", "GET", summary="One enterprise", tag="enterprises",
           response="Enterprise")
def get_enterprise(enterprise_id):
    return serialize.enterprise(visible_or_404(Enterprise, enterprise_id))
