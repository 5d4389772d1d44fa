"""Hazards (list 1): the ledger list with its filters, file, get, correct (staff), transitions."""
from flask import request
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from .. import idempotency, lifecycle, queries, reference
from ..models import (
    Enterprise,
    ExtensionRequest,
    Hazard,
    HazardSource,
    Inspection,
    Installation,
    ReinspectionFinding,
    Role,
    SupervisionLevel,
    SuspensionKind,
)
from ..permissions import get_visible
from . import serialize
from .common import bad_filters, invalid, page_dict, user, visible_or_404
from .spec import CRITERION_REF, DATE, ID, _nullable, ledger_params, operation

DETAIL_OPTIONS = (
    joinedload(Hazard.enterprise), joinedload(Hazard.found_by), joinedload(Hazard.plan),
    selectinload(Hazard.measures), selectinload(Hazard.attachments),
    selectinload(Hazard.extension_requests).joinedload(ExtensionRequest.hazard),
    joinedload(Hazard.inspection), joinedload(Hazard.supervision), selectinload(Hazard.suspensions),
    selectinload(Hazard.findings).selectinload(ReinspectionFinding.inspectors),
    selectinload(Hazard.findings).joinedload(ReinspectionFinding.recorded_by),
    joinedload(Hazard.responsible_user),
)
TEXT = lifecycle.MAX_TEXT
HAZARD_REQUEST = {
    "type": "object", "additionalProperties": False,
    "required": ["enterprise_id", "title", "category", "deadline"],
    "properties": {
        "enterprise_id": ID,
        "inspection_id": ID,
        "installation_id": {**ID, "description": "The major hazard installation concerned (GET the "
                            "installations of the hazard's enterprise on its register)."},
        "title": {"type": "string", "minLength": 1, "maxLength": 200},
        "category": {"type": "string", "enum": reference.category_codes()},
        "deadline": {**DATE, "description": "Not before found_on."},
        "found_on": {**DATE, "description": "Default: today (park time)."},
        "description": {"type": "string", "maxLength": TEXT},
        "location": {"type": "string", "maxLength": 200},
        "criterion": {**CRITERION_REF, "description": "Major-hazard criterion (set, clause); makes the hazard "
                      "major. It must be a clause of the set in force on found_on (AQ3067-2026 from 2026-09-30, "
                      "AJZG3-2017-121 before): GET /criteria?on=DATE lists it."},
        "major_ground": {"type": "string", "enum": [g.code for g in reference.major_grounds()],
                         "description": "Major by judgment without a criterion: a ground of 16号令 Art. 3 "
                                        "(needs major_reason); makes the hazard major."},
        "major_reason": {"type": "string", "maxLength": TEXT, "description": "Why the hazard is major."},
        "legal_basis": {"type": "string", "maxLength": TEXT},
        "responsible_person": {"type": "string", "maxLength": 100},
        "responsible_user_id": {**ID, "description": "The enterprise user responsible (an active user of the "
                                "enterprise; notified). responsible_person defaults to their name."},
        "latitude": {"type": "number", "minimum": -90, "maximum": 90,
                     "description": "Where it was found: WGS-84 degrees as a device's geolocation gives them "
                                    "(stored unchanged, not GCJ-02). With longitude and location_accuracy_m."},
        "longitude": {"type": "number", "minimum": -180, "maximum": 180,
                      "description": "WGS-84 degrees. With latitude and location_accuracy_m."},
        "location_accuracy_m": {"type": "number", "minimum": 0,
                                "description": "The accuracy of the position in metres. With latitude and longitude."},
    },
}
PATCH_REQUEST = {
    "type": "object", "additionalProperties": False, "required": ["version"],
    "properties": {
        "version": {"type": "integer", "description": "The version the client saw (409 when stale)."},
        "title": {"type": "string", "minLength": 1, "maxLength": 200},
        "category": {"type": "string", "enum": reference.category_codes()},
        "description": {"type": "string", "maxLength": TEXT},
        "location": {"type": "string", "maxLength": 200},
        "legal_basis": {"type": "string", "maxLength": TEXT},
        "responsible_person": {"type": "string", "maxLength": 100},
    },
}
TRANSITION_REQUEST = {
    "type": "object", "additionalProperties": False, "required": ["action", "version"],
    "properties": {
        "action": {"type": "string", "enum": sorted(lifecycle.TRANSITIONS)},
        "version": {"type": "integer", "description": "The version the client saw (409 when stale)."},
        "note": {"type": "string", "maxLength": TEXT, "description": "submit: what was rectified."},
        "reason": {"type": "string", "maxLength": TEXT,
                   "description": "reject (the re-inspection opinion), withdraw, request_extension, reclassify."},
        "comment": {"type": "string", "maxLength": TEXT,
                    "description": "verify: taken as the opinion when no opinion is given."},
        "opinion": {"type": "string", "maxLength": TEXT,
                    "description": "verify, reject: the re-inspection opinion (for reject, reason is used "
                                   "when no opinion is given)."},
        "reinspected_on": {**DATE, "description": "verify, reject: the day of the on-site re-inspection "
                                                  "(default today)."},
        "inspectors": {"type": "array", "items": ID, "minItems": 1, "maxItems": 20, "uniqueItems": True,
                       "description": "verify, reject: user ids of the inspectors present (default: the caller)."},
        "new_deadline": {**DATE, "description": "request_extension."},
        "level": {"type": "string", "enum": ["general", "major"], "description": "reclassify: the new level."},
        "major_ground": {"type": "string", "enum": [g.code for g in reference.major_grounds()],
                         "description": "reclassify to major: the ground of 16号令 Art. 3 (the reason explains it)."},
        "acceptance_opinion": {"type": "string", "maxLength": TEXT, "description": "close (验收销号)."},
        "accepted_on": {**DATE, "description": "close: not before the verification, not in the future."},
        "accepted_by": {"type": "string", "maxLength": 300, "description": "close: the people who accepted."},
        # list_supervision / lift_supervision (admin), record_suspension / end_suspension (staff)
        "authority": {"type": "string", "maxLength": 200, "description": "list_supervision."},
        "supervision_level": {"type": "string", "enum": [v.value for v in SupervisionLevel],
                              "description": "list_supervision."},
        "document_no": {"type": "string", "maxLength": 100, "description": "list_supervision."},
        "listed_on": {**DATE, "description": "list_supervision."},
        "required_by": {**DATE, "description": "list_supervision: required completion date."},
        "lifted_on": {**DATE, "description": "lift_supervision (after close-out)."},
        "lift_document_no": {"type": "string", "maxLength": 100, "description": "lift_supervision."},
        "kind": {"type": "string", "enum": [k.value for k in SuspensionKind], "description": "record_suspension."},
        "area": {"type": "string", "maxLength": 200, "description": "record_suspension."},
        "starts_on": {**DATE, "description": "record_suspension."},
        "ends_on": {**_nullable(DATE), "description": "record_suspension (optional), end_suspension."},
        "suspension_id": {"type": "integer", "description": "end_suspension: one of the hazard's suspensions."},
    },
}


