"""The major-hazard criteria catalogue: a set with its clauses (texts, or "not imported")."""
from datetime import date

from flask import request
from flask_babel import gettext as _

from .. import criteria
from ..clock import today
from .common import invalid
from .spec import DATE, operation, q


@operation("/criteria", "GET", summary="A list of major-hazard criteria with its clauses", tag="criteria",
           response="CriteriaSet",
           query=(q("set", {"type": "string", "enum": criteria.shipped_set_codes()},
                    "Set code, e.g. AQ3067-2026 or AJZG3-2017-121."),
                  q("on", DATE, "Without set: the set in force on this day (default: today, park time).")),
           description="Hazards refer to a criterion as {set, clause}. AQ3067-2026 applies to hazards found "
                       "from 2026-09-30, AJZG3-2017-121 (安监总管三〔2017〕121号) before. A clause whose text "
                       "the office has not imported has an empty text and text_imported false.")
def list_criteria():
    code = request.args.get("set", "").strip()
    if code:
        criteria_set = criteria.get_set(code[:40])
        if criteria_set is None:
            raise invalid(_("Unknown list of criteria."), "set")
    else:
        try:
            day = date.fromisoformat(request.args["on"]) if request.args.get("on") else today()
        except ValueError:
            raise invalid(_("Give the date as YYYY-MM-DD."), "on") from None
        criteria_set = criteria.set_in_force(day)
        if criteria_set is None:
            raise invalid(_("No list of major-hazard criteria applies on %(day)s.", day=day.isoformat()), "on")
    return {
        "set": {"code": criteria_set.code, "title": criteria_set.title, "issuer": criteria_set.issuer,
                "document_number": criteria_set.document_number,
                "in_force_from": criteria_set.in_force_from.isoformat() if criteria_set.in_force_from else None,
                "in_force_until": criteria_set.in_force_until.isoformat() if criteria_set.in_force_until else None},
        "criteria": [{"clause": c.clause, "group": c.group, "text": c.text, "text_imported": c.has_text,
                      "description": criteria.describe_criterion(c)}
                     for c in criteria.clauses(criteria_set.code)],
    }
