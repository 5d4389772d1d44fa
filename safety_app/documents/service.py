"""Documents from the database: gather the data, build the PDF, record it.

The builders beside this module take plain data; this module is the one
place that reads the database for them, writes the file atomically under
``REPORTS_DIR`` (the relative path is stored) and records a ``Document``.

- Numbers (notices, opinions) come from ``sequences.next_value`` inside the
  same transaction as the ``Document`` row: the counter row lock serialises
  concurrent issuers, and any failure (the PDF build included) rolls back
  and gives the number back, so numbers are sequential and gap-free.
- A document is issued once. Reissuing a notice makes a new numbered
  version (``version + 1``, ``supersedes_id``) and keeps the old file;
  rebuilding a monthly or quarterly report makes a new version the same way.
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

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.exc import IntegrityError

from .. import labels, reference, sequences, settings
from ..basis import describe_basis
from ..clock import today
from ..extensions import db
from ..models import (
    FINAL_STATUSES,
    Document,
    DocumentKind,
    Enterprise,
    Event,
    GovernancePlan,
    Hazard,
    HazardLevel,
    HazardStatus,
    Inspection,
    Measure,
    Role,
    Supervision,
    User,
    document_hazards,
)
from ..permissions import scope
from . import major_data
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
from .quarterly import TITLE as QUARTERLY_TITLE
from .quarterly import QuarterlyData, QuarterlyRow, build_quarterly_table
from .text import cn_date, cn_month, cn_quarter, parse_month, parse_quarter, ratio

log = logging.getLogger(__name__)

NOTICE_WORD = "责改"
OPINION_WORD = "复查"
NO_CERTIFICATE = "未登记"
RESULT_DONE, RESULT_PARTIAL, RESULT_NOT_DONE = "已整改", "部分整改", "未整改"
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
    """Absolute path of the document's file, or None if it would leave REPORTS_DIR."""
    root = reports_dir()
    path = (root / document.path).resolve()
    if root not in path.parents:
        return None
    return path


def download_name(document: Document) -> str:
    """A Chinese file name for the download (sent RFC 5987-encoded)."""
    suffix = f"（第{document.version}版）" if document.version > 1 and document.kind in (
        DocumentKind.MONTHLY, DocumentKind.QUARTERLY) else ""
    if document.kind == DocumentKind.NOTICE:
        return f"{NOTICE_TITLE}{document.number}.pdf"
    if document.kind == DocumentKind.OPINION:
        return f"{OPINION_TITLE}{document.number}.pdf"
    scope_name = document.enterprise.name if document.enterprise else settings.get("park_name")
    if document.kind == DocumentKind.MONTHLY:
        return f"{scope_name}{cn_month(document.period)}{MONTHLY_TITLE}{suffix}.pdf"
    return f"{scope_name}{cn_quarter(document.period)}{QUARTERLY_TITLE}{suffix}.pdf"


def _relative_path(*parts: str) -> str:
    *folders, stem = parts
    return "/".join([*folders, f"{stem}-{secrets.token_hex(4)}.pdf"])


def _existing(idempotency_key: str | None) -> Document | None:
    if not idempotency_key:
        return None
    return db.session.scalar(select(Document).where(Document.idempotency_key == idempotency_key))


def _record(render: Callable[[Path], WrittenFile], rel_path: str, hazards: Sequence[Hazard],
            **fields) -> Document:
    """Write the file, add the Document row and commit; on any failure roll back and remove the file.

    Must be called inside the transaction that took the number / version, so a
    failure returns it.
    """
    target = reports_dir() / rel_path
    written = None
    try:
        written = render(target)
        document = Document(path=rel_path, sha256=written.sha256, size=written.size, **fields)
        document.hazards = list(hazards)
        db.session.add(document)
        db.session.commit()
        return document
    except IntegrityError:
        db.session.rollback()
        _remove(target, written)
        # Someone else recorded this idempotency key at the same moment: theirs counts.
        existing = _existing(fields.get("idempotency_key"))
        if existing is not None:
            return existing
        raise
    except BaseException:
        db.session.rollback()
        _remove(target, written)
        raise


