"""Documents from the database: gather the data, build the PDF, record it.

The builders beside this module take plain data; this module is the one
place that reads the database for them, writes the file atomically in the
reports store (``storage.reports()``: ``REPORTS_DIR`` or the bucket; the relative path is stored) and records a ``Document``.

- Numbers (notices, opinions) come from ``sequences.next_value`` inside the
  same transaction as the ``Document`` row: the counter row lock serialises
  concurrent issuers, and any failure (the PDF build included) rolls back
  and gives the number back, so numbers are sequential and gap-free.
- A document is issued once. Reissuing a notice makes a new numbered
  version (``version + 1``, ``supersedes_id``) and keeps the old file;
  rebuilding a monthly report or a statistics table (``statistics_service``) makes a new version the same way.
- ``idempotency_key``: a second call with a key already used returns the
  document recorded the first time (scheduled jobs rerun safely).
- Files get a random suffix and are written without overwrite: a file is
  never replaced, and a half-made attempt never blocks the next one.

Figures of the reports are gathered with aggregate SQL (GROUP BY); only the
rows printed one by one (overdue hazards, major hazards) are selected, and
only the columns printed.
"""

from __future__ import annotations

import calendar
import contextlib
import logging
import secrets
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import NamedTuple

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.exc import IntegrityError

from .. import findings, labels, reference, sequences, settings, storage, validation
from ..basis import describe_basis
from ..clock import today
from ..extensions import db
from ..figures import aggregates, definitions, history, sources
from ..models import (
    FINAL_STATUSES,
    Document,
    DocumentKind,
    Enterprise,
    Event,
    Hazard,
    HazardLevel,
    HazardStatus,
    Inspection,
    ReinspectionFinding,
    Role,
    User,
    document_hazards,
)
from ..permissions import scope
from . import major_data
from . import officers as officer_rules
from .atomic import WrittenFile
from .common import Inspector
from .errors import DocumentError
from .fonts import register_cjk_font
from .monthly import TITLE as MONTHLY_TITLE
from .monthly import (
    ClearingRow,
    MajorHazardRow,
    MonthlyReportData,
    OverdueRow,
    Trend,
)
from .monthly import build_monthly_report as render_monthly
from .notice import TITLE as NOTICE_TITLE
from .notice import NoticeData, NoticeHazard, build_notice
from .opinion import TITLE as OPINION_TITLE
from .opinion import Acceptance, OpinionData, OpinionItem, build_opinion
from .statistics import TITLE as STATISTICS_TITLE
from .statistics import period_label
from .text import cn_date, cn_month, parse_month, ratio

log = logging.getLogger(__name__)

NOTICE_WORD = "责改"
OPINION_WORD = "复查"
NO_CERTIFICATE = "未登记"
WITHDRAWN = HazardStatus.WITHDRAWN.value
CLOSED = HazardStatus.CLOSED.value
FINAL = [s.value for s in FINAL_STATUSES]
# A printed park report lists at most this many overdue / major hazards; the
# count above the table stays exact and the remark points to the ledger.
LIST_LIMIT = 1000


# --------------------------------------------------------------------------- files


def warm_up(app) -> str:
    """Register the PDF font once at start-up (the first registration costs ~125 ms)."""
    return register_cjk_font(app.config.get("PDF_FONT_PATH"))


def _font_path() -> str | None:
    return current_app.config.get("PDF_FONT_PATH")


def reports_dir() -> Path:
    return Path(current_app.config["REPORTS_DIR"]).resolve()


def file_path(document: Document) -> Path | None:
    """Absolute path of the document's file (local storage), or None if it would leave REPORTS_DIR."""
    try:
        return storage.LocalStore(reports_dir()).path(document.path)
    except FileNotFoundError:
        return None


def file_location(document: Document) -> str:
    """Where the document's file is: a local path, or the object in the bucket."""
    store = storage.reports()
    if isinstance(store, storage.S3Store):
        return f"s3://{store.bucket}/{store.prefix}{document.path}"
    return str(file_path(document))


def write_document(render: Callable[[Path], WrittenFile], rel_path: str) -> WrittenFile:
    """Build the file of ``rel_path`` in the reports store (never over an existing one)."""
    with storage.reports().writable(rel_path) as target:
        return render(target)


