"""The on-site inspection record and the rectification notice, from the database.

Same machinery as ``service``: a gap-free number taken in the transaction that
records the ``Document`` (a failure gives it back), the file written atomically
and never replaced, a new record of the same inspection is a new version that
says which number it replaces.

- 现场检查记录 (kind ``inspection_record``): staff, for one inspection, naming the
  officers chosen on the form (``officers.check``: at least two with certificate
  numbers) and the enterprise's representative present (stored on the
  inspection). Numbered per office and year: （大港应急）检记〔2026〕第001号.
- 隐患整改通知书 (kind ``rectification``): not an enforcement document. Staff issue
  it for hazards of one enterprise, an enterprise user for its own hazards;
  closed or withdrawn hazards are refused. Numbered per issuer and year: the
  office's prefix, or the enterprise's credit code.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select

from .. import criteria, reference, sequences, settings
from ..clock import today
from ..extensions import db
from ..models import (
    FINAL_STATUSES,
    Document,
    DocumentKind,
    Hazard,
    HazardStatus,
    Inspection,
    Role,
    User,
    document_officers,
)
from . import officers as officers_rule
from .errors import DocumentError
from .inspection_record import TITLE as RECORD_TITLE
from .inspection_record import InspectionRecordData, RecordFinding, RecordItem, build_inspection_record
from .rectification_notice import TITLE as RECTIFICATION_TITLE
from .rectification_notice import RectificationData, RectificationItem, build_rectification_notice
from .service import (  # noqa: F401 - reports_dir: the folder of the local backend, for callers and tests
    _existing,
    _font_path,
    _relative_path,
    _remove,
    current_version,
    format_number,
    reports_dir,
    write_document,
)
from .text import EMPTY_MARK

RECORD_WORD = "检记"
RECTIFICATION_WORD = "隐改"
MAX_REPRESENTATIVE = 100
MAX_DEPARTMENT = 100
FINAL = {s.value for s in FINAL_STATUSES}
FINAL_WITHDRAWN = HazardStatus.WITHDRAWN.value
TITLES = {DocumentKind.INSPECTION_RECORD.value: RECORD_TITLE, DocumentKind.RECTIFICATION.value: RECTIFICATION_TITLE}


def download_name(document: Document) -> str | None:
    """The Chinese file name of a record or rectification notice (None for other kinds)."""
    title = TITLES.get(document.kind)
    return f"{title}{document.number}.pdf" if title else None


def _number(counter: str, prefix: str, word: str) -> tuple[str, str]:
    """The next number of ``counter`` this year, and a file-name stem ``YYYY-NNN``."""
    year = today().year
    value = sequences.next_value(f"{counter}:{year}")
    return format_number(prefix, word, year, value), f"{year}-{value:03d}"


def _save(render, rel_path: str, hazards: Sequence[Hazard], officers: Sequence[User] = (), **fields) -> Document:
    """Write the file, record the Document (and its officers) and commit; on failure roll back, remove the file."""
    written = None
    try:
        written = write_document(render, rel_path)
        document = Document(path=rel_path, sha256=written.sha256, size=written.size, **fields)
        document.hazards = list(hazards)
        db.session.add(document)
        db.session.flush()
        if officers:
            db.session.execute(insert(document_officers), [
                {"document_id": document.id, "user_id": u.id, "position": i} for i, u in enumerate(officers, 1)])
        db.session.commit()
        return document
    except BaseException:
        db.session.rollback()
        _remove(rel_path, written)
        raise


# --------------------------------------------------------------------------- 现场检查记录


RESULT_ZH = {"passed": "合格", "failed": "不合格", "not_applicable": "不适用"}


def checklist_results(inspection: Inspection) -> list[RecordItem]:
    """Each checklist item looked at with its result: the one recorded on site (合格 / 不合格 with the
    hazards filed under it / 不适用, and the note), or, for an item without one, 发现问题 / 未发现问题."""
    from ..inspections import results_of

    filed: dict[str, list[str]] = {}
    for hazard in inspection.hazards:
        if hazard.status == FINAL_WITHDRAWN:
            continue
        filed.setdefault(hazard.category, []).append(hazard.code)
        if hazard.criteria_set:
            filed.setdefault(criteria.checklist_code(hazard.criteria_set, hazard.criterion_clause), []).append(
                hazard.code)
    recorded = results_of(inspection)
    wordings = criteria.chinese_wordings()
    items = []
    position = {code: i for i, code in enumerate(reference.category_codes())}
    looked_at = list(inspection.checklist or [])
    ordered = sorted(looked_at, key=lambda c: (c not in position, position.get(c, 0), looked_at.index(c)))
    for code in ordered:
        codes = filed.get(code, [])
        row = recorded.get(code)
        if row is not None:
            result = RESULT_ZH[row.result] + (f"（{'、'.join(codes)}）" if codes else "")
            if row.note:
                result += f"：{row.note}"
        else:
            result = f"发现问题（{'、'.join(codes)}）" if codes else "未发现问题"
        items.append(RecordItem(_checklist_label(code, wordings), result))
    return items


def _checklist_label(code: str, wordings) -> str:
    parsed = criteria.parse_checklist_code(code)
    if parsed is not None:
        set_code, clause = parsed
        criterion = criteria.find(set_code, clause)
        if criterion is not None:
            return criteria.describe_criterion(criterion, wordings)
        return criteria.describe(set_code, clause, "", wordings)
    category = reference.category(code)
    return category.zh if category else code


def _signature_file(stored_name):
    """The file of a signature drawn at the completion (uploads), or None."""
    if not stored_name:
        return None
    from .. import storage

    try:
        return storage.as_file(storage.uploads(), stored_name)
    except FileNotFoundError:
        return None


def current_record(inspection: Inspection) -> Document | None:
    """The newest on-site record of the inspection, if any."""
    first = db.session.scalar(select(Document).where(
        Document.kind == DocumentKind.INSPECTION_RECORD.value, Document.inspection_id == inspection.id)
        .order_by(Document.id).limit(1))
    return current_version(first) if first is not None else None


def issue_inspection_record(inspection: Inspection, actor: User, officer_ids: Sequence[int | User],
                            representative: str, *, idempotency_key: str | None = None) -> Document:
    """Issue the numbered on-site inspection record (现场检查记录) of ``inspection``.

    ``officer_ids``: the officers chosen on the form (at least two with certificate
    numbers); ``representative``: the enterprise's person present (required,
    stored on the inspection). A second record of the same inspection is a new
    version naming the number it replaces.
    """
    existing = _existing(idempotency_key)
    if existing is not None:
        return existing
    if actor is None or actor.role not in (Role.INSPECTOR, Role.ADMIN):
        raise DocumentError(_l("Only inspectors and administrators issue an on-site inspection record."), 403)
    representative = (representative or "").strip()
    if not representative:
        raise DocumentError(_l("Give the name of the enterprise's representative present at the inspection."), 422)
    if len(representative) > MAX_REPRESENTATIVE:
        raise DocumentError(_l("The representative's name is too long (at most 100 characters)."), 422)
    chosen = officers_rule.check(officer_ids)
    previous = current_record(inspection)
    prefix = settings.get("notice_prefix")
    number, stem = _number(f"inspection_record:{prefix}", prefix, RECORD_WORD)
    try:
        inspection.enterprise_representative = representative
        enterprise = inspection.enterprise
        type_item = reference.inspection_type(inspection.inspection_type)
        findings = [RecordFinding(h.code, h.title, h.level, h.location, h.deadline)
                    for h in inspection.hazards if h.status != FINAL_WITHDRAWN]
        data = InspectionRecordData(
            number=number, office_name=settings.get("office_name"), enterprise_name=enterprise.name,
            credit_code=enterprise.credit_code, legal_representative=enterprise.legal_representative,
            place=enterprise.address or EMPTY_MARK,
            inspection_type=type_item.zh if type_item else inspection.inspection_type,
            inspected_on=inspection.inspected_on, officers=officers_rule.printed(chosen),
            enterprise_representative=representative, items=checklist_results(inspection), findings=findings,
            summary=inspection.summary or "", issued_on=today(),
            replaces=previous.number if previous is not None else None,
            representative_signature=_signature_file(inspection.representative_signature),
            inspector_signature=_signature_file(inspection.inspector_signature),
        )
    except Exception:
        db.session.rollback()
        raise
    version = previous.version + 1 if previous is not None else 1
    rel_path = _relative_path("records", str(data.issued_on.year), f"inspection-record-{stem}")
    return _save(lambda target: build_inspection_record(data, target, font_path=_font_path()), rel_path,
                 [h for h in inspection.hazards if h.status != FINAL_WITHDRAWN], chosen,
                 kind=DocumentKind.INSPECTION_RECORD.value, number=number, enterprise_id=inspection.enterprise_id,
                 inspection_id=inspection.id, version=version,
                 supersedes_id=previous.id if previous is not None else None,
                 idempotency_key=idempotency_key, created_by_id=actor.id)


# --------------------------------------------------------------------------- 隐患整改通知书


def rectifiable(hazards: Sequence[Hazard]) -> list[Hazard]:
    """The hazards that can go on a rectification notice (not closed, not withdrawn)."""
    return [h for h in hazards if h.status not in FINAL]


def issue_rectification_notice(hazards: Sequence[Hazard], actor: User, *, department: str,
                               inspection: Inspection | None = None,
                               idempotency_key: str | None = None) -> Document:
    """Issue a 隐患整改通知书 for ``hazards`` of one enterprise.

    Staff issue it in the office's name; an enterprise user only for hazards of
    their own enterprise, in the enterprise's name. ``department`` is the issuing
    department (e.g. 安全管理部). Refused (nothing written) when a hazard is closed
    or withdrawn, the hazards span enterprises, or the user may not.
    """
    existing = _existing(idempotency_key)
    if existing is not None:
        return existing
    hazards = sorted(hazards, key=lambda h: h.id)
    if not hazards:
        raise DocumentError(_l("There is no open hazard to put on a rectification notice."), 409)
    if len({h.enterprise_id for h in hazards}) > 1:
        raise DocumentError(_l("A rectification notice covers the hazards of one enterprise only."))
    closed = [h.code for h in hazards if h.status in FINAL]
    if closed:
        raise DocumentError(_l("%(codes)s is closed or withdrawn and cannot be put on a rectification notice.",
                               codes="、".join(closed)), 409)
    enterprise = hazards[0].enterprise
    if actor.role == Role.ENTERPRISE and actor.enterprise_id != enterprise.id:
        raise DocumentError(_l("Not found."), 404)
    department = (department or "").strip()
    if not department:
        raise DocumentError(_l("Give the issuing department."), 422)
    if len(department) > MAX_DEPARTMENT:
        raise DocumentError(_l("The department is too long (at most 100 characters)."), 422)
    if actor.role == Role.ENTERPRISE:
        unit, counter, prefix = enterprise.name, f"rectification:enterprise-{enterprise.id}", enterprise.credit_code
        addressee = f"{enterprise.name}各相关部门及责任人"
    else:
        prefix = settings.get("notice_prefix")
        unit, counter, addressee = settings.get("office_name"), f"rectification:{prefix}", enterprise.name
    number, stem = _number(counter, prefix, RECTIFICATION_WORD)
    try:
        items = [RectificationItem(h.code, h.title, h.description or "", h.location, h.level, h.deadline,
                                   h.responsible_person) for h in hazards]
        data = RectificationData(number=number, issuer_unit=unit, issuer_department=department,
                                 issuer_name=actor.name, addressee=addressee, items=items, issued_on=today())
    except Exception:
        db.session.rollback()
        raise
    rel_path = _relative_path("rectification", str(data.issued_on.year), f"rectification-{enterprise.id}-{stem}")
    return _save(lambda target: build_rectification_notice(data, target, font_path=_font_path()), rel_path,
                 hazards, kind=DocumentKind.RECTIFICATION.value, number=number, enterprise_id=enterprise.id,
                 inspection_id=inspection.id if inspection is not None else None, version=1,
                 idempotency_key=idempotency_key, created_by_id=actor.id)