def _remove(target: Path, written: WrittenFile | None) -> None:
    if written is not None:
        with contextlib.suppress(FileNotFoundError):
            target.unlink()


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


def _notice_data(number: str, hazards: Sequence[Hazard], inspection: Inspection | None) -> NoticeData:
    enterprise = hazards[0].enterprise
    items = [NoticeHazard(h.code, h.title, h.location or "—", h.legal_basis or "—", h.level, h.deadline,
                          describe_basis(h)) for h in hazards]
    if len(hazards) == 1 or inspection is None:
        qr_url = _public_url(f"/hazards/{hazards[0].id}")
    else:
        qr_url = _public_url(f"/inspections/{inspection.id}")
    return NoticeData(
        number=number, office_name=settings.get("office_name"), enterprise_name=enterprise.name,
        enterprise_address=enterprise.address or "—", hazards=items,
        deadline=max(h.deadline for h in hazards), inspectors=_inspectors_of(hazards, inspection),
        issued_on=today(), qr_url=qr_url,
    )


def _check_notice_hazards(hazards: Sequence[Hazard], inspection: Inspection | None) -> None:
    if not hazards:
        raise DocumentError(_l("There is no hazard to put on a notice."))
    if len({h.enterprise_id for h in hazards}) > 1:
        raise DocumentError(_l("A notice covers the hazards of one enterprise only."))
    if any(h.status in FINAL for h in hazards):
        raise DocumentError(_l("Closed or withdrawn hazards cannot be put on a notice."), 409)
    if inspection is not None and any(h.inspection_id != inspection.id for h in hazards):
        raise DocumentError(_l("Every hazard of the notice must belong to the inspection."))


def issue_notice(hazards: list[Hazard], actor: User | None, *, inspection: Inspection | None = None,
                 idempotency_key: str | None = None) -> Document:
    """Issue the numbered rectification notice (责令限期整改指令书) for ``hazards`` of one enterprise.

    Returns the existing document when ``idempotency_key`` was already used.
    Raises DocumentError when a hazard already has a notice (reissue it
    instead), is closed/withdrawn, or the hazards span enterprises.
    ``actor`` None means a scheduled job.
    """
    existing = _existing(idempotency_key)
    if existing is not None:
        return existing
    hazards = sorted(hazards, key=lambda h: h.id)
    _check_notice_hazards(hazards, inspection)
    inspection = inspection or _common_inspection(hazards)
    number = _next_number("notice", NOTICE_WORD)
    # Checked again under the counter lock: two inspectors pressing at once get one notice.
    if noticed_hazard_ids([h.id for h in hazards]):
        _fail(_l("A notice was already issued for this hazard; reissue it to make a new version."), 409)
    try:
        data = _notice_data(number, hazards, inspection)
    except Exception:
        db.session.rollback()
        raise
    rel_path = _relative_path("notices", str(data.issued_on.year), _number_stem("notice", number))
    return _record(
        lambda target: build_notice(data, target, font_path=_font_path()), rel_path, hazards,
        kind=DocumentKind.NOTICE.value, number=number, enterprise_id=hazards[0].enterprise_id,
        inspection_id=inspection.id if inspection is not None else None, version=1,
        idempotency_key=idempotency_key, created_by_id=actor.id if actor is not None else None,
    )