def remove_document_file(rel_path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        storage.reports().delete(rel_path)


def download_name(document: Document) -> str:
    """A Chinese file name for the download (sent RFC 5987-encoded)."""
    suffix = f"（第{document.version}版）" if document.version > 1 and document.kind in (
        DocumentKind.MONTHLY, DocumentKind.QUARTERLY, DocumentKind.ANNUAL) else ""
    if document.kind == DocumentKind.NOTICE:
        return f"{NOTICE_TITLE}{document.number}.pdf"
    if document.kind == DocumentKind.OPINION:
        return f"{OPINION_TITLE}{document.number}.pdf"
    if document.kind == DocumentKind.CAMPAIGN:
        from .campaign import TITLE as CAMPAIGN_TITLE

        return f"{CAMPAIGN_TITLE}{document.period}（第{document.version}版）.pdf"
    scope_name = document.enterprise.name if document.enterprise else settings.get("park_name")
    if document.kind == DocumentKind.MONTHLY:
        return f"{scope_name}{cn_month(document.period)}{MONTHLY_TITLE}{suffix}.pdf"
    return f"{scope_name}{period_label(document.kind, document.period)}{STATISTICS_TITLE}{suffix}.pdf"


def _relative_path(*parts: str) -> str:
    *folders, stem = parts
    return "/".join([*folders, f"{stem}-{secrets.token_hex(4)}.pdf"])


def _existing(idempotency_key: str | None) -> Document | None:
    if not idempotency_key:
        return None
    return db.session.scalar(select(Document).where(Document.idempotency_key == idempotency_key))


def _record(render: Callable[[Path], WrittenFile], rel_path: str, hazards: Sequence[Hazard],
            officers: Sequence[User] = (), **fields) -> Document:
    """Write the file, add the Document row (and its ``officers``) and commit; on any failure roll
    back and remove the file.

    Must be called inside the transaction that took the number / version, so a
    failure returns it.
    """
    written = None
    try:
        written = write_document(render, rel_path)
        document = Document(path=rel_path, sha256=written.sha256, size=written.size, **fields)
        document.hazards = list(hazards)
        db.session.add(document)
        if officers:
            db.session.flush()
            officer_rules.record(document, officers)
        db.session.commit()
        return document
    except IntegrityError:
        db.session.rollback()
        _remove(rel_path, written)
        # Someone else recorded this idempotency key at the same moment: theirs counts.
        existing = _existing(fields.get("idempotency_key"))
        if existing is not None:
            return existing
        raise
    except BaseException:
        db.session.rollback()
        _remove(rel_path, written)
        raise


def _remove(rel_path: str, written: WrittenFile | None) -> None:
    if written is not None:
        remove_document_file(rel_path)


def _fail(message, status=None):
    """Give back the number taken in this transaction, then refuse."""
    db.session.rollback()
    raise DocumentError(message, status)


# --------------------------------------------------------------------------- numbers


def format_number(prefix: str, word: str, year: int, value: int) -> str:
    """``（大港应急）责改〔2026〕第001号``."""
    return f"（{prefix}）{word}〔{year}〕第{value:03d}号"


def _next_number(kind: str, word: str) -> str:
    prefix = settings.get("notice_prefix")
    year = today().year
    return format_number(prefix, word, year, sequences.next_value(f"{kind}:{prefix}:{year}"))


def _number_stem(kind: str, number: str, version: int = 1) -> str:
    digits = "".join(c for c in number if c.isdigit())  # year then sequence number
    stem = f"{kind}-{digits[:4]}-{digits[4:]}"
    return f"{stem}-v{version}" if version > 1 else stem


# --------------------------------------------------------------------------- queries for the views


def hazard_documents(hazard: Hazard, user) -> list[Document]:
    """Notices and opinions listing ``hazard`` that ``user`` may see, oldest first."""
    stmt = scope(Document, user).join(document_hazards, document_hazards.c.document_id == Document.id)
    stmt = stmt.where(document_hazards.c.hazard_id == hazard.id).order_by(Document.id)
    return list(db.session.scalars(stmt))


def inspection_documents(inspection: Inspection, user) -> list[Document]:
    """Notices and opinions of ``inspection`` (or of its hazards) that ``user`` may see."""
    linked = select(document_hazards.c.document_id).join(
        Hazard, Hazard.id == document_hazards.c.hazard_id).where(Hazard.inspection_id == inspection.id)
    stmt = scope(Document, user).where(
        or_(Document.inspection_id == inspection.id, Document.id.in_(linked))).order_by(Document.id)
    return list(db.session.scalars(stmt))


def superseded_ids(documents: Sequence[Document]) -> set[int]:
    """Ids among ``documents`` that a newer version replaces."""
    ids = [d.id for d in documents]
    if not ids:
        return set()
    return set(db.session.scalars(select(Document.supersedes_id).where(Document.supersedes_id.in_(ids))))


def noticed_hazard_ids(hazard_ids: Sequence[int]) -> set[int]:
    """Which of these hazards already appear on a notice (any version)."""
    if not hazard_ids:
        return set()
    stmt = (select(document_hazards.c.hazard_id)
            .join(Document, Document.id == document_hazards.c.document_id)
            .where(Document.kind == DocumentKind.NOTICE.value,
                   document_hazards.c.hazard_id.in_(list(hazard_ids))))
    return set(db.session.scalars(stmt))


def hazards_without_notice(inspection: Inspection) -> list[Hazard]:
    """Hazards of the inspection that are still being worked on and have no notice yet."""
    candidates = [h for h in inspection.hazards if h.status not in FINAL]
    noticed = noticed_hazard_ids([h.id for h in candidates])
    return [h for h in candidates if h.id not in noticed]


def current_version(document: Document) -> Document:
    """Follow ``supersedes_id`` forward to the newest version."""
    while True:
        newer = db.session.scalar(select(Document).where(Document.supersedes_id == document.id)
                                  .order_by(Document.id.desc()).limit(1))
        if newer is None:
            return document
        document = newer


# --------------------------------------------------------------------------- notice


def _inspectors_of(hazards: Sequence[Hazard], inspection: Inspection | None) -> list[Inspector]:
    users: list[User] = list(inspection.inspectors) if inspection is not None else []
    if not users:
        seen = set()
        for hazard in hazards:
            if hazard.found_by_id not in seen:
                seen.add(hazard.found_by_id)
                users.append(hazard.found_by)
    return [Inspector(u.name, u.certificate_no or NO_CERTIFICATE) for u in users]


def _common_inspection(hazards: Sequence[Hazard]) -> Inspection | None:
    ids = {h.inspection_id for h in hazards}
    if len(ids) == 1 and None not in ids:
        return hazards[0].inspection
    return None


def _public_url(path: str) -> str:
    return current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/") + path


NOTICE_SETTINGS = ("office_name", "notice_order_basis", "notice_liability_sentence", "reconsideration_body",
                   "litigation_court", "notice_copies_note")


def _notice_settings() -> dict:
    """The office settings a notice prints; refused (nothing written) while the remedies are not set."""
    values = settings.get_many(*NOTICE_SETTINGS)
    if not (values["reconsideration_body"] or "").strip():
        raise DocumentError(_l("Set the reconsideration body in the settings before issuing a notice."))
    if not (values["litigation_court"] or "").strip():
        raise DocumentError(_l("Set the court for administrative litigation in the settings before issuing "
                               "a notice."))
    return values


def _inspection_place(enterprise: Enterprise, hazards: Sequence[Hazard]) -> str:
    """The enterprise's address and the hazards' locations (each once, in list order)."""
    locations = list(dict.fromkeys(h.location.strip() for h in hazards if (h.location or "").strip()))
    address = (enterprise.address or "").strip() or enterprise.name
    return f"{address}（{'、'.join(locations)}）" if locations else address


def _notice_data(number: str, hazards: Sequence[Hazard], inspection: Inspection | None, chosen: Sequence[User],
                 values: dict, issued_on: date, replaces: str = "") -> NoticeData:
    enterprise = hazards[0].enterprise
    items = [NoticeHazard(h.code, h.title, h.location or "—", h.legal_basis or "—", h.level, h.deadline,
                          describe_basis(h), h.description or "") for h in hazards]
    if len(hazards) == 1 or inspection is None:
        qr_url = _public_url(f"/hazards/{hazards[0].id}")
    else:
        qr_url = _public_url(f"/inspections/{inspection.id}")
    # The inspection's date; hazards filed without one: the day the (first) hazard was found.
    inspected_on = inspection.inspected_on if inspection is not None else min(h.found_on for h in hazards)
    return NoticeData(
        number=number, office_name=values["office_name"], enterprise_name=enterprise.name,
        enterprise_address=enterprise.address or "", hazards=items, inspectors=officer_rules.printed(chosen),
        issued_on=issued_on, qr_url=qr_url, credit_code=enterprise.credit_code,
        legal_representative=enterprise.legal_representative or "", inspected_on=inspected_on,
        inspection_place=_inspection_place(enterprise, hazards), order_basis=values["notice_order_basis"] or "",
        liability_sentence=values["notice_liability_sentence"] or "",
        reconsideration_body=values["reconsideration_body"].strip(),
        litigation_court=values["litigation_court"].strip(), copies_note=values["notice_copies_note"] or "",
        replaces=replaces,
    )


def _check_notice_hazards(hazards: Sequence[Hazard], inspection: Inspection | None) -> None:
    if not hazards:
        raise DocumentError(_l("There is no hazard to put on a notice."))
    if len({h.enterprise_id for h in hazards}) > 1:
        raise DocumentError(_l("A notice covers the hazards of one enterprise only."))
    for hazard in hazards:
        if hazard.status == WITHDRAWN:
            raise DocumentError(_l("%(code)s was withdrawn; a withdrawn hazard cannot be put on a notice.",
                                   code=hazard.code), 409)
        if hazard.status in FINAL:
            raise DocumentError(_l("%(code)s is closed; a closed hazard cannot be put on a notice.",
                                   code=hazard.code), 409)
    if inspection is not None and any(h.inspection_id != inspection.id for h in hazards):
        raise DocumentError(_l("Every hazard of the notice must belong to the inspection."))


def _check_deadlines(hazards: Sequence[Hazard], deadlines: dict[int, date], issued_on: date) -> dict[int, date]:
    """The deadlines to change (hazard id → new date); refused when any item would be due before the issue."""
    changes = {}
    for hazard in hazards:
        new = deadlines.get(hazard.id)
        if new is not None and new != hazard.deadline:
            problem = validation.date_out_of_window(new)
            if problem is not None:
                raise DocumentError(_l("%(code)s: %(problem)s", code=hazard.code, problem=problem))
            changes[hazard.id] = new
        effective = changes.get(hazard.id, hazard.deadline)
        if effective < issued_on:
            raise DocumentError(_l(
                "The deadline of %(code)s (%(deadline)s) is before the issue date (%(today)s): set a new "
                "deadline for it.", code=hazard.code, deadline=effective.isoformat(), today=issued_on.isoformat()))
    return changes


def _prepare_notice(hazards: Sequence[Hazard], actor: User | None, chosen, deadlines, inspection):
    """Every check of a notice, before a number is taken: (officers, settings, deadline changes, issue date)."""
    if actor is None:
        raise DocumentError(_l("A rectification notice is issued by a person, never by a scheduled job."))
    _check_notice_hazards(hazards, inspection)
    values = _notice_settings()
    users = officer_rules.check(chosen)
    issued_on = today()
    changes = _check_deadlines(hazards, deadlines or {}, issued_on)
    if changes and actor.role not in (Role.INSPECTOR, Role.ADMIN):
        raise DocumentError(_l("Only an inspector or an admin may set the deadline of a notice."), 403)
    return users, values, changes, issued_on


def _apply_deadlines(hazards: Sequence[Hazard], actor: User, changes: dict[int, date], issued_on: date) -> None:
    """Set the new deadlines through the lifecycle core, in the notice's transaction (no commit)."""
    from .. import lifecycle
    from ..lifecycle_errors import LifecycleError

    for hazard in hazards:
        if hazard.id in changes:
            try:
                lifecycle.set_notice_deadline(hazard, actor, changes[hazard.id], issued_on=issued_on)
            except LifecycleError as exc:
                _fail(exc.message, 409)


def issue_notice(hazards: list[Hazard], actor: User, *, officers: Sequence[User | int],
                 inspection: Inspection | None = None, deadlines: dict[int, date] | None = None,
                 idempotency_key: str | None = None) -> Document:
    """Issue the numbered rectification notice (责令限期整改指令书) for ``hazards`` of one enterprise.

    ``actor`` is the person who issues it (recorded as ``created_by``, printed only if among
    ``officers``); ``officers`` are the at least two staff with certificate numbers who sign;
    ``deadlines`` (hazard id → date) are new deadlines set on the issue form, applied through
    the lifecycle core in the same transaction. Returns the existing document when
    ``idempotency_key`` was already used. Raises DocumentError — nothing written, no number
    taken — when a hazard is closed or withdrawn or already has a notice, an item would be due
    before the issue date, the officers do not qualify, the reconsideration body or court is
    not set, or the hazards span enterprises.
    """
    existing = _existing(idempotency_key)
    if existing is not None:
        return existing
    hazards = sorted(hazards, key=lambda h: h.id)
    users, values, changes, issued_on = _prepare_notice(hazards, actor, officers, deadlines, inspection)
    inspection = inspection or _common_inspection(hazards)
    if noticed_hazard_ids([h.id for h in hazards]):
        raise DocumentError(_l("A notice was already issued for this hazard; reissue it to make a new version."), 409)
    number = _next_number("notice", NOTICE_WORD)
    # Checked again under the counter lock: two inspectors pressing at once get one notice.
    if noticed_hazard_ids([h.id for h in hazards]):
        _fail(_l("A notice was already issued for this hazard; reissue it to make a new version."), 409)
    _apply_deadlines(hazards, actor, changes, issued_on)
    try:
        data = _notice_data(number, hazards, inspection, users, values, issued_on)
    except Exception:
        db.session.rollback()
        raise
    rel_path = _relative_path("notices", str(data.issued_on.year), _number_stem("notice", number))
    return _record(
        lambda target: build_notice(data, target, font_path=_font_path()), rel_path, hazards,
        kind=DocumentKind.NOTICE.value, number=number, enterprise_id=hazards[0].enterprise_id,
        inspection_id=inspection.id if inspection is not None else None, version=1,
        idempotency_key=idempotency_key, created_by_id=actor.id, officers=users,
    )


def reissue_notice(document: Document, actor: User, *, officers: Sequence[User | int] | None = None,
                   deadlines: dict[int, date] | None = None, idempotency_key: str | None = None) -> Document:
    """Issue a new numbered version of a notice (e.g. after a deadline extension); the old file stays.

    Only the newest version can be reissued; closed or withdrawn hazards are
    left off the new version. ``officers`` default to those of the old version
    (checked again); the new version says which number it replaces.
    """
    existing = _existing(idempotency_key)
    if existing is not None:
        return existing
    if document.kind != DocumentKind.NOTICE:
        raise DocumentError(_l("Only a rectification notice can be reissued."))
    if db.session.scalar(select(func.count(Document.id)).where(Document.supersedes_id == document.id)):
        raise DocumentError(_l("This notice was already reissued; reissue its newest version."), 409)
    hazards = [h for h in document.hazards if h.status not in FINAL]
    if not hazards:
        raise DocumentError(_l("Every hazard of this notice is closed or withdrawn; there is nothing to reissue."),
                            409)
    chosen = list(document.officers) if officers is None else officers
    users, values, changes, issued_on = _prepare_notice(hazards, actor, chosen, deadlines, None)
    number = _next_number("notice", NOTICE_WORD)
    if db.session.scalar(select(func.count(Document.id)).where(Document.supersedes_id == document.id)):
        _fail(_l("This notice was already reissued; reissue its newest version."), 409)
    _apply_deadlines(hazards, actor, changes, issued_on)
    try:
        data = _notice_data(number, hazards, document.inspection, users, values, issued_on,
                            replaces=document.number or "")
    except Exception:
        db.session.rollback()
        raise
    version = document.version + 1
    rel_path = _relative_path("notices", str(data.issued_on.year), _number_stem("notice", number, version))
    return _record(
        lambda target: build_notice(data, target, font_path=_font_path()), rel_path, hazards,
        kind=DocumentKind.NOTICE.value, number=number, enterprise_id=document.enterprise_id,
        inspection_id=document.inspection_id, version=version, supersedes_id=document.id,
        idempotency_key=idempotency_key, created_by_id=actor.id, officers=users,
    )


# --------------------------------------------------------------------------- opinion


class OpinionCandidate(NamedTuple):
    """An item of the notice and its newest re-inspection finding since the notice (None: none yet)."""

    hazard: Hazard
    finding: ReinspectionFinding | None


def opinion_candidates(notice: Document) -> list[OpinionCandidate]:
    """The items an opinion answering ``notice`` may print (its newest version; withdrawn ones left off),
    each with its newest finding recorded since that version was issued."""
    notice = current_version(notice)
    hazards = [h for h in notice.hazards if h.status != WITHDRAWN]
    latest = findings.latest_since([h.id for h in hazards], notice.created_at)
    return [OpinionCandidate(h, latest.get(h.id)) for h in hazards]


def _submitted_notes(chosen: Sequence[OpinionCandidate]) -> dict[int, str]:
    """Per hazard, the enterprise's account (submit note) that the finding answered."""
    ids = [c.hazard.id for c in chosen]
    rows = db.session.execute(
        select(Event.hazard_id, Event.seq, Event.comment)
        .where(Event.hazard_id.in_(ids), Event.action == "submit").order_by(Event.seq)).all()
    answered = {c.hazard.id: c.finding.event.seq for c in chosen}
    notes: dict[int, str] = {}
    for hazard_id, seq, comment in rows:
        if seq < answered[hazard_id] and comment:
            notes[hazard_id] = comment
    for c in chosen:  # a submission recorded without its note in the event: the note it left on the hazard
        submitted = c.hazard.submitted_at
        if c.hazard.id not in notes and submitted is not None and submitted <= c.finding.created_at:
            notes[c.hazard.id] = c.hazard.rectification_note or ""
    return {k: v for k, v in notes.items() if v}


def _opinion_items(chosen: Sequence[OpinionCandidate], quote_notes: bool) -> list[OpinionItem]:
    notes = _submitted_notes(chosen) if quote_notes else {}
    return [OpinionItem(c.hazard.code, c.hazard.title, findings.RESULT_ZH[c.finding.result],
                        c.finding.reinspected_on, "、".join(u.name for u in c.finding.inspectors),
                        c.finding.opinion, notes.get(c.hazard.id, ""))
            for c in chosen]


def _chosen_candidates(notice: Document, hazard_ids: Sequence[int] | None) -> list[OpinionCandidate]:
    """The items to print, or DocumentError (nothing written) when one has no finding since the notice."""
    candidates = opinion_candidates(notice)
    if not candidates:
        raise DocumentError(_l("Every hazard of this notice was withdrawn; there is nothing to re-inspect."), 409)
    if hazard_ids is None:
        chosen = [c for c in candidates if c.finding is not None]
    else:
        by_id = {c.hazard.id: c for c in candidates}
        chosen = []
        for ident in dict.fromkeys(hazard_ids):
            candidate = by_id.get(ident)
            if candidate is None:
                raise DocumentError(_l("Choose the items from the notice's list."))
            if candidate.finding is None:
                raise DocumentError(_l("%(code)s has no re-inspection finding since the notice was issued; "
                                       "it cannot be put on the opinion.", code=candidate.hazard.code), 409)
            chosen.append(candidate)
    if not chosen:
        raise DocumentError(_l("No item of this notice has a re-inspection finding since the notice was issued. "
                               "Record the re-inspection (verify or reject) first."), 409)
    return chosen


def issue_opinion(notice: Document, actor: User | None, *, officers: Sequence[User | int],
                  hazard_ids: Sequence[int] | None = None, quote_notes: bool = False,
                  idempotency_key: str | None = None) -> Document:
    """Issue the numbered re-inspection opinion (整改复查意见书) answering ``notice``.

    Prints the newest finding recorded since the notice (its newest version) for each
    chosen item (``hazard_ids``; None: every item that has one); an item without one is
    refused, as are officers who fail ``officers.check`` (nothing is written either way).
    ``quote_notes`` quotes the enterprise's account, labelled 企业整改情况. The officers
    are printed and stored; ``actor`` is the issuer (``created_by``). Several opinions may
    answer one notice (e.g. after a 不合格 item is re-inspected again).
    """
    existing = _existing(idempotency_key)
    if existing is not None:
        return existing
    if notice.kind != DocumentKind.NOTICE:
        raise DocumentError(_l("A re-inspection opinion answers a rectification notice."))
    notice = current_version(notice)
    chosen = _chosen_candidates(notice, hazard_ids)
    signing = officer_rules.check(officers)
    hazards = [c.hazard for c in chosen]
    number = _next_number("opinion", OPINION_WORD)
    try:
        acceptances = [Acceptance(h.code, h.accepted_on, h.accepted_by, h.acceptance_opinion)
                       for h in hazards if h.status == HazardStatus.CLOSED and h.accepted_on is not None]
        data = OpinionData(number=number, notice_number=notice.number,
                           office_name=settings.get("office_name"), enterprise_name=notice.enterprise.name,
                           items=_opinion_items(chosen, quote_notes), officers=officer_rules.printed(signing),
                           issued_on=today(), acceptances=acceptances)
    except Exception:
        db.session.rollback()
        raise
    rel_path = _relative_path("opinions", str(data.issued_on.year), _number_stem("opinion", number))
    return _record(
        lambda target: build_opinion(data, target, font_path=_font_path()), rel_path, hazards,
        kind=DocumentKind.OPINION.value, number=number, enterprise_id=notice.enterprise_id,
        inspection_id=notice.inspection_id, version=1, supersedes_id=None,
        idempotency_key=idempotency_key, created_by_id=actor.id if actor is not None else None,
        officers=signing,
    )


# --------------------------------------------------------------------------- shared SQL pieces


def _live():
    """Withdrawn hazards were filed by mistake: no report counts them."""
    return Hazard.status != WITHDRAWN


def _open_on(day: date):
    """Not yet closed out on ``day`` (reconstructed from closed_on, so past months stay true)."""
    return or_(Hazard.closed_on.is_(None), Hazard.closed_on > day)


def _overdue_on(day: date):
    """The lifecycle's rule (not closed/withdrawn, deadline passed) evaluated on ``day``."""
    return and_(_open_on(day), Hazard.deadline < day)


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _for_enterprise(stmt, column, enterprise: Enterprise | None):
    return stmt if enterprise is None else stmt.where(column == enterprise.id)


def _category_label(code: str) -> str:
    item = reference.category(code)
    return item.zh if item else code


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _versioned(kind: str, period: str, enterprise: Enterprise | None) -> tuple[int, Document | None]:
    """Next version of a report (gap-free counter, serialises concurrent builds) and the one it replaces."""
    key = f"{kind}:{period}:{enterprise.id if enterprise else 'park'}"
    version = sequences.next_value(f"version:{key}")
    previous = db.session.scalar(
        select(Document).where(
            Document.kind == kind, Document.period == period,
            Document.enterprise_id == enterprise.id if enterprise else Document.enterprise_id.is_(None),
        ).order_by(Document.version.desc(), Document.id.desc()).limit(1))
    return version, previous


def _report_record(kind: str, period: str, enterprise: Enterprise | None, actor, idempotency_key,
                   gather: Callable[[], object], render: Callable[..., WrittenFile]) -> Document:
    existing = _existing(idempotency_key)
    if existing is not None:
        return existing
    try:
        data = gather()  # reads only: nothing to give back if it fails
        version, previous = _versioned(kind, period, enterprise)
    except Exception:
        db.session.rollback()
        raise
    who = f"enterprise-{enterprise.id}" if enterprise else "park"
    rel_path = _relative_path(kind, period, f"{kind}-{period}-{who}-v{version}")
    return _record(
        lambda target: render(data, target, font_path=_font_path()), rel_path, (),
        kind=kind, period=period, enterprise_id=enterprise.id if enterprise else None,
        version=version, supersedes_id=previous.id if previous else None,
        idempotency_key=idempotency_key, created_by_id=actor.id if actor is not None else None,
    )


# --------------------------------------------------------------------------- monthly report


def month_as_of(period: str) -> tuple[date, date, date]:
    """(first day, last day, as-of day) of the month: as of its last day, or today if current."""
    try:
        year, month = parse_month(period)
    except ValueError:
        raise DocumentError(_l("Give the month as YYYY-MM, e.g. 2026-10.")) from None
    start, end = date(year, month, 1), _month_end(year, month)
    if start > today():
        raise DocumentError(_l("This month has not begun yet."))
    return start, end, min(end, today())


def monthly_data(period: str, enterprise: Enterprise | None = None) -> MonthlyReportData:
    """The figures of the monthly report for the park or one enterprise, all from aggregate SQL.

    Computed as of the month's last day (today while the month is current) from the event
    history (``figures.history``): status, level, deadline and the enterprises as they were
    then, so rebuilding a closed month later gives the same figures. The definitions are
    ``figures.definitions`` (the dashboard's): found = live hazards with ``found_on`` in the
    month; closed = ``closed_on`` in the month; rectification rate = of the month's hazards,
    the share closed out by the as-of day; open, overdue (against the enterprise), the
    office's backlog (待复查超期) and the clearing table are cumulative as of that day;
    withdrawn hazards (as of that day) never count.
    """
    start, end, as_of = month_as_of(period)
    s = db.session
    own = () if enterprise is None else (Hazard.enterprise_id == enterprise.id,)
    h = history.hazards_as_of(as_of, *own)
    c = history.columns_of(h)
    live = definitions.live(c)
    found_in_month = c.found_on.between(start, end)
    inspections_done = s.scalar(_for_enterprise(
        select(func.count(Inspection.id)).where(Inspection.inspected_on.between(start, end),
                                                Inspection.created_at < history.end_of_day_utc(as_of)),
        Inspection.enterprise_id, enterprise))
    by_level = dict(s.execute(select(c.level, func.count()).where(live, found_in_month).group_by(c.level)).all())
    found_by_level = {level.value: by_level.get(level.value, 0) for level in HazardLevel}
    by_category = s.execute(select(c.category, func.count()).where(live, found_in_month).group_by(c.category)).all()
    found_by_category = sorted(((_category_label(code), n) for code, n in by_category), key=lambda kv: (-kv[1], kv[0]))
    found_total = sum(found_by_level.values())
    closed_in_month = s.scalar(select(func.count()).where(c.closed_on.between(start, end)))
    # The dashboard's rate: of the month's hazards, the share closed out (by the as-of day).
    closed_of_found = s.scalar(select(func.count()).where(live, found_in_month, c.closed_on.is_not(None)))
    backlog_days = definitions.backlog_days()
    backlog_total = s.scalar(select(func.count()).where(definitions.office_backlog(c, as_of, backlog_days)))

    major_condition = and_(live, c.level == HazardLevel.MAJOR.value,
                           or_(definitions.is_open(c), c.closed_on.between(start, end)))
    clearing, open_total, overdue_total, major_total = _clearing_rows(h, as_of, enterprise, major_condition)
    overdue_rows = s.execute(
        select(Hazard.code, Enterprise.name, Hazard.title, c.deadline, c.status, c.submitted_on)
        .join(Hazard, Hazard.id == c.id).join(Enterprise, Enterprise.id == c.enterprise_id)
        .where(definitions.overdue(c, as_of))
        .order_by(c.deadline, Hazard.code).limit(LIST_LIMIT)).all()
    overdue_list = [OverdueRow(code, name, title, deadline,
                               definitions.days_overdue(status, deadline, handed_in, as_of))
                    for code, name, title, deadline, status, handed_in in overdue_rows]
    major_rows = s.execute(
        select(Hazard.code, Enterprise.name, Hazard.title, c.status, c.closed_on, c.deadline, Hazard.accepted_on)
        .join(Hazard, Hazard.id == c.id).join(Enterprise, Enterprise.id == c.enterprise_id)
        .where(major_condition)
        .order_by(c.deadline, Hazard.code).limit(LIST_LIMIT)).all()
    major_hazards = [MajorHazardRow(code, name, title, _major_status_on(status, closed_on, accepted_on, as_of),
                                    deadline)
                     for code, name, title, status, closed_on, deadline, accepted_on in major_rows]
    new_major = major_data.new_major_rows(start, end, enterprise, LIST_LIMIT)
    suspensions_in_month, suspensions_started = major_data.suspension_counts(start, end, enterprise)

    remarks = [
        f"统计口径：数据截至 {cn_date(as_of)}，按当日的隐患状态、级别和整改期限统计（以后的变更不改变本报告）。"
        "“本月发现”按发现日期统计，“本月销号”按销号日期统计，本月销号数含以前月份发现的隐患；"
        f"{definitions.RATE_OF_MONTH}；未销号、逾期及“清零”进度为截至统计日的累计数；"
        "逾期指等待企业整改已超过整改期限，或超过整改期限后才提交复查的隐患，按期提交、等待复查或验收的隐患不计为逾期；"
        f"待复查超期指企业提交后等待复查或验收超过{backlog_days}天的隐患；已撤销的隐患不计入统计；"
        "尚未检查（无检查记录、无隐患）的企业单独列出，不计为“清零”。",
    ]
    if overdue_total > len(overdue_list):
        remarks.append(f"逾期隐患共 {overdue_total} 项，本报告列出逾期时间最长的 {len(overdue_list)} 项，"
                       "完整清单见系统隐患台账。")
    if major_total > len(major_hazards):
        remarks.append(f"未销号或本月销号的重大事故隐患共 {major_total} 项，本报告列出整改期限最早的 "
                       f"{len(major_hazards)} 项，完整清单见系统隐患台账。")
    return MonthlyReportData(
        period=period, scope_name=enterprise.name if enterprise else settings.get("park_name"),
        office_name=settings.get("office_name"), generated_on=today(),
        inspections_done=inspections_done, found_total=found_total, found_by_level=found_by_level,
        found_by_category=found_by_category, closed_in_month=closed_in_month, open_total=open_total,
        overdue_total=overdue_total, rectification_rate=ratio(closed_of_found, found_total),
        overdue_list=overdue_list, clearing=clearing, major_hazards=major_hazards, new_major=new_major,
        suspensions_in_month=suspensions_in_month, suspensions_started=suspensions_started,
        trend=_trend(start, as_of, enterprise), remarks=remarks,
        as_of=as_of, closed=as_of == end and end < today(), backlog_total=backlog_total,
        by_source=[(labels.SOURCE_ZH.get(r.source, r.source), r.found, r.closed, r.open)
                   for r in sources.by_source(as_of, *own, start=start)],
        backlog_days=backlog_days,
        rectification=definitions.rate(closed_of_found, found_total, definitions.RATE_OF_MONTH),
    )


def _status_on(status: str, closed_on: date | None, as_of: date) -> str:
    """The status label of a hazard as of the report's day (``status`` is already as of then)."""
    return labels.STATUS_ZH.get(status, status)


def _major_status_on(status: str, closed_on: date | None, accepted_on: date | None, as_of: date) -> str:
    """A closed major hazard's status with its acceptance date (验收销号)."""
    label = _status_on(status, closed_on, as_of)
    if accepted_on is not None and closed_on is not None and closed_on <= as_of:
        return f"{label}（{accepted_on.month}月{accepted_on.day}日验收）"
    return label


def _clearing_rows(h, as_of: date, enterprise: Enterprise | None,
                   major_condition) -> tuple[list[ClearingRow], int, int, int]:
    """Per enterprise registered by ``as_of``, cumulative to then: found, closed, open, overdue
    (``h``: the hazards as of ``as_of``, live ones counted).

    Also returns the open and overdue totals and how many hazards meet
    ``major_condition`` (counted in the same pass over the hazards). An enterprise with
    no live hazard is never "cleared": it was inspected without a hazard found, or is not
    yet inspected (尚未检查), listed apart.
    """
    c = history.columns_of(h)
    stmt = (select(c.enterprise_id, func.count(), _count_if(c.closed_on.is_not(None)),
                   _count_if(definitions.is_open(c)), _count_if(definitions.overdue(c, as_of)),
                   _count_if(major_condition))
            .where(definitions.live(c)).group_by(c.enterprise_id))
    counts = {row[0]: tuple(int(v) for v in row[1:]) for row in db.session.execute(stmt)}
    inspected = set(db.session.scalars(aggregates.inspections_by(
        as_of, *(() if enterprise is None else (Inspection.enterprise_id == enterprise.id,))).distinct()))
    names = _for_enterprise(select(Enterprise.id, Enterprise.name).where(
        history.enterprise_registered_by(as_of, set(counts) | inspected)), Enterprise.id, enterprise)
    rows = []
    for ident, name in db.session.execute(names):
        found, closed, open_, overdue, _major = counts.get(ident, (0, 0, 0, 0, 0))
        had = found > 0
        rows.append(ClearingRow(name, found, closed, open_, overdue, had and open_ == 0,
                                inspected=had or ident in inspected))
    # Furthest from zero first: most overdue, then most open; cleared ones, then the others last.
    rows.sort(key=lambda r: (r.cleared or r.found == 0, not r.inspected, -r.overdue, -r.open, r.enterprise_name))
    majors = sum(c[4] for c in counts.values())
    return rows, sum(r.open for r in rows), sum(r.overdue for r in rows), majors


def _trend(start: date, as_of: date, enterprise: Enterprise | None) -> Trend:
    """Found and closed per month for the 12 months ending with the report's month, as of its
    as-of day: ``figures.aggregates.trend``, the dashboard's (withdrawn hazards never count)."""
    own = () if enterprise is None else (Hazard.enterprise_id == enterprise.id,)
    rows = aggregates.trend(as_of, 12, *own)
    return Trend([r["month"] for r in rows], [r["found"] for r in rows], [r["closed"] for r in rows])


def build_monthly_report(period: str, enterprise: Enterprise | None = None, *, actor: User | None = None,
                         idempotency_key: str | None = None) -> Document:
    """Build and record the monthly safety report ('YYYY-MM') for the park, or for one enterprise.

    Returns the existing document when ``idempotency_key`` was already used;
    otherwise a new version (the previous file of the same month is kept).
    """
    existing = _existing(idempotency_key)
    if existing is not None:
        return existing
    month_as_of(period)  # refuse a bad or future month before anything is written
    return _report_record(DocumentKind.MONTHLY.value, period, enterprise, actor, idempotency_key,
                          lambda: monthly_data(period, enterprise), render_monthly)