def load(hazard_id):
    return visible_or_404(Hazard, hazard_id, options=DETAIL_OPTIONS)


def detail(hazard):
    return serialize.hazard_detail(hazard, user())


@operation("/hazards", "GET", summary="The hazard ledger (list 1) with the web ledger's filters", tag="hazards",
           response="HazardPage", query=ledger_params())
def list_hazards():
    filters = queries.parse_filters(request.args)
    if (error := bad_filters(filters.errors)) is not None:
        raise error
    page = queries.hazard_page(user(), filters)
    return page_dict([serialize.hazard(h) for h in page.items], page.total, page.page, page.per_page)


def _required_texts():
    needs = {}
    for action, transition in lifecycle.TRANSITIONS.items():
        for name in transition.requires:
            needs.setdefault(name, []).append(action)
    return {name: f"not blank for {', '.join(actions)}" for name, actions in needs.items() if name != "new_deadline"}


CREATE_RULES = {
    "enterprise_id": "an enterprise the caller can see",
    "inspection_id": "an inspection the caller can see, of the same enterprise, in progress",
    "installation_id": "a major hazard installation of the same enterprise",
    "deadline": "not before found_on (default: today)",
    "criterion": "a clause of the criteria set in force on found_on (GET /criteria?on=DATE)",
    "major_ground": "major_reason not blank with a ground; a hazard has a criterion or a ground, not both",
    "major_reason": "not blank with major_ground",
    "responsible_user_id": "an active user of the hazard's enterprise",
    "latitude": "latitude, longitude and location_accuracy_m all given or none",
    "longitude": "latitude, longitude and location_accuracy_m all given or none",
    "location_accuracy_m": "latitude, longitude and location_accuracy_m all given or none",
}
TRANSITION_RULES = {
    **_required_texts(),
    "new_deadline": "request_extension: required, after the current deadline and not in the past",
    "measures": "submit: at least one measure, every measure done",
    "evidence": "submit: at least one evidence file",
    "plan": "acknowledge of a major hazard: its governance plan complete",
    "opinion": "not blank for verify (or comment); for reject, reason or opinion not blank",
    "reason": "not blank for withdraw, request_extension, reclassify; for reject, reason or opinion not blank",
    "reinspected_on": "verify, reject: not before the hazard's submission, not in the future",
    "inspectors": "verify, reject: active inspectors or administrators",
}