def reissue_notice(document: Document, actor: User | None, *, idempotency_key: str | None = None) -> Document:
    """Issue a new numbered version of a notice (e.g. after a deadline extension); the old file stays.

    Only the newest version can be reissued; closed or withdrawn hazards are
    left off the new version.
    """
    existing = _existing(idempotency_key)
    if existing is not None:
        return existing
    if document.kind != DocumentKind.NOTICE:
        raise DocumentError(_l("Only a rectification notice can be reissued."))
    number = _next_number("notice", NOTICE_WORD)
    if db.session.scalar(select(func.count(Document.id)).where(Document.supersedes_id == document.id)):
        _fail(_l("This notice was already reissued; reissue its newest version."), 409)
    hazards = [h for h in document.hazards if h.status not in FINAL]
    if not hazards:
        _fail(_l("Every hazard of this notice is closed or withdrawn; there is nothing to reissue."), 409)
    try:
        data = _notice_data(number, hazards, document.inspection)
        data.replaces = document.number
    except Exception:
        db.session.rollback()
        raise
    version = document.version + 1
    rel_path = _relative_path("notices", str(data.issued_on.year), _number_stem("notice", number, version))
    return _record(
        lambda target: build_notice(data, target, font_path=_font_path()), rel_path, hazards,
        kind=DocumentKind.NOTICE.value, number=number, enterprise_id=document.enterprise_id,
        inspection_id=document.inspection_id, version=version, supersedes_id=document.id,
        idempotency_key=idempotency_key, created_by_id=actor.id if actor is not None else None,
    )


# --------------------------------------------------------------------------- opinion


def reinspection_result(hazard: Hazard) -> tuple[str, str]:
    """The opinion's result for a hazard, with a short explanation.

    verified / closed → 已整改; otherwise 部分整改 when at least one measure
    is done, else 未整改.
    """
    if hazard.status in (HazardStatus.VERIFIED, HazardStatus.CLOSED):
        return RESULT_DONE, hazard.rectification_note or "经复查，已按要求完成整改"
    done = sum(1 for m in hazard.measures if m.is_done)
    if done:
        return RESULT_PARTIAL, f"已完成整改措施 {done}/{len(hazard.measures)} 项"
    return RESULT_NOT_DONE, "尚未完成整改措施" if hazard.measures else "尚未制定整改措施"


def _reinspectors(hazards: Sequence[Hazard], actor: User | None) -> list[Inspector]:
    users: list[User] = [actor] if actor is not None and actor.role in (Role.INSPECTOR, Role.ADMIN) else []
    stmt = (select(User).join(Event, Event.actor_id == User.id)
            .where(Event.hazard_id.in_([h.id for h in hazards]), Event.action.in_(("verify", "reject")))
            .order_by(Event.seq.desc()))
    for user in db.session.scalars(stmt).unique():
        if user not in users:
            users.append(user)
    if not users:
        return _inspectors_of(hazards, _common_inspection(hazards))
    return [Inspector(u.name, u.certificate_no or NO_CERTIFICATE) for u in users]


