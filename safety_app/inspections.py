"""An inspection done properly: checklist results saved item by item, and the completion on site.

- ``record_result``: one checklist item (a category, or a criterion code
  ``criterion:<SET>:<clause>``) gets 合格 / 不合格 / 不适用 (and an optional note), saved at once,
  one row per inspection and item (``inspection_results``). Only while the inspection is in
  progress, and only by one of its inspectors or an administrator (``permissions.can``
  ``inspection.record``).
- ``mark_failed_for_hazard``: called by ``lifecycle.file_hazard`` in its transaction: a hazard
  filed in an inspection marks its category (and its criterion, if any) 不合格.
  ``check_accepts_hazards`` refuses filing into an inspection that is not in progress.
- ``complete``: the sign-off. Summary, the enterprise's representative, a signature drawn on
  the phone (a PNG checked by content with Pillow, re-encoded, size-limited, stored under
  ``UPLOAD_DIR`` like photos), the officers who sign; refused while categories are unanswered
  unless confirmed. In one transaction: status 'completed', ``completed_at``, an audit event
  and the 现场检查记录 (documents.records), printed with the results and the signature. A
  completed inspection is read-only.

The checklist walked on the page is the park's categories (always) plus the major-hazard
criteria of the set in force on the inspection day; "unanswered" counts the categories
without a result (a criterion is a finer item, answered when it applies).
"""
from __future__ import annotations

import base64
import binascii
import io
import secrets
import warnings
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from . import audit, criteria, reference
from .clock import utcnow
from .extensions import db
from .lifecycle_errors import Invalid, NotAllowed, WrongState
from .models import ChecklistResult, InspectionResult
from .models.enums import InspectionStatus

RESULTS = tuple(r.value for r in ChecklistResult)
MAX_NOTE = 500
MAX_SUMMARY = 4000
MAX_REPRESENTATIVE = 100
SIGNATURE_MAX_BYTES = 300_000        # decoded PNG
SIGNATURE_MAX_EDGE = 3000            # a phone canvas at device-pixel ratio 3 is ~1200 × 600
SIGNATURE_MAX_PIXELS = 3_000_000
DATA_URL_PREFIX = "data:image/png;base64,"


# --------------------------------------------------------------------------- reading


def in_progress(inspection):
    return inspection.status == InspectionStatus.IN_PROGRESS.value


def results_of(inspection):
    """{item code: InspectionResult} of the inspection."""
    rows = db.session.scalars(select(InspectionResult).where(InspectionResult.inspection_id == inspection.id))
    return {r.item: r for r in rows}


@dataclass(frozen=True)
class Counts:
    passed: int
    failed: int
    not_applicable: int
    unanswered: int  # categories without a result

    def as_dict(self):
        return {"passed": self.passed, "failed": self.failed, "not_applicable": self.not_applicable,
                "unanswered": self.unanswered}


def counts(results):
    """合格 / 不合格 / 不适用 over every answered item, 未查 over the categories."""
    by_result = {r: 0 for r in RESULTS}
    for row in results.values():
        by_result[row.result] += 1
    unanswered = sum(1 for code in reference.category_codes() if code not in results)
    return Counts(by_result["passed"], by_result["failed"], by_result["not_applicable"], unanswered)


def may_record(actor, inspection):
    from .permissions import can

    return can(actor, "inspection.record", inspection)


# --------------------------------------------------------------------------- results


def known_item(item):
    if item in reference.category_codes():
        return True
    ref = criteria.parse_checklist_code(item)
    return ref is not None and criteria.find(*ref) is not None


def _check_recordable(inspection, actor):
    if not may_record(actor, inspection):
        raise NotAllowed(_l("Only the inspectors of this inspection or an administrator record its results."))
    if not in_progress(inspection):
        raise WrongState(_l("This inspection is completed; its results can no longer be changed."))


def _upsert(inspection, actor, item, result, note=None):
    """Write one result (no commit): insert, or change the row of the same item."""
    row = db.session.scalar(select(InspectionResult).where(
        InspectionResult.inspection_id == inspection.id, InspectionResult.item == item).with_for_update())
    if row is None:
        row = InspectionResult(inspection_id=inspection.id, item=item, note="")
        db.session.add(row)
    row.result = result
    if note is not None:
        row.note = note
    row.recorded_by_id = actor.id
    row.recorded_at = utcnow()
    looked_at = list(inspection.checklist or [])
    if item not in looked_at:
        inspection.checklist = looked_at + [item]
    return row


def record_result(inspection, actor, item, result, note=None):
    """Save the result of one checklist item at once (one transaction); return the row."""
    _check_recordable(inspection, actor)
    item = (item or "").strip()
    if not known_item(item):
        raise Invalid(_l("Unknown checklist item."), field="item")
    if result not in RESULTS:
        raise Invalid(_l("Choose 合格, 不合格 or 不适用."), field="result")
    if note is not None:
        note = note.strip()
        if len(note) > MAX_NOTE:
            raise Invalid(_l("This text is too long (at most %(n)d characters).", n=MAX_NOTE), field="note")
    for attempt in (1, 2):
        try:
            row = _upsert(inspection, actor, item, result, note)
            db.session.commit()
            return row
        except IntegrityError:
            # Two taps on the same item at once: the other insert won; change its row instead.
            db.session.rollback()
            if attempt == 2:
                raise
        except Exception:
            db.session.rollback()
            raise
    raise AssertionError("unreachable")


def check_accepts_hazards(inspection):
    """Refuse filing a hazard into an inspection that is not in progress (lifecycle.file_hazard)."""
    if inspection is not None and not in_progress(inspection):
        raise Invalid(_l("This inspection is completed; file the hazard in a new inspection."), field="inspection")