@operation("/hazards", "POST", summary="File a hazard (staff; an enterprise for itself: self-inspection)",
           tag="hazards", ok=201, response="HazardDetail", body=HAZARD_REQUEST, rules=CREATE_RULES,
           description="An enterprise token files only at its own enterprise; the source is then always "
                       "self_inspection (企业自查). Staff-filed hazards are government_inspection. "
                       "An `Idempotency-Key` header (8–64 of A–Z a–z 0–9 - _, unique per user) files once: "
                       "the same key sent again answers with the hazard filed the first time and files "
                       "nothing (header `Idempotent-Replayed: true`).")
def create_hazard(data):
    key = idempotency.clean_key(request.headers.get("Idempotency-Key"), field="Idempotency-Key")
    earlier = idempotency.replayed(user(), key, "hazard", field="Idempotency-Key")
    if earlier is not None:
        return detail(load(earlier)), 201, {"Idempotent-Replayed": "true"}
    enterprise = get_visible(Enterprise, data["enterprise_id"], user())
    if enterprise is None:
        raise invalid(_("Choose an enterprise from the list."), "enterprise_id")
    inspection = None
    if data.get("inspection_id") is not None:
        inspection = get_visible(Inspection, data["inspection_id"], user())
        if inspection is None:
            raise invalid(_("Choose an inspection from the list."), "inspection_id")
    fields = {k: data[k] for k in ("description", "location", "criterion", "legal_basis", "found_on",
                                   "responsible_person", "major_ground", "major_reason",
                                   "latitude", "longitude", "location_accuracy_m") if k in data}
    if data.get("responsible_user_id") is not None:
        fields["responsible_user"] = data["responsible_user_id"]
    if user().role == Role.ENTERPRISE:
        fields["source"] = HazardSource.SELF_INSPECTION.value
    if data.get("installation_id") is not None:
        fields["installation"] = get_visible(Installation, data["installation_id"], user())
        if fields["installation"] is None or fields["installation"].enterprise_id != enterprise.id:
            raise invalid(_("Choose an installation of this enterprise."), "installation_id")

    def create():
        return lifecycle.file_hazard(user(), enterprise=enterprise, inspection=inspection, title=data["title"],
                                     category=data["category"], deadline=data["deadline"], commit=False, **fields)

    hazard_id, created = idempotency.create_once(user(), key, "api.create_hazard", "hazard", create,
                                                 field="Idempotency-Key")
    return detail(load(hazard_id)), 201, ({} if created else {"Idempotent-Replayed": "true"})


@operation("/hazards/<int:hazard_id>", "GET", summary="One hazard with measures, plan, files and allowed actions",
           tag="hazards", response="HazardDetail")
def get_hazard(hazard_id):
    return detail(load(hazard_id))


@operation("/hazards/<int:hazard_id>", "PATCH", summary="Correct a hazard's descriptive fields (staff)",
           tag="hazards", response="HazardDetail", body=PATCH_REQUEST,
           description="Status, level and deadline change only through transitions.")
def patch_hazard(hazard_id, data):
    hazard = load(hazard_id)
    version = data.pop("version")
    lifecycle.edit_hazard(hazard, user(), version=version, **data)
    return detail(load(hazard_id))


@operation("/hazards/<int:hazard_id>/transitions", "POST", summary="Apply a lifecycle action",
           tag="hazards", response="HazardDetail", body=TRANSITION_REQUEST,
           description="acknowledge, submit, reject, verify, close, accept (企业验收: an enterprise user other "
                       "than the rectifier, on a general hazard the enterprise found itself; opinion, accepted_on), "
                       "withdraw, request_extension, "
                       "approve_extension, refuse_extension, reclassify, list_supervision, lift_supervision, "
                       "record_suspension, end_suspension; checked by role, enterprise, state and version.",
           rules=TRANSITION_RULES)
def transition(hazard_id, data):
    hazard = load(hazard_id)
    action, version = data.pop("action"), data.pop("version")
    lifecycle.apply(hazard, action, user(), version=version, **data)
    return detail(load(hazard_id))
