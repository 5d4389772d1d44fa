"""Models → JSON-ready dicts (the shapes of ``spec.SCHEMAS``)."""
from flask import url_for

from .. import comments, lifecycle
from ..figures import definitions


def d(value):
    return value.isoformat() if value else None


def dt(value):
    """Stored naive UTC → RFC 3339 with Z."""
    return value.isoformat(timespec="seconds") + "Z" if value else None


def ref(obj, name=None):
    if obj is None:
        return None
    return {"id": obj.id, "name": name if name is not None else getattr(obj, "name", "")}


def user(u):
    return {"id": u.id, "username": u.username, "name": u.name, "role": u.role, "enterprise_id": u.enterprise_id}


def enterprise(e):
    return {name: getattr(e, name) for name in (
        "id", "name", "credit_code", "address", "zone", "industry", "legal_representative", "contact_name",
        "contact_phone", "contact_email", "major_hazard_installation", "active")}


def hazard_brief(h):
    return {"id": h.id, "code": h.code, "title": h.title, "status": h.status, "level": h.level}


def inspection(i, *, detail=False):
    data = {
        "id": i.id, "enterprise": ref(i.enterprise), "inspection_type": i.inspection_type,
        "inspected_on": d(i.inspected_on), "checklist": list(i.checklist or []), "summary": i.summary,
        "inspectors": [ref(u) for u in i.inspectors], "created_at": dt(i.created_at),
    }
    if detail:
        data["hazards"] = [hazard_brief(h) for h in i.hazards]
    return data


def criterion_ref(h):
    return {"set": h.criteria_set, "clause": h.criterion_clause} if h.criteria_set else None


def hazard(h):
    days = definitions.overdue_days(h)
    return {
        "id": h.id, "code": h.code, "enterprise": ref(h.enterprise), "inspection_id": h.inspection_id,
        "title": h.title, "description": h.description, "location": h.location, "category": h.category,
        "level": h.level, "criterion": criterion_ref(h), "major_ground": h.major_ground,
        "major_reason": h.major_reason, "legal_basis": h.legal_basis, "found_on": d(h.found_on),
        "found_by": ref(h.found_by), "original_deadline": d(h.original_deadline), "deadline": d(h.deadline),
        "status": h.status, "overdue": days > 0, "overdue_days": days, "responsible_person": h.responsible_person,
        "responsible_user": ref(h.responsible_user),
        "closed_on": d(h.closed_on), "created_at": dt(h.created_at), "updated_at": dt(h.updated_at),
        "version": h.version, "source": h.source, "installation_id": h.installation_id,
        "latitude": h.latitude, "longitude": h.longitude, "location_accuracy_m": h.location_accuracy_m,
    }


def hazard_detail(h, actor):
    data = hazard(h)
    plan = h.plan
    pending = lifecycle.pending_extension(h)
    data.update({
        "rectification_note": h.rectification_note, "submitted_at": dt(h.submitted_at),
        "verified_at": dt(h.verified_at), "closed_at": dt(h.closed_at),
        "acceptance": None if h.accepted_on is None else {
            "opinion": h.acceptance_opinion, "accepted_on": d(h.accepted_on), "accepted_by": h.accepted_by},
        "measures": [measure(m) for m in h.measures],
        "attachments": [attachment(a) for a in h.attachments],
        "plan": None if plan is None else {
            **{name: getattr(plan, name) for name in plan.ELEMENTS}, "complete": plan.is_complete},
        "pending_extension": None if pending is None else {
            "id": pending.id, "requested_deadline": d(pending.requested_deadline),
            "current_deadline": d(pending.current_deadline), "reason": pending.reason,
            "created_at": dt(pending.created_at)},
        "allowed_actions": lifecycle.allowed_actions(h, actor),
        "supervision": supervision(h.supervision),
        "suspensions": [suspension(s) for s in h.suspensions],
        "findings": [finding(f) for f in h.findings],
        "comments_count": comments.count(h.id),
        "self_acceptances": [{"id": a.id, "accepted_on": d(a.accepted_on), "opinion": a.opinion,
                              "accepted_by": ref(a.accepted_by), "rectified_by": ref(a.rectified_by),
                              "created_at": dt(a.created_at)} for a in h.self_acceptances],
    })
    return data


def supervision(s):
    if s is None:
        return None
    return {"authority": s.authority, "level": s.level, "document_no": s.document_no, "listed_on": d(s.listed_on),
            "required_by": d(s.required_by), "lifted_on": d(s.lifted_on), "lift_document_no": s.lift_document_no,
            "current": s.is_current}


def finding(f):
    """A re-inspection finding (复查结论); ``result`` passed (合格) or failed (不合格)."""
    return {"id": f.id, "result": f.result, "reinspected_on": d(f.reinspected_on),
            "inspectors": [ref(u) for u in f.inspectors], "opinion": f.opinion,
            "recorded_by": ref(f.recorded_by), "created_at": dt(f.created_at)}


def suspension(s):
    return {"id": s.id, "kind": s.kind, "area": s.area, "starts_on": d(s.starts_on), "ends_on": d(s.ends_on)}


def measure(m):
    return {
        "id": m.id, "hazard_id": m.hazard_id, "description": m.description,
        "responsible_person": m.responsible_person, "responsible_user": ref(m.responsible_user),
        "funds": float(m.funds or 0), "deadline": d(m.deadline),
        "interim_precautions": m.interim_precautions, "done_on": d(m.done_on), "done": m.done_on is not None,
        "evidence_note": m.evidence_note, "created_at": dt(m.created_at), "updated_at": dt(m.updated_at),
    }


def ledger_measure(m):
    data = measure(m)
    h = m.hazard
    data["hazard"] = {"id": h.id, "code": h.code, "title": h.title, "status": h.status,
                      "enterprise": ref(h.enterprise)}
    return data


def attachment(a):
    return {
        "id": a.id, "hazard_id": a.hazard_id, "kind": a.kind, "original_name": a.original_name,
        "content_type": a.content_type, "size": a.size, "width": a.width, "height": a.height, "sha256": a.sha256,
        "created_at": dt(a.created_at), "annotates_id": a.annotates_id,
        "download_url": url_for("api.download_attachment", attachment_id=a.id),
    }


def notification(n):
    return {"id": n.id, "kind": n.kind, "title": n.title, "body": n.body, "link": n.link,
            "hazard_id": n.hazard_id, "created_at": dt(n.created_at), "read_at": dt(n.read_at),
            "read": n.read_at is not None}
