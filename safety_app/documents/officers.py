"""Who may sign an enforcement document: at least two staff with a law-enforcement certificate.

The notice (责令限期整改指令书), the re-inspection opinion (整改复查意见书) and the
on-site inspection record (现场检查记录) name the officers chosen on the issue
form; whoever presses the button is recorded as the issuer (``created_by``) and
printed only when chosen. This module is the one place that decides.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select

from ..extensions import db
from ..models import Document, Role, User, document_officers
from .common import Inspector
from .errors import DocumentError

MIN_OFFICERS = 2


def eligible() -> list[User]:
    """Active staff with a certificate number, the choices of the officers field."""
    return list(db.session.scalars(
        select(User).where(User.active.is_(True), User.role.in_((Role.INSPECTOR.value, Role.ADMIN.value)),
                           User.certificate_no != "")
        .order_by(User.display_name, User.username)))


def check(users: Iterable[User | int]) -> list[User]:
    """The chosen officers in the given order, or DocumentError with the reason (nothing written)."""
    chosen: list[User] = []
    for item in users:
        user = db.session.get(User, item) if isinstance(item, int) else item
        if user is None or user in chosen:
            continue
        if not user.active or user.role not in (Role.INSPECTOR, Role.ADMIN):
            raise DocumentError(_l("%(name)s is not an active inspector and cannot sign.", name=user.name))
        if not (user.certificate_no or "").strip():
            raise DocumentError(_l("%(name)s has no law-enforcement certificate number on record.",
                                   name=user.name))
        chosen.append(user)
    if len(chosen) < MIN_OFFICERS:
        raise DocumentError(_l("An enforcement document needs at least two officers with certificate numbers."))
    return chosen


def printed(users: Iterable[User]) -> list[Inspector]:
    return [Inspector(u.name, u.certificate_no) for u in users]


def record(document: Document, users: Iterable[User]) -> None:
    """Store the officers of ``document`` (in the caller's transaction)."""
    rows = [{"document_id": document.id, "user_id": u.id, "position": i} for i, u in enumerate(users, 1)]
    if rows:
        db.session.execute(insert(document_officers), rows)