def items_of_hazard(hazard):
    items = [hazard.category]
    if hazard.criteria_set:
        items.append(criteria.checklist_code(hazard.criteria_set, hazard.criterion_clause))
    return items


def mark_failed_for_hazard(inspection, hazard, actor):
    """The hazard's items become 不合格 (in the caller's transaction; no commit)."""
    for item in items_of_hazard(hazard):
        _upsert(inspection, actor, item, ChecklistResult.FAILED.value)


# --------------------------------------------------------------------------- signature


def _signature_error():
    return Invalid(_l("The signature is not a PNG image. Sign again in the box."), field="signature")


def decode_signature(value):
    """The PNG of a data URL (``data:image/png;base64,...``) or raw bytes, checked by content and
    re-encoded (on white, no metadata); Invalid (nothing written) if it is not a drawn PNG."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise Invalid(_l("The enterprise's representative must sign in the box."), field="signature")
        if not value.startswith(DATA_URL_PREFIX):
            raise _signature_error()
        encoded = value[len(DATA_URL_PREFIX):]
        if len(encoded) > SIGNATURE_MAX_BYTES * 4 // 3 + 4:
            raise Invalid(_l("The signature is too large."), field="signature")
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise _signature_error() from None
    else:
        data = bytes(value or b"")
    if not data:
        raise Invalid(_l("The enterprise's representative must sign in the box."), field="signature")
    if len(data) > SIGNATURE_MAX_BYTES:
        raise Invalid(_l("The signature is too large."), field="signature")
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise _signature_error()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format != "PNG":
                raise _signature_error()
            width, height = image.size
            if max(width, height) > SIGNATURE_MAX_EDGE or width * height > SIGNATURE_MAX_PIXELS:
                raise Invalid(_l("The signature is too large."), field="signature")
            from . import uploads  # uploads imports the lifecycle, which imports this module

            with uploads.processing_slot():
                image.verify()
                image = Image.open(io.BytesIO(data))
                image.load()
                rgba = image.convert("RGBA")
    except Invalid:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _signature_error() from None
    flat = Image.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.getchannel("A"))
    # A signature has ink: something darker than paper.
    ink = flat.convert("L").point(lambda v: 255 if v < 200 else 0)
    if ink.getbbox() is None:
        raise Invalid(_l("The signature box is empty. Ask the representative to sign."), field="signature")
    out = io.BytesIO()
    flat.save(out, "PNG", optimize=True)
    return out.getvalue()


def _store_signature(png):
    from . import uploads

    token = secrets.token_hex(16)
    relative = f"signatures/{token[:2]}/{token}.png"
    uploads.write_file(relative, png)
    return relative


# --------------------------------------------------------------------------- completion


def complete(inspection, actor, *, summary, representative, signature, officers=(), confirm_unanswered=False,
             inspector_signature=None):
    """Sign off the inspection on site and issue its 现场检查记录; return the Document.

    Nothing is written when any part is refused (the signature files are removed again).
    """
    from . import uploads
    from .documents import officers as officers_rule
    from .documents import records
    from .documents.errors import DocumentError

    if not may_record(actor, inspection):
        raise NotAllowed(_l("Only the inspectors of this inspection or an administrator complete it."))
    if not in_progress(inspection):
        raise WrongState(_l("This inspection is already completed."))
    summary = (summary or "").strip()
    if len(summary) > MAX_SUMMARY:
        raise Invalid(_l("This text is too long (at most %(n)d characters).", n=MAX_SUMMARY), field="summary")
    representative = (representative or "").strip()
    if not representative:
        raise Invalid(_l("Give the name of the enterprise's representative present at the inspection."),
                      field="representative")
    if len(representative) > MAX_REPRESENTATIVE:
        raise Invalid(_l("This text is too long (at most %(n)d characters).", n=MAX_REPRESENTATIVE),
                      field="representative")
    results = results_of(inspection)
    tally = counts(results)
    if tally.unanswered and not confirm_unanswered:
        raise Invalid(_l("%(n)d checklist items have no result yet. Record them, or confirm that the "
                         "inspection is complete without them.", n=tally.unanswered), field="confirm_unanswered")
    representative_png = decode_signature(signature)
    inspector_png = None
    if inspector_signature not in (None, "", b""):
        try:
            inspector_png = decode_signature(inspector_signature)
        except Invalid as error:
            raise Invalid(error.message, field="inspector_signature") from None
    try:
        chosen = officers_rule.check(officers)
    except DocumentError as error:
        raise Invalid(error.message, field="officers") from None

    stored = []
    try:
        stored.append(_store_signature(representative_png))
        inspection.representative_signature = stored[-1]
        if inspector_png is not None:
            stored.append(_store_signature(inspector_png))
            inspection.inspector_signature = stored[-1]
        inspection.summary = summary
        inspection.status = InspectionStatus.COMPLETED.value
        inspection.completed_at = utcnow()
        audit.append_event(action="inspection.complete", actor=actor, data={
            "inspection_id": inspection.id, "enterprise_id": inspection.enterprise_id,
            "representative": representative, "results": tally.as_dict(),
            "unanswered_confirmed": bool(tally.unanswered),
            "officers": [u.id for u in chosen]})
        # The record commits the whole transaction (status, event, document) or rolls it back.
        document = records.issue_inspection_record(inspection, actor, chosen, representative)
    except DocumentError as error:
        db.session.rollback()
        uploads.discard_names(stored)
        raise Invalid(error.message, field="officers") from None
    except BaseException:
        db.session.rollback()
        uploads.discard_names(stored)
        raise
    return document

