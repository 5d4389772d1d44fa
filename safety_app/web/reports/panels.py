"""What the hazard and inspection pages show about documents (used by their ``_documents.html``)."""
import secrets
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ...documents import records, service
from ...models import FINAL_STATUSES, DocumentKind, HazardStatus
from ...permissions import can
from . import bp

KIND_LABELS = {
    DocumentKind.NOTICE: _l("Rectification notice"),
    DocumentKind.OPINION: _l("Re-inspection opinion"),
    DocumentKind.MONTHLY: _l("Monthly safety report"),
    DocumentKind.QUARTERLY: _l("Quarterly statistics table"),
    DocumentKind.ANNUAL: _l("Annual statistics table"),
    DocumentKind.INSPECTION_RECORD: _l("On-site inspection record"),
    DocumentKind.RECTIFICATION: _l("Hazard rectification notice"),
}
# A re-inspection opinion makes sense once an item may have a finding (the issue form says which do).
REINSPECTED = {HazardStatus.RECTIFYING, HazardStatus.SUBMITTED, HazardStatus.VERIFIED, HazardStatus.CLOSED}


def _rows(documents, may_issue):
    """One row per document; a current notice also says which buttons it gets."""
    superseded = service.superseded_ids(documents)
    rows = []
    for d in documents:
        current_notice = may_issue and d.kind == DocumentKind.NOTICE and d.id not in superseded
        statuses = {h.status for h in d.hazards} if current_notice else set()
        rows.append(SimpleNamespace(
            doc=d, label=KIND_LABELS.get(d.kind, d.kind), superseded=d.id in superseded,
            can_reissue=bool(statuses - set(FINAL_STATUSES)),
            can_opinion=bool(statuses & REINSPECTED),
        ))
    return rows


@bp.app_template_global("hazard_documents_panel")
def hazard_documents_panel(hazard):
    """Documents of a hazard and the buttons the current user may press."""
    may_issue = can(current_user, "document.issue", hazard)
    rows = _rows(service.hazard_documents(hazard, current_user), may_issue)
    noticed = any(r.doc.kind == DocumentKind.NOTICE for r in rows)
    return SimpleNamespace(
        rows=rows, key=secrets.token_urlsafe(12),
        can_issue=may_issue and not noticed and hazard.status not in FINAL_STATUSES,
        can_rectify=can(current_user, "rectification.issue", hazard) and hazard.status not in FINAL_STATUSES,
    )


@bp.app_template_global("inspection_documents_panel")
def inspection_documents_panel(inspection):
    """Documents of an inspection and the buttons the current user may press."""
    may_issue = can(current_user, "document.issue", inspection)
    rows = _rows(service.inspection_documents(inspection, current_user), may_issue)
    pending = service.hazards_without_notice(inspection) if may_issue else []
    return SimpleNamespace(rows=rows, key=secrets.token_urlsafe(12),
                           can_issue=bool(pending), pending=pending, can_record=may_issue,
                           can_rectify=can(current_user, "rectification.issue", inspection)
                           and bool(records.rectifiable(inspection.hazards)))