def issue_opinion(notice: Document, actor: User | None, *, idempotency_key: str | None = None) -> Document:
    """Issue the numbered re-inspection opinion (整改复查意见书) answering ``notice``.

    Uses the notice's newest version; lists each of its hazards (withdrawn ones
    left off) with :func:`reinspection_result`. Several opinions may answer
    one notice (e.g. after a partial result).
    """
    existing = _existing(idempotency_key)
    if existing is not None:
        return existing
    if notice.kind != DocumentKind.NOTICE:
        raise DocumentError(_l("A re-inspection opinion answers a rectification notice."))
    notice = current_version(notice)
    hazards = [h for h in notice.hazards if h.status != WITHDRAWN]
    if not hazards:
        raise DocumentError(_l("Every hazard of this notice was withdrawn; there is nothing to re-inspect."), 409)
    number = _next_number("opinion", OPINION_WORD)
    try:
        items = [OpinionItem(h.code, h.title, *reinspection_result(h)) for h in hazards]
        acceptances = [Acceptance(h.code, h.accepted_on, h.accepted_by, h.acceptance_opinion)
                       for h in hazards if h.status == HazardStatus.CLOSED and h.accepted_on is not None]
        data = OpinionData(number=number, notice_number=notice.number,
                           office_name=settings.get("office_name"), enterprise_name=notice.enterprise.name,
                           items=items, inspectors=_reinspectors(hazards, actor), reinspected_on=today(),
                           acceptances=acceptances)
    except Exception:
        db.session.rollback()
        raise
    rel_path = _relative_path("opinions", str(data.reinspected_on.year), _number_stem("opinion", number))
    return _record(
        lambda target: build_opinion(data, target, font_path=_font_path()), rel_path, hazards,
        kind=DocumentKind.OPINION.value, number=number, enterprise_id=notice.enterprise_id,
        inspection_id=notice.inspection_id, version=1, supersedes_id=None,
        idempotency_key=idempotency_key, created_by_id=actor.id if actor is not None else None,
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

    Definitions (also printed as a remark in the report):
    found = hazards with ``found_on`` in the month; closed = ``closed_on`` in
    the month; rectification rate = of the month's hazards, the share closed
    out by the as-of day (the dashboard's "this month" rate); open,
    overdue and the clearing table are cumulative as of the last day of the
    month (today while the month is current); withdrawn hazards never count.
    """
    start, end, as_of = month_as_of(period)
    s = db.session

    def hazards(*columns):
        return _for_enterprise(select(*columns).where(_live()), Hazard.enterprise_id, enterprise)

    found_in_month = Hazard.found_on.between(start, end)
    inspections_done = s.scalar(_for_enterprise(
        select(func.count(Inspection.id)).where(Inspection.inspected_on.between(start, end)),
        Inspection.enterprise_id, enterprise))
    by_level = dict(s.execute(hazards(Hazard.level, func.count()).where(found_in_month).group_by(Hazard.level)).all())
    found_by_level = {level.value: by_level.get(level.value, 0) for level in HazardLevel}
    by_category = s.execute(hazards(Hazard.category, func.count()).where(found_in_month)
                            .group_by(Hazard.category)).all()
    found_by_category = sorted(((_category_label(code), n) for code, n in by_category), key=lambda kv: (-kv[1], kv[0]))
    found_total = sum(found_by_level.values())
    closed_in_month = s.scalar(hazards(func.count()).where(Hazard.closed_on.between(start, end)))
    # The dashboard's rate: of the month's hazards, the share closed out (by the as-of day).
    closed_of_found = s.scalar(hazards(func.count()).where(found_in_month, Hazard.closed_on <= as_of))

    major_condition = and_(Hazard.level == HazardLevel.MAJOR.value, Hazard.found_on <= as_of,
                           or_(_open_on(as_of), Hazard.closed_on.between(start, end)))
    clearing, open_total, overdue_total, major_total = _clearing_rows(as_of, enterprise, major_condition)
    overdue_rows = s.execute(
        hazards(Hazard.code, Enterprise.name, Hazard.title, Hazard.deadline)
        .join(Enterprise, Enterprise.id == Hazard.enterprise_id)
        .where(Hazard.found_on <= as_of, _overdue_on(as_of))
        .order_by(Hazard.deadline, Hazard.code).limit(LIST_LIMIT)).all()
    overdue_list = [OverdueRow(code, name, title, deadline, (as_of - deadline).days)
                    for code, name, title, deadline in overdue_rows]
    major_rows = s.execute(
        hazards(Hazard.code, Enterprise.name, Hazard.title, Hazard.status, Hazard.closed_on, Hazard.deadline,
                Hazard.accepted_on)
        .join(Enterprise, Enterprise.id == Hazard.enterprise_id)
        .where(major_condition)
        .order_by(Hazard.deadline, Hazard.code).limit(LIST_LIMIT)).all()
    major_hazards = [MajorHazardRow(code, name, title, _major_status_on(status, closed_on, accepted_on, as_of),
                                    deadline)
                     for code, name, title, status, closed_on, deadline, accepted_on in major_rows]
    new_major = major_data.new_major_rows(start, end, enterprise, LIST_LIMIT)
    suspensions_in_month, suspensions_started = major_data.suspension_counts(start, end, enterprise)

    remarks = [
        f"统计口径：数据截至 {cn_date(as_of)}。“本月发现”按发现日期统计，“本月销号”按销号日期统计，"
        "本月销号数含以前月份发现的隐患；整改率＝本月发现的隐患中截至统计日已销号的数量÷本月发现数；"
        "未销号、逾期及“清零”进度为截至统计日的累计数；已撤销的隐患不计入统计。",
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
        trend=_trend(start, end, enterprise), remarks=remarks,
    )


def _status_on(status: str, closed_on: date | None, as_of: date) -> str:
    if closed_on is not None and closed_on <= as_of:
        return labels.STATUS_ZH[CLOSED]
    if status == CLOSED:  # closed after the report's day: it was still being worked on then
        return "未销号"
    return labels.STATUS_ZH.get(status, status)


def _major_status_on(status: str, closed_on: date | None, accepted_on: date | None, as_of: date) -> str:
    """A closed major hazard's status with its acceptance date (验收销号)."""
    label = _status_on(status, closed_on, as_of)
    if accepted_on is not None and closed_on is not None and closed_on <= as_of:
        return f"{label}（{accepted_on.month}月{accepted_on.day}日验收）"
    return label


def _clearing_rows(as_of: date, enterprise: Enterprise | None,
                   major_condition) -> tuple[list[ClearingRow], int, int, int]:
    """Per enterprise, cumulative to ``as_of``: found, closed, open, overdue.

    Also returns the open and overdue totals and how many hazards meet
    ``major_condition`` (counted in the same pass over the hazards).
    """
    stmt = _for_enterprise(
        select(Hazard.enterprise_id, func.count(), _count_if(Hazard.closed_on <= as_of),
               _count_if(_open_on(as_of)), _count_if(_overdue_on(as_of)), _count_if(major_condition))
        .where(_live(), Hazard.found_on <= as_of).group_by(Hazard.enterprise_id),
        Hazard.enterprise_id, enterprise)
    counts = {row[0]: tuple(int(v) for v in row[1:]) for row in db.session.execute(stmt)}
    names = _for_enterprise(select(Enterprise.id, Enterprise.name).where(
        or_(Enterprise.active.is_(True), Enterprise.id.in_(list(counts)))), Enterprise.id, enterprise)
    rows = []
    for ident, name in db.session.execute(names):
        found, closed, open_, overdue, _major = counts.get(ident, (0, 0, 0, 0, 0))
        rows.append(ClearingRow(name, found, closed, open_, overdue, open_ == 0))
    # Furthest from zero first: most overdue, then most open; cleared ones last.
    rows.sort(key=lambda r: (r.cleared, -r.overdue, -r.open, r.enterprise_name))
    majors = sum(c[4] for c in counts.values())
    return rows, sum(r.open for r in rows), sum(r.overdue for r in rows), majors


def _trend(start: date, end: date, enterprise: Enterprise | None) -> Trend:
    """Found and closed per month for the 12 months ending with the report's month."""
    first_year, first_month = _add_months(start.year, start.month, -11)
    first = date(first_year, first_month, 1)
    months = [_add_months(first_year, first_month, i) for i in range(12)]

    def per_month(column, *where):
        # GROUP BY the day walks the date index without touching the table rows; ~365 rows come back.
        stmt = _for_enterprise(
            select(column, func.count()).where(column.between(first, end), *where).group_by(column),
            Hazard.enterprise_id, enterprise)
        got: dict[tuple[int, int], int] = {}
        for day, n in db.session.execute(stmt):
            got[(day.year, day.month)] = got.get((day.year, day.month), 0) + n
        return [got.get(month, 0) for month in months]

    # Withdrawn hazards do not count: subtract them (few, found through the status index)
    # rather than filter every row. closed_on is only ever set on closed hazards.
    found = per_month(Hazard.found_on)
    withdrawn = per_month(Hazard.found_on, Hazard.status == WITHDRAWN)
    found = [f - w for f, w in zip(found, withdrawn, strict=True)]
    return Trend([f"{y:04d}-{m:02d}" for y, m in months], found, per_month(Hazard.closed_on))


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


# --------------------------------------------------------------------------- quarterly table


def quarter_as_of(period: str) -> tuple[date, date, date]:
    """(first day, last day, as-of day) of the quarter, as :func:`month_as_of`."""
    try:
        year, quarter = parse_quarter(period)
    except ValueError:
        raise DocumentError(_l("Give the quarter as YYYYQn, e.g. 2026Q3.")) from None
    start = date(year, quarter * 3 - 2, 1)
    end = _month_end(year, quarter * 3)
    if start > today():
        raise DocumentError(_l("This quarter has not begun yet."))
    return start, end, min(end, today())


def _plan_complete():
    return and_(*(func.length(func.trim(func.coalesce(getattr(GovernancePlan, name), ""))) > 0
                  for name in GovernancePlan.ELEMENTS))


def quarterly_data(period: str, enterprise: Enterprise | None = None) -> QuarterlyData:
    """The quarterly statistics: one row per enterprise (park) or per category (one enterprise).

    Counts are hazards found in the quarter; rectified = closed out by the
    quarter's end (or today); overdue = still open then and past deadline;
    planned = major with a complete six-element plan; supervised (挂牌督办) = major
    listed for supervision by then (lifted or not); funds = sum of their measures' funds.
    """
    start, end, as_of = quarter_as_of(period)
    key = Hazard.category if enterprise is not None else Hazard.enterprise_id
    major = Hazard.level == HazardLevel.MAJOR.value
    general = Hazard.level == HazardLevel.GENERAL.value
    rectified = Hazard.closed_on <= as_of
    where = [_live(), Hazard.found_on.between(start, end)]
    stmt = _for_enterprise(
        select(key, _count_if(general), _count_if(and_(general, rectified)), _count_if(major),
               _count_if(and_(major, rectified)), _count_if(and_(major, _plan_complete())),
               _count_if(and_(major, Supervision.listed_on <= as_of)), _count_if(_overdue_on(as_of)))
        .outerjoin(GovernancePlan, GovernancePlan.hazard_id == Hazard.id)
        .outerjoin(Supervision, Supervision.hazard_id == Hazard.id)
        .where(*where).group_by(key), Hazard.enterprise_id, enterprise)
    counts = {row[0]: tuple(int(v) for v in row[1:]) for row in db.session.execute(stmt)}
    funds_stmt = _for_enterprise(
        select(key, func.coalesce(func.sum(Measure.funds), 0)).join(Hazard, Hazard.id == Measure.hazard_id)
        .where(*where).group_by(key), Hazard.enterprise_id, enterprise)
    funds = {k: float(v or 0) for k, v in db.session.execute(funds_stmt)}
    empty = (0,) * 7
    if enterprise is not None:
        names = [(c.code, c.zh) for c in reference.categories()]
        names += [(code, code) for code in counts if reference.category(code) is None]
    else:
        names = list(db.session.execute(
            select(Enterprise.id, Enterprise.name)
            .where(or_(Enterprise.active.is_(True), Enterprise.id.in_(list(counts))))
            .order_by(Enterprise.name, Enterprise.id)))
    rows = [QuarterlyRow(name, *counts.get(ident, empty), funds_yuan=funds.get(ident, 0.0))
            for ident, name in names]
    return QuarterlyData(
        period=period, scope_name=enterprise.name if enterprise else settings.get("park_name"),
        office_name=settings.get("office_name"), generated_on=today(), rows=rows,
        row_label="隐患类别" if enterprise is not None else "企业名称",
        notes=[f"数据截至 {cn_date(as_of)}；“已整改”指截至该日已销号的隐患；已撤销的隐患不计入；"
               "“挂牌督办”指本季度发现的重大事故隐患中截至该日已挂牌督办的数量（含已摘牌）。"],
    )


def build_quarterly(period: str, enterprise: Enterprise | None = None, *, actor: User | None = None,
                    idempotency_key: str | None = None) -> Document:
    """Build and record the quarterly statistics table ('2026Q3') for the park or one enterprise."""
    existing = _existing(idempotency_key)
    if existing is not None:
        return existing
    quarter_as_of(period)
    return _report_record(DocumentKind.QUARTERLY.value, period, enterprise, actor, idempotency_key,
                          lambda: quarterly_data(period, enterprise), build_quarterly_table)
